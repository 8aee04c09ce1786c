/**
 * Email activities against a slow SMTP server, inside a real Temporal activity context
 * (MockActivityEnvironment records the heartbeats the activity sends) and on a real worker. The
 * milestone workflow gives email activities a 15 s heartbeat timeout: an activity that does not
 * heartbeat while the SMTP server takes its time is timed out by the server and retried while it is
 * still sending (issue #8, defect 4). Here the real activities, outbox, transport and database run
 * against a real SMTP server on loopback that holds each message before it answers 250.
 */
import { Test, TestingModule } from '@nestjs/testing';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ACTIVITY_HEARTBEAT_INTERVAL_MS } from '../../apps/worker/src/activities/heartbeat';
import { MilestoneActivities } from '../../apps/worker/src/activities/milestone.activities';
import { MailSink } from '../../infra/dev-stack/mail-sink';
import { APP_CONFIG, AppConfig, AppConfigModule } from '../../libs/config/src';
import { MilestoneStatus, resolvePolicy } from '../../libs/domain/src';
import { BeforeFinalDot, MailModule, MailTransport, OutboxService, OutgoingEmail } from '../../libs/mail/src';
import { ActionPlanEntity, AgencyEntity, CommitmentEntity, JurisdictionEntity, MilestoneEntity, OutboxMessageEntity, PersistenceModule } from '../../libs/persistence/src';
import { sendEvidenceRequestEmailWorkflow } from '../support/mail-activity.workflow';
import { testConfig } from '../support/test-system';

