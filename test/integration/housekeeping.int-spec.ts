/**
 * Housekeeping through Temporal for real: the worker creates the `ogp-housekeeping` schedule when
 * it starts, and a run (triggered on the schedule, or started directly) deletes stored evidence
 * bytes nobody references once past the grace, and idempotency records past the retention, keeping
 * everything else. Uses its own dev server: a schedule id is one per namespace, and every other
 * test file's worker points the shared server's schedule at its own task queue. Its reconciling
 * steps are stubbed: the database is shared with every other test file, whose plans and evidence
 * live on the shared Temporal server (plan-activation and evidence-delivery tests run them for real).
 */
import type { ScheduleDescription } from '@temporalio/client';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { startTemporalDevServer, TemporalDevServer } from '../../infra/dev-stack/temporal-dev-server';
import { EvidenceEntity, EvidenceFileEntity, EvidenceRequestEntity, EvidenceRequestStatus } from '../../libs/persistence/src';
import { LocalDiskEvidenceStorage } from '../../libs/storage/src';
import { DeliverPendingEvidence, ReconcileWorkflows } from '../../libs/application/src';
import { housekeepingWorkflow } from '../../workflows/src';
import { HOUSEKEEPING_SCHEDULE_ID, HousekeepingResult } from '../../workflows/src/messages';
import { createMilestone, createPlanFixture, eventually } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const HOUR = 3_600_000;
const INTERVAL_MINUTES = 45;
const RECONCILED = { plans: 3, handedOver: 1, cancelled: 2, failed: 0 };
const DELIVERED = { pending: 1, delivered: 1, refused: 0, stillPending: 0 };

