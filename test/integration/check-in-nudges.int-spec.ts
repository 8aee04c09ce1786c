/**
 * Issue #9: a check-in's change or cancellation is committed first and its workflow told after; when
 * Temporal does not take that signal, housekeeping's reconcile (SyncPlanCheckIns with nudgeCheckIns,
 * which ReconcileWorkflows runs for each active plan) sends it again, and the members get the update
 * or the METHOD:CANCEL once. A second reconcile sends nothing more. The API's Temporal client fails
 * its signals on cue (as if Temporal went away after the commit).
 */
import { Client, Connection, ServiceError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SyncPlanCheckIns, SyncPlanCheckInsCommand } from '../../libs/application/src';
import { TEMPORAL_CLIENT } from '../../libs/temporal/src';
import { CHECK_IN_WORKFLOW_TYPE, checkInWorkflowId, CheckInWorkflowState } from '../../workflows/src/messages';
import type { ReceivedMail } from '../../infra/dev-stack/mail-sink';
import { createPlanFixture, eventually, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const HOUR = 3_600_000;

describe('check-in signals the API could not send are sent again by reconcile', () => {
  let system: TestSystem;
  let connection: Connection;
  let db: DataSource;
  let fixture: PlanFixture;
  /** While set, every signal of the API's client fails as if Temporal were unreachable. */
  const cut = { signals: false };
  const members = [`member-a-${randomUUID().slice(0, 8)}@test.example`, `member-b-${randomUUID().slice(0, 8)}@test.example`];

  beforeAll(async () => {
    connection = Connection.lazy({ address: process.env.TEST_TEMPORAL_ADDRESS! });
    const client = new Client({ connection, namespace: 'default' });
    const getHandle = client.workflow.getHandle.bind(client.workflow);
    client.workflow.getHandle = ((...args: Parameters<typeof getHandle>) => {
      const handle = getHandle(...args);
      const signal = handle.signal.bind(handle);
      return Object.assign(handle, {
        signal: (async (...signalArgs: Parameters<typeof signal>) => {
          if (cut.signals) throw new ServiceError('Failed to signal Workflow (the test cut Temporal off)');
          return signal(...signalArgs);
        }) as typeof signal,
      });
    }) as typeof getHandle;
    system = await startTestSystem({ overrideApi: (module) => module.overrideProvider(TEMPORAL_CLIENT).useValue(client) });
    db = system.api.get(DataSource);
    fixture = await createPlanFixture(system);
    for (const [i, email] of members.entries()) {
      await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/dialogue-board/members`).set(fixture.coordinator).send({ name: `Member ${i}`, organisation: `Org ${i}`, email, language: 'es' }).expect(201);
    }
  });

  afterAll(async () => {
    await system?.close();
    await connection?.close();
  });

  /** What housekeeping runs for each active plan. */
  const reconcile = () => system.api.get(SyncPlanCheckIns).execute(SyncPlanCheckInsCommand.create({ planId: fixture.planId, nudgeCheckIns: true }));
  const calendarMails = (checkInId: string, method: 'REQUEST' | 'CANCEL') =>
    system.mail.messages.filter((m: ReceivedMail) => {
      const part = m.parsed.attachments.find((a) => /text\/calendar/i.test(a.contentType))?.content.toString('utf8') ?? '';
      return part.includes(checkInId) && new RegExp(`^METHOD:${method}\\r?$`, 'm').test(part);
    });
  const sequenceOf = (mail: ReceivedMail) => Number(/^SEQUENCE:(\d+)/m.exec(mail.parsed.attachments.find((a) => /text\/calendar/i.test(a.contentType))!.content.toString('utf8'))![1]);
  const recipientsOf = (mails: ReceivedMail[]) => mails.flatMap((m) => m.envelopeTo.map((a) => a.toLowerCase())).sort();
  const etag = async (checkInId: string) => (await system.http().get(`/check-ins/${checkInId}`).set(fixture.coordinator).expect(200)).headers.etag;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));

  it('an update and a cancellation whose signals failed reach the members once after a reconcile; a second reconcile sends nothing', async () => {
    // A meeting an hour away, no settings: the default policy invites at once (seven days ahead) and reminds three days after.
    const startsAt = new Date(Date.now() + HOUR);
    const [{ id }] = await db.query(
      `INSERT INTO check_in (plan_id, scheduled_for, starts_at, duration_minutes, mode, online_url, status) VALUES ($1, $2, $2, 60, 'online', 'https://meet.example/board', 'scheduled') RETURNING id`,
      [fixture.planId, startsAt],
    );
    const workflow = await system.temporal.workflow.start(CHECK_IN_WORKFLOW_TYPE, { workflowId: checkInWorkflowId(id), taskQueue: system.config.temporal.taskQueue, args: [{ checkInId: id }] });
    const invitations = await eventually(async () => calendarMails(id, 'REQUEST'), (m) => m.length >= 2, { description: 'the invitations' });
    expect(recipientsOf(invitations)).toEqual([...members].sort());
    // Nothing was missed: the reconcile tells nobody anything.
    await expect(reconcile()).resolves.toMatchObject({ checkInsNudged: 0 });

    // Moved while Temporal is away: saved, with a warning; no update goes out.
    cut.signals = true;
    const moved = await system.http().patch(`/check-ins/${id}`).set(fixture.coordinator).set('If-Match', await etag(id)).send({ startsAt: new Date(startsAt.getTime() + HOUR).toISOString() }).expect(200);
    expect(moved.body).toMatchObject({ sequence: 1, warnings: [expect.objectContaining({ message: expect.stringContaining('could not be told') })] });
    await settle();
    expect(calendarMails(id, 'REQUEST')).toHaveLength(2);

    // Back: the reconcile nudges it, the update goes out once; the next reconcile nudges nothing (its SEQUENCE has its emails).
    cut.signals = false;
    await expect(reconcile()).resolves.toMatchObject({ checkInsNudged: 1 });
    const updates = await eventually(async () => calendarMails(id, 'REQUEST').filter((m) => sequenceOf(m) === 1), (m) => m.length >= 2, { description: 'the updates' });
    expect(recipientsOf(updates)).toEqual([...members].sort());
    await expect(reconcile()).resolves.toMatchObject({ checkInsNudged: 0 });

    // Cancelled while Temporal is away: no METHOD:CANCEL, the workflow still waits (for its close reminder, in three days).
    cut.signals = true;
    const cancelled = await system.http().post(`/check-ins/${id}/cancel`).set(fixture.coordinator).set('If-Match', await etag(id)).send({ reason: 'No quorum' }).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', sequence: 2, warnings: [expect.objectContaining({ message: expect.stringContaining('could not be told') })] });
    await settle();
    expect(calendarMails(id, 'CANCEL')).toHaveLength(0);
    expect((await workflow.describe()).status.name).toBe('RUNNING');

    // Back: the reconcile sends the cancellation signal; each member gets one METHOD:CANCEL and the workflow ends.
    cut.signals = false;
    await expect(reconcile()).resolves.toMatchObject({ checkInsNudged: 1 });
    const cancels = await eventually(async () => calendarMails(id, 'CANCEL'), (m) => m.length >= 2, { description: 'the cancellations' });
    expect(recipientsOf(cancels)).toEqual([...members].sort());
    expect(cancels.map(sequenceOf)).toEqual([2, 2]);
    const state: CheckInWorkflowState = await workflow.result();
    expect(state).toMatchObject({ phase: 'cancelled', sent: [{ kind: 'invitation' }, { kind: 'update' }, { kind: 'cancellation' }] });

    // A second reconcile signals it again (cancelled in the last day; its workflow has ended: not an error) and sends nothing more.
    const before = system.mail.messages.length;
    await expect(reconcile()).resolves.toMatchObject({ checkInsNudged: 1 });
    await settle();
    expect(system.mail.messages.length).toBe(before);
    expect(calendarMails(id, 'CANCEL')).toHaveLength(2);
    expect(calendarMails(id, 'REQUEST')).toHaveLength(4);
  });
});