/** What the milestone workflow declares for its email activities (`mail` in milestone.workflow.ts). */
const MAIL_ACTIVITY_INFO = { heartbeatTimeoutMs: 15_000, startToCloseTimeoutMs: 120_000, scheduleToCloseTimeoutMs: 0 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('email activities against a slow SMTP server', () => {
  let sink: MailSink;
  let config: AppConfig;
  let moduleRef: TestingModule;
  let activities: MilestoneActivities;
  let db: DataSource;

  beforeAll(async () => {
    sink = new MailSink();
    config = testConfig((await sink.start()).url);
    moduleRef = await Test.createTestingModule({ imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: false }), MailModule], providers: [MilestoneActivities] })
      .overrideProvider(APP_CONFIG)
      .useValue(config)
      .compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    activities = moduleRef.get(MilestoneActivities);
    db = moduleRef.get(DataSource);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await sink?.stop();
  });

  afterEach(() => {
    sink.beforeAccept = undefined;
  });

  /** A jurisdiction, its agency, a plan with an IMB, a commitment and a milestone, written directly. */
  async function milestoneFixture() {
    const suffix = randomBytes(4).toString('hex');
    const contact = (who: string) => ({ name: who, email: `${who}-${suffix}@test.example` });
    const jurisdiction = await db.getRepository(JurisdictionEntity).save({ slug: `slow-${suffix}`, name: `Slow ${suffix}`, country: 'AR', timeZone: 'America/Argentina/Cordoba', defaultLanguage: 'en', officeContacts: [contact('office')] });
    const agency = await db.getRepository(AgencyEntity).save({ jurisdictionId: jurisdiction.id, name: 'Secretariat of Modernization', contacts: [contact('agency')], language: 'en' });
    const plan = await db.getRepository(ActionPlanEntity).save({
      jurisdictionId: jurisdiction.id,
      title: `Plan ${suffix}`,
      periodStart: '2026-01-01',
      periodEnd: '2027-12-31',
      termEnd: '2028-06-30',
      strategicVision: null,
      status: 'active',
      policy: resolvePolicy({}),
      imbName: 'PoliLab UNR',
      imbContacts: [contact('imb')],
      endorsingStakeholders: [],
    });
    const commitment = await db.getRepository(CommitmentEntity).save({ planId: plan.id, title: 'Open data inventory', leadAgencyId: agency.id, supportingStakeholders: [], sdgTags: [], status: 'active' });
    const now = Date.now();
    const milestone = await db.getRepository(MilestoneEntity).save({
      commitmentId: commitment.id,
      title: 'Inventory published',
      startAt: new Date(now),
      dueAt: new Date(now + 86_400_000),
      originalDueAt: new Date(now + 86_400_000),
      responsibleAgencyId: agency.id,
      status: MilestoneStatus.EvidenceRequested,
      verifiable: true,
    });
    return { milestoneId: milestone.id, agencyEmail: contact('agency').email, imbEmail: contact('imb').email, officeEmail: contact('office').email };
  }

  /** Runs `activity` as Temporal would run an email activity; returns its result and when it heartbeated. */
  async function runAsEmailActivity<T>(activityType: string, activity: () => Promise<T>): Promise<{ result: T; startedAt: number; endedAt: number; heartbeats: number[] }> {
    const env = new MockActivityEnvironment({ ...MAIL_ACTIVITY_INFO, activityType });
    const heartbeats: number[] = [];
    env.on('heartbeat', () => heartbeats.push(Date.now()));
    const startedAt = Date.now();
    const result = (await env.run(activity)) as T;
    return { result, startedAt, endedAt: Date.now(), heartbeats };
  }

  /** The longest stretch of the run without a heartbeat: what the server's heartbeat timeout measures. */
  function longestSilence(run: { startedAt: number; endedAt: number; heartbeats: number[] }): number {
    const points = [run.startedAt, ...run.heartbeats, run.endedAt];
    return Math.max(...points.slice(1).map((t, i) => t - points[i]));
  }

  /** Makes the server hold each message for `ms` before its 250 (only messages to `onlyTo`, if given); records when. */
  function slowServer(ms: number, onlyTo?: string): Array<{ from: number; until: number }> {
    const holds: Array<{ from: number; until: number }> = [];
    sink.beforeAccept = async (mail) => {
      if (onlyTo && !mail.envelopeTo.includes(onlyTo)) return;
      const from = Date.now();
      await sleep(ms);
      holds.push({ from, until: Date.now() });
    };
    return holds;
  }

  const outboxRow = (idempotencyKey: string) => db.getRepository(OutboxMessageEntity).findOneByOrFail({ idempotencyKey });

  it('heartbeats while the SMTP server holds an evidence request, which is then sent once', async () => {
    const fixture = await milestoneFixture();
    const { evidenceRequestId } = await activities.openEvidenceRequest({ milestoneId: fixture.milestoneId, cycle: 1 });
    const holdMs = 2 * ACTIVITY_HEARTBEAT_INTERVAL_MS + 1_000;
    const holds = slowServer(holdMs);

    const run = await runAsEmailActivity('sendEvidenceRequestEmail', () => activities.sendEvidenceRequestEmail({ evidenceRequestId, reminderNumber: 0 }));

    expect(run.result).toBe('sent');
    expect(holds).toHaveLength(1);
    const duringHold = run.heartbeats.filter((t) => t >= holds[0].from && t <= holds[0].until);
    expect(duringHold.length).toBeGreaterThanOrEqual(2);
    // The server never went longer than one interval (plus scheduling slack) without hearing from the activity.
    expect(longestSilence(run)).toBeLessThan(ACTIVITY_HEARTBEAT_INTERVAL_MS + 1_500);
    expect(longestSilence(run)).toBeLessThan(MAIL_ACTIVITY_INFO.heartbeatTimeoutMs / 2);

    expect(sink.to(fixture.agencyEmail)).toHaveLength(1);
    const row = await outboxRow(`evidence-request:${fixture.milestoneId}:1`);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    // Temporal retrying the activity anyway (say, after a network blip) sends nothing more.
    await expect(runAsEmailActivity('sendEvidenceRequestEmail', () => activities.sendEvidenceRequestEmail({ evidenceRequestId, reminderNumber: 0 }))).resolves.toMatchObject({ result: 'already_sent' });
    expect(sink.to(fixture.agencyEmail)).toHaveLength(1);
  });

  it('heartbeats while an escalation waits for the outbox lock and for the SMTP server, and sends each email once', async () => {
    const fixture = await milestoneFixture();
    const holdMs = ACTIVITY_HEARTBEAT_INTERVAL_MS + 1_000;
    const imbKey = `escalation:${fixture.milestoneId}:1:1:${fixture.imbEmail}`;
    const officeKey = `escalation:${fixture.milestoneId}:1:1:${fixture.officeEmail}`;
    // The IMB's key is locked by another sender (an earlier attempt still running, say) for a while,
    // and the server holds the office's message: the activity waits for one, then for the other.
    const lockHolder = db.createQueryRunner();
    await lockHolder.connect();
    await lockHolder.query('SELECT pg_advisory_lock(hashtext($1))', [imbKey]);
    const released = sleep(holdMs).then(async () => {
      await lockHolder.query('SELECT pg_advisory_unlock(hashtext($1))', [imbKey]);
      await lockHolder.release();
      return Date.now();
    });
    const holds = slowServer(holdMs, fixture.officeEmail);

    const run = await runAsEmailActivity('raiseEscalation', () => activities.raiseEscalation({ milestoneId: fixture.milestoneId, cycle: 1, level: 1, reason: 'overdue' }));
    const releasedAt = await released;

    const waitingForLock = run.heartbeats.filter((t) => t > run.startedAt + ACTIVITY_HEARTBEAT_INTERVAL_MS / 2 && t <= releasedAt);
    expect(waitingForLock.length).toBeGreaterThanOrEqual(1);
    expect(holds).toHaveLength(1);
    expect(run.heartbeats.filter((t) => t >= holds[0].from && t <= holds[0].until).length).toBeGreaterThanOrEqual(1);
    expect(longestSilence(run)).toBeLessThan(ACTIVITY_HEARTBEAT_INTERVAL_MS + 1_500);

    expect(sink.to(fixture.imbEmail)).toHaveLength(1);
    expect(sink.to(fixture.officeEmail)).toHaveLength(1);
    await expect(outboxRow(imbKey)).resolves.toMatchObject({ status: 'sent', attempts: 1 });
    await expect(outboxRow(officeKey)).resolves.toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('records a send the server has not confirmed by the deadline as unconfirmed, and does not send it again', async () => {
    // The same outbox with a transport whose deadline is 1 s instead of SMTP_SEND_DEADLINE_MS.
    class ShortDeadlineTransport extends MailTransport {
      override send(email: OutgoingEmail, _deadlineMs?: number, beforeFinalDot?: BeforeFinalDot): Promise<void> {
        return super.send(email, 1_000, beforeFinalDot);
      }
    }
    const shortModule = await Test.createTestingModule({ imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: false }), MailModule] })
      .overrideProvider(APP_CONFIG)
      .useValue(config)
      .overrideProvider(MailTransport)
      .useFactory({ factory: (appConfig: AppConfig) => new ShortDeadlineTransport(appConfig), inject: [APP_CONFIG] })
      .compile();
    shortModule.useLogger(false);
    await shortModule.init();
    try {
      const holds = slowServer(2_500);
      const to = `late-${randomBytes(4).toString('hex')}@test.example`;
      const message = { idempotencyKey: `test:${randomBytes(6).toString('hex')}`, to, subject: 'Slow relay', text: 'Plain text part', html: '<p>HTML part</p>' };
      const outbox = shortModule.get(OutboxService);

      await expect(outbox.send(message)).resolves.toBe('unconfirmed');
      const row = await outboxRow(message.idempotencyKey);
      expect(row.status).toBe('unconfirmed');
      expect(row.lastError).toContain('did not confirm');
      expect(row.lastError).toContain('may or may not');

      await sleep(2_000); // the server confirms it after all
      expect(holds).toHaveLength(1);
      await expect(outbox.send(message)).resolves.toBe('unconfirmed');
      expect(sink.to(to)).toHaveLength(1);
    } finally {
      await shortModule.close();
    }
  });

  it('on a real worker, a send slower than the heartbeat timeout completes in its first attempt, once', async () => {
    // The milestone workflow's email options with an 8 s heartbeat timeout (15 s in production) and a
    // server that holds the message 10 s: without heartbeats the server times the attempt out and retries.
    const heartbeatTimeoutSeconds = 8;
    const fixture = await milestoneFixture();
    const { evidenceRequestId } = await activities.openEvidenceRequest({ milestoneId: fixture.milestoneId, cycle: 1 });
    const holds = slowServer(heartbeatTimeoutSeconds * 1000 + 2_000);

    const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../support/mail-activity.workflow'), logger: quiet });
    const address = process.env.TEST_TEMPORAL_ADDRESS!;
    const nativeConnection = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address });
    try {
      const client = new Client({ connection });
      const taskQueue = `mail-heartbeat-${randomBytes(6).toString('hex')}`;
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowBundle,
        activities: { sendEvidenceRequestEmail: activities.sendEvidenceRequestEmail.bind(activities) },
      });
      const handle = await worker.runUntil(async () => {
        const started = await client.workflow.start(sendEvidenceRequestEmailWorkflow, { workflowId: `mail-heartbeat-${fixture.milestoneId}`, taskQueue, args: [{ evidenceRequestId, heartbeatTimeoutSeconds }] });
        await started.result();
        return started;
      });

      expect(holds).toHaveLength(1);
      const history = await handle.fetchHistory();
      const activityStarted = history.events!.find((event) => event.activityTaskStartedEventAttributes)!.activityTaskStartedEventAttributes!;
      expect(activityStarted.lastFailure?.message ?? null).toBeNull();
      expect(activityStarted.attempt).toBe(1);
      await expect(handle.result()).resolves.toBe('sent');
      expect(sink.to(fixture.agencyEmail)).toHaveLength(1);
      await expect(outboxRow(`evidence-request:${fixture.milestoneId}:1`)).resolves.toMatchObject({ status: 'sent', attempts: 1 });
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});