describe('housekeeping', () => {
  let server: TemporalDevServer;
  let system: TestSystem;
  let db: DataSource;
  let storage: LocalDiskEvidenceStorage;

  const schedule = () => system.temporal.schedule.getHandle(HOUSEKEEPING_SCHEDULE_ID);

  beforeAll(async () => {
    server = await startTemporalDevServer({ log: () => undefined });
    system = await startTestSystem({
      config: {
        temporal: { address: server.address, namespace: 'default', taskQueue: `housekeeping-${randomUUID()}`, signalTimeoutSeconds: 10 },
        housekeeping: { intervalMinutes: INTERVAL_MINUTES, orphanedEvidenceGraceMinutes: 60, idempotencyRetentionHours: 168 },
      },
      overrideWorker: (module) =>
        module
          .overrideProvider(ReconcileWorkflows)
          .useValue({ execute: async () => RECONCILED })
          .overrideProvider(DeliverPendingEvidence)
          .useValue({ execute: async () => DELIVERED }),
    });
    db = system.api.get(DataSource);
    storage = new LocalDiskEvidenceStorage(system.config.evidenceDir);
  });

  afterAll(async () => {
    await system?.close();
    await server?.stop();
  });

  const expectSchedule = (description: ScheduleDescription, intervalMinutes: number) => {
    expect(description.spec.intervals?.map((interval) => interval.every)).toEqual([intervalMinutes * 60_000]);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'housekeepingWorkflow', taskQueue: system.config.temporal.taskQueue });
    expect(description.policies.overlap).toBe('SKIP');
  };

  it('creates the schedule when the worker starts: every HOUSEKEEPING_INTERVAL_MINUTES on the worker’s task queue, skipping overlaps', async () => {
    expectSchedule(await schedule().describe(), INTERVAL_MINUTES);
  });

  it('finds the schedule on a restart, and takes a changed interval into it', async () => {
    await system.stopWorker();
    await system.startWorker(); // the schedule exists: no error, nothing changes
    expectSchedule(await schedule().describe(), INTERVAL_MINUTES);

    system.config.housekeeping.intervalMinutes = 20; // the same config object the next worker gets
    await system.stopWorker();
    await system.startWorker();
    expectSchedule(await schedule().describe(), 20);
  });

  /** Stores bytes under a fresh key, written `ageMs` ago. */
  async function storedObject(ageMs: number): Promise<string> {
    const id = randomUUID();
    const key = `${id.slice(0, 2)}/${id}`;
    await storage.put(key, Buffer.from(`bytes of ${key}`));
    const written = new Date(Date.now() - ageMs);
    utimesSync(path.join(storage.root, key), written, written);
    return key;
  }

  /** A temporary file as `put` names its writes in progress, last written `ageMs` ago; returns its path. */
  function temporaryFile(ageMs: number): string {
    const file = path.join(storage.root, 'ab', `.${randomUUID()}.${randomBytes(6).toString('hex')}.tmp`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'half a file');
    const written = new Date(Date.now() - ageMs);
    utimesSync(file, written, written);
    return file;
  }

  /** Evidence of a milestone, with one file row referring to `storageKey`. */
  async function evidenceFileRow(storageKey: string): Promise<void> {
    const fixture = await createPlanFixture(system, { status: 'draft' });
    const milestone = await createMilestone(system, fixture, 3600, 'Open data inventory');
    const request = await db.getRepository(EvidenceRequestEntity).save({ milestoneId: milestone.id, cycle: 1, status: EvidenceRequestStatus.Fulfilled, dueAt: new Date(Date.now() + HOUR), linkExpiresAt: new Date(Date.now() + 2 * HOUR) });
    const evidence = await db.getRepository(EvidenceEntity).save({ milestoneId: milestone.id, evidenceRequestId: request.id, narrative: 'Inventory', claimedCompletion: 'complete', submittedBy: 'upload-link' });
    await db.getRepository(EvidenceFileEntity).insert({ evidenceId: evidence.id, originalName: 'inventory.csv', mediaType: 'text/csv', sizeBytes: 10, sha256: 'a'.repeat(64), storageKey });
  }

  /** An idempotency record created `ageHours` ago; `status` null while its request is still running. */
  async function idempotencyRecord(ageHours: number, status: number | null): Promise<string> {
    const key = `housekeeping-${randomUUID()}`;
    await db.query(`INSERT INTO idempotency_record (scope, key, request_hash, status, response, created_at) VALUES ($1, $2, $3, $4, $5, now() - make_interval(hours => $6))`, [
      'housekeeping-test',
      key,
      'f'.repeat(64),
      status,
      status === null ? null : JSON.stringify({ id: key }),
      ageHours,
    ]);
    return key;
  }

  const remainingRecords = async (keys: string[]) =>
    ((await db.query(`SELECT key FROM idempotency_record WHERE key = ANY($1)`, [keys])) as { key: string }[]).map((row) => row.key).sort();

  it('a triggered run deletes only old unreferenced evidence bytes and idempotency records past the retention; a second run finds nothing more', async () => {
    const oldOrphan = await storedObject(2 * HOUR);
    const freshOrphan = await storedObject(60_000); // an upload still committing its rows
    const oldReferenced = await storedObject(2 * HOUR);
    await evidenceFileRow(oldReferenced);
    const abandonedWrite = temporaryFile(2 * HOUR); // a worker died mid-write
    const writeInProgress = temporaryFile(60_000);

    const expired = await idempotencyRecord(200, 201);
    const expiredInFlight = await idempotencyRecord(170, null); // a request whose API process died
    const young = await idempotencyRecord(167, 201);
    const youngInFlight = await idempotencyRecord(0, null);

    // Subscribers: one who never confirmed, asked 8 days ago (past the 7-day retention), one asked now.
    const subscribers = await createPlanFixture(system);
    const subscriber = async (email: string, askedDaysAgo: number) =>
      ((await db.query(
        `INSERT INTO subscriber (plan_id, email, language, commitment_ids, status, consent_source, consented_at, confirmation_sent_at, confirm_expires_at, created_at)
         VALUES ($1, $2, 'es', '[]', 'pending', 'form', now(), now() - make_interval(days => $3), now(), now() - make_interval(days => $3)) RETURNING id`,
        [subscribers.planId, email, askedDaysAgo],
      )) as { id: string }[])[0].id;
    const neverConfirmed = await subscriber(`never-${randomUUID()}@test.example`, 8);
    const justAsked = await subscriber(`asked-${randomUUID()}@test.example`, 0);

    await schedule().trigger();
    const described = await eventually(() => schedule().describe(), (d) => d.info.recentActions.length > 0);
    expect(described.info.recentActions).toHaveLength(1);
    const run = system.temporal.workflow.getHandle(described.info.recentActions[0].action.workflow.workflowId);
    const result: HousekeepingResult = await run.result();

    expect(result.evidence).toEqual({ scanned: 3, referenced: 1, keptYoung: 1, deleted: 1, abandonedWrites: 1 });
    // Then the workflows are reconciled with the database (stubbed here, see above).
    expect({ workflows: result.workflows, evidenceDeliveries: result.evidenceDeliveries }).toEqual({ workflows: RECONCILED, evidenceDeliveries: DELIVERED });
    expect(existsSync(abandonedWrite)).toBe(false);
    expect(existsSync(writeInProgress)).toBe(true);
    expect(existsSync(path.join(storage.root, oldOrphan))).toBe(false);
    expect(existsSync(path.join(storage.root, freshOrphan))).toBe(true);
    expect((await storage.get(oldReferenced)).toString()).toBe(`bytes of ${oldReferenced}`);

    // Other test files share the database, but none writes records this old.
    expect(result.idempotency).toEqual({ deleted: 2 });
    expect(await remainingRecords([expired, expiredInFlight, young, youngInFlight])).toEqual([young, youngInFlight].sort());

    // Personal data is kept no longer than needed: the address that never confirmed is gone, the new one stays.
    expect(result.unconfirmedSubscribers).toEqual({ purged: 1, outboxMessagesRedacted: 0 });
    const left = (await db.query(`SELECT id FROM subscriber WHERE id = ANY($1)`, [[neverConfirmed, justAsked]])) as { id: string }[];
    expect(left.map((row) => row.id)).toEqual([justAsked]);

    // Safe to run again, e.g. started by hand: nothing left to delete.
    const again = await system.temporal.workflow.execute(housekeepingWorkflow, { workflowId: `housekeeping-again-${randomUUID()}`, taskQueue: system.config.temporal.taskQueue });
    expect(again).toEqual({ evidence: { scanned: 2, referenced: 1, keptYoung: 1, deleted: 0, abandonedWrites: 0 }, idempotency: { deleted: 0 }, workflows: RECONCILED, evidenceDeliveries: DELIVERED, unconfirmedSubscribers: { purged: 0, outboxMessagesRedacted: 0 } });
  });
});
