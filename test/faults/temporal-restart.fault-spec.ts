/**
 * Issue #12, faults: the Temporal server (the file-backed dev server) is stopped in the middle of a
 * milestone's life and started again on the same port and SQLite file.
 * While it is down: changes that must reach a workflow (replanning, cancelling, a new milestone of an
 * active plan) answer 503 problem+json with Retry-After and leave the rows as they were; activating a
 * plan commits and answers 200 with a warning (its hand-over is followed later, by design); reads
 * keep answering; /health says Temporal is down and the database is up.
 * Once it is back: the API and the worker reconnect by themselves, the timers that fell due during
 * the outage fire (the reminder, the overdue escalation), each email arrives once, and /health is ok.
 * This file runs its own Temporal dev server (free loopback port, database in a temporary folder):
 * the run's shared server, used by every other test, is never stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { ChildProcess, spawn } from 'node:child_process';
import { resolveTemporalCli } from '../../infra/dev-stack/temporal-cli';
import { OGP_SEARCH_ATTRIBUTES } from '../../workflows/src/search-attributes';
import { MilestoneEntity, MilestoneReplanningEntity } from '../../libs/persistence/src';
import { createMilestone, createPlanFixture, eventually, secondsPolicy } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { startTestSystem, TestSystem } from '../support/test-system';
import { workflowBundle } from '../support/workflow-bundle';

jest.setTimeout(240_000);

// Escalations go out in the jurisdiction's language (the fixture's is Spanish); the agency's emails in English.
const LEVEL_1 = 'Escalamiento nivel 1 al Mecanismo Independiente de Monitoreo: Open budget portal';

describe('Temporal server stopped and started again mid-run', () => {
  let dir: string;
  let port: number;
  let dbFilename: string;
  let cli: string;
  let server: ChildProcess | undefined;
  let system: TestSystem;
  let db: DataSource;
  const log = (message: string) => process.stdout.write(`[temporal-restart] ${message}\n`);

  // The CLI's dev server run by hand rather than through the SDK's test environment: that one gives a
  // restarted server 10 s to answer (a loaded machine's restart from SQLite can take longer, and the
  // server was then left running), and this one is stopped and started on the same port and file.
  const startServer = async () => {
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--metrics-port', String(await freePort()), '--headless', '--db-filename', dbFilename, '--log-format', 'json', '--log-level', 'error'];
    for (const attribute of OGP_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${attribute.name}=${TypedSearchAttributes.toMetadataType(attribute.type)}`);
    const child = spawn(cli, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    server = child;
    const started = Date.now();
    await eventually(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) return 'ended';
        const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 2_000 });
        try {
          await connection.withDeadline(Date.now() + 2_000, () => connection.workflowService.getSystemInfo({}));
          return 'serving';
        } finally {
          await connection.close();
        }
      },
      (state) => state === 'serving' || state === 'ended',
      { timeoutMs: 90_000, everyMs: 250, description: `the Temporal dev server on port ${port} to answer` },
    ).then((state) => {
      if (state === 'ended') throw new Error(`The Temporal dev server ended with code ${child.exitCode ?? child.signalCode} before answering`);
    });
    log(`server answering ${Date.now() - started} ms after it was started`);
  };
  const stopServer = async () => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const ended = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const late = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await ended;
    clearTimeout(late);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ogp-fault-temporal-'));
    dbFilename = path.join(dir, 'temporal.db');
    port = await freePort();
    const source = await resolveTemporalCli(log);
    if (source.kind !== 'path') throw new Error('No Temporal CLI found: set TEMPORAL_CLI_PATH (npm test fetches it into ~/.cache/ogp-monitor).');
    cli = source.path;
    await startServer();
    system = await startTestSystem({
      config: {
        temporal: { address: `127.0.0.1:${port}`, namespace: 'default', taskQueue: `fault-temporal-${randomBytes(4).toString('hex')}`, signalTimeoutSeconds: 2, workflowBundlePath: workflowBundle().codePath },
      },
    });
    db = system.api.get(DataSource);
  });

  afterAll(async () => {
    await system?.close();
    await stopServer();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const expectUnavailable = (response: { status: number; headers: Record<string, string>; body: { detail?: string } }) => {
    expect({ status: response.status, type: response.headers['content-type'], retryAfter: response.headers['retry-after'] }).toEqual({
      status: 503,
      type: expect.stringContaining('application/problem+json'),
      retryAfter: expect.stringMatching(/^\d+$/),
    });
    expect(response.body.detail).toContain('nothing was saved');
  };

  it('refuses the writes that need it with 503 and Retry-After, keeps reads and the rows, and resumes every workflow once it is back', async () => {
    // The request goes out at once (lead 600 s); the reminder (12 s later), the due date (20 s) and
    // the first escalation (22 s) all fall inside the outage.
    const policy = secondsPolicy({ evidenceRequestLeadSeconds: 600, reminderIntervalSeconds: 12, maxReminders: 1, escalationGraceSeconds: 2, secondLevelEscalationSeconds: 3600 });
    const fixture = await createPlanFixture(system, { language: 'en', policy });
    const followed = await createMilestone(system, fixture, 20, 'Open budget portal');
    const startedAt = Date.now();
    const far = await createMilestone(system, fixture, 30 * 86_400, 'Participatory budget rules');
    const draft = await createPlanFixture(system, { language: 'en', policy, status: 'draft' });
    const waiting = await system.http().post(`/commitments/${draft.commitmentId}/milestones`).set(draft.coordinator).send({ title: 'Waits for activation', startAt: inDays(1), dueAt: inDays(30), responsibleAgencyId: draft.agencyId }).expect(201);
    await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail) && m.parsed.subject === 'Evidence requested: Open budget portal', 15_000);
    await system.http().get('/health').expect(200);

    await stopServer();
    const stoppedAt = Date.now();
    log(`server stopped ${stoppedAt - startedAt} ms after the milestone was created`);

    // /health names what is down.
    const health = await eventually(() => system.http().get('/health'), (r) => r.status === 503, { timeoutMs: 15_000, description: '/health to report Temporal down' });
    expect(health.headers['content-type']).toContain('application/problem+json');
    expect(health.body.errors).toEqual([{ field: 'temporal', message: expect.any(String) }]);

    // Writes that must reach a workflow: 503, Retry-After, nothing half-saved.
    const before = await db.getRepository(MilestoneEntity).findOneByOrFail({ id: far.id });
    const etag = `"${before.version}"`;
    expectUnavailable(await system.http().post(`/milestones/${far.id}/replan`).set(fixture.coordinator).set('If-Match', etag).send({ dueAt: inDays(60), reason: 'Vendor delay' }));
    expectUnavailable(await system.http().post(`/milestones/${far.id}/cancel`).set(fixture.coordinator).set('If-Match', etag).send({ reason: 'Dropped' }));
    const after = await db.getRepository(MilestoneEntity).findOneByOrFail({ id: far.id });
    expect({ dueAt: after.dueAt, status: after.status, version: after.version }).toEqual({ dueAt: before.dueAt, status: before.status, version: before.version });
    expect(await db.getRepository(MilestoneReplanningEntity).countBy({ milestoneId: far.id })).toBe(0);
    const milestonesBefore = await db.getRepository(MilestoneEntity).countBy({ commitmentId: fixture.commitmentId });
    expectUnavailable(
      await system.http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).send({ title: 'Never followed', startAt: inDays(1), dueAt: inDays(30), responsibleAgencyId: fixture.agencyId }),
    );
    expect(await db.getRepository(MilestoneEntity).countBy({ commitmentId: fixture.commitmentId })).toBe(milestonesBefore);

    // Activation commits first and hands over later (issue #8): 200 with a warning, not 503.
    const draftPlan = await system.http().get(`/plans/${draft.planId}`).set(draft.coordinator).expect(200);
    const activated = await system.http().patch(`/plans/${draft.planId}`).set(draft.coordinator).set('If-Match', draftPlan.headers.etag).send({ status: 'active' }).expect(200);
    expect(activated.body).toMatchObject({ status: 'active', workflowsChanged: 0, warnings: [{ field: 'status' }] });

    // Reads that do not need Temporal keep answering.
    const plan = await system.http().get(`/plans/${fixture.planId}`).set(fixture.coordinator).expect(200);
    expect(plan.body.id).toBe(fixture.planId);
    const published = await system.http().get(`/public/plans/${fixture.planId}`).expect(200);
    expect(published.body.id ?? published.body.plan?.id).toBe(fixture.planId);
    await system.http().get(`/milestones/${followed.id}`).set(fixture.coordinator).expect(200);

    // Stay down past the reminder, the due date and the first escalation.
    await sleep(Math.max(0, startedAt + 26_000 - Date.now()));
    const agencyMailDuringOutage = system.mail.to(fixture.agencyEmail).length;
    expect(system.mail.to(fixture.imbEmail)).toHaveLength(0);
    await startServer();
    const restartedAt = Date.now();
    log(`server down for ${restartedAt - stoppedAt} ms; ${agencyMailDuringOutage} email(s) to the agency meanwhile`);

    await eventually(() => system.http().get('/health'), (r) => r.status === 200, { timeoutMs: 30_000, description: '/health to be ok again' });
    const healthyAfterMs = Date.now() - restartedAt;

    // The timers that fell due during the outage fire now, each email once.
    const reminder = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail) && m.parsed.subject === 'Reminder 1: evidence still due for Open budget portal', 60_000);
    await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.imbEmail) && m.parsed.subject === LEVEL_1, 60_000);
    const escalatedAfterMs = Date.now() - restartedAt;
    await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.officeEmail) && m.parsed.subject === LEVEL_1, 30_000);
    expect(reminder.parsed.text).toContain('/evidence-uploads/');
    const state = await eventually(
      () => system.temporal.workflow.getHandle(followed.workflowId).query<{ status: string; history: { event: string }[] }>('getMilestoneState'),
      (s) => s.history.some((h) => h.event === 'escalated'),
      { timeoutMs: 30_000, description: 'the workflow to record its escalation' },
    );
    expect(state.status).toBe('overdue');
    // The reminder's and the due date's timers fire together after the outage: the reminder's place in the history varies.
    const events = state.history.map((h) => h.event);
    expect(events.filter((e) => e !== 'reminder_sent')).toEqual(['opened', 'evidence_requested', 'overdue', 'escalated']);
    expect(events.filter((e) => e === 'reminder_sent').length).toBeLessThanOrEqual(1);

    // The API writes through Temporal again without a restart of its own: the refused replanning now passes.
    const current = await system.http().get(`/milestones/${far.id}`).set(fixture.coordinator).expect(200);
    const replanned = await system.http().post(`/milestones/${far.id}/replan`).set(fixture.coordinator).set('If-Match', current.headers.etag).send({ dueAt: inDays(60), reason: 'Vendor delay' }).expect(200);
    expect(replanned.body.dueAt.slice(0, 10)).toBe(inDays(60).slice(0, 10));
    // The plan activated during the outage: its milestone is handed over on request.
    await system.http().post(`/plans/${draft.planId}/workflows/sync`).set(draft.coordinator).expect((r) => expect(r.status).toBeLessThan(300));
    await eventually(() => system.temporal.workflow.getHandle(waiting.body.workflowId).describe(), (d) => d.status.name === 'RUNNING', { timeoutMs: 30_000, description: 'the activated plan’s milestone workflow to run' });

    // Each email once (the outbox keys), after a moment for any duplicate to show up.
    await sleep(5_000);
    const subjects = (to: string) => system.mail.to(to).map((m) => m.parsed.subject).sort();
    expect(subjects(fixture.agencyEmail)).toEqual(['Evidence requested: Open budget portal', 'Reminder 1: evidence still due for Open budget portal']);
    expect(subjects(fixture.imbEmail)).toEqual([LEVEL_1]);
    expect(subjects(fixture.officeEmail)).toEqual([LEVEL_1]);
    log(`health ok ${healthyAfterMs} ms after the restart; escalation email ${escalatedAfterMs} ms after`);
  });
});
