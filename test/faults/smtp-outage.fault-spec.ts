/**
 * Issue #12, faults: the SMTP relay down or failing for a while, with the real worker (in process)
 * and a real SMTP server on loopback (the test system's MailSink).
 * Shown: an evidence request and check-in invitations that fall due while the relay refuses
 * connections, or while it answers 451 to every recipient, are retried with backoff (a bounded
 * number of attempts, derived from the activities' retry policy: 1 s doubling) and each arrives
 * exactly once (by Message-ID) after the relay is back, its outbox row `sent`; an address the
 * relay refuses with 550 is `failed` with the relay's answer, listed for the coordinator
 * (GET /jurisdictions/{id}/outbox?status=failed), tried once per message and never again, and
 * the milestone workflow goes on (overdue, escalated to the IMB).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { checkInWorkflowId } from '../../workflows/src/messages';
import { createMilestone, createPlanFixture, eventually, PlanFixture, secondsPolicy } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

jest.setTimeout(120_000);

/** How long the relay stays down or failing at least, so that several retries fall inside it. */
const OUTAGE_MS = 10_000;

interface OutboxRow {
  key: string;
  to: string;
  status: string;
  attempts: number;
  messageId: string;
  lastError: string | null;
}

/**
 * The most attempts one message can take when the relay fails for `outageMs` and then accepts: the
 * email activities retry after 1 s, 2 s, 4 s… (workflows/src: initialInterval 1 s, coefficient 2),
 * so attempt k starts at least 2^k − 1 s after the first; those inside the outage, plus the one that
 * gets through. A tight loop would make hundreds.
 */
function maxAttempts(outageMs: number): number {
  return Math.floor(Math.log2(outageMs / 1000 + 1)) + 2;
}

describe('SMTP relay down or failing for a while', () => {
  let system: TestSystem;
  let db: DataSource;
  const log = (message: string) => process.stdout.write(`[smtp-outage] ${message}\n`);

  beforeAll(async () => {
    system = await startTestSystem();
    db = system.api.get(DataSource);
  });

  afterAll(async () => {
    if (system) {
      system.mail.deferRecipients = undefined;
      await system.mail.restartSmtp().catch(() => undefined);
      await system.close();
    }
  });

  const outboxOf = (jurisdictionId: string): Promise<OutboxRow[]> =>
    db.query(
      `SELECT idempotency_key AS key, to_address AS "to", status, attempts, message_id AS "messageId", last_error AS "lastError"
       FROM outbox_message WHERE jurisdiction_id = $1 ORDER BY idempotency_key`,
      [jurisdictionId],
    );
  /** Copies of one message the relay took (a retry keeps the Message-ID, so two copies would be a duplicate). */
  const copiesOf = (messageId: string) => system.mail.messages.filter((m) => m.parsed.messageId === messageId).length;
  const mailTo = (addresses: string[]) => system.mail.messages.filter((m) => m.envelopeTo.some((to) => addresses.includes(to.toLowerCase())));

  /** A plan whose evidence request falls due 2 s after its milestone is created (and nothing else soon), with two Dialogue Board members. */
  async function outageFixture(tag: string): Promise<{ fixture: PlanFixture; board: string[] }> {
    const fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 600, reminderIntervalSeconds: 3600, maxReminders: 0, escalationGraceSeconds: 3600 }) });
    const board: string[] = [];
    for (const n of [1, 2]) {
      const email = `board-${tag}-${n}-${fixture.jurisdictionId.slice(0, 8)}@test.example`;
      await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/dialogue-board/members`).set(fixture.coordinator).send({ name: `Board member ${n}`, organisation: 'Civic Lab', email, language: 'en' }).expect(201);
      board.push(email);
    }
    return { fixture, board };
  }

  /** A check-in tomorrow: with the default 7-day lead its invitations are due at once. Its workflow is started as a schedule run would. */
  async function startCheckIn(fixture: PlanFixture): Promise<string> {
    const startsAt = new Date(Date.now() + 86_400_000);
    const [{ id }] = await db.query(
      `INSERT INTO check_in (plan_id, scheduled_for, starts_at, duration_minutes, mode, online_url, status) VALUES ($1, $2, $2, 60, 'online', 'https://meet.example/board', 'scheduled') RETURNING id`,
      [fixture.planId, startsAt],
    );
    await system.temporal.workflow.start('checkInWorkflow', { workflowId: checkInWorkflowId(id), taskQueue: system.config.temporal.taskQueue, args: [{ checkInId: id }] });
    return id;
  }

  /**
   * The emails due during a fault (an evidence request, two invitations), tried at least three
   * times meanwhile; then the relay is healed and each arrives once. Returns the rows and figures.
   */
  async function throughFault(tag: string, fault: { begin(): Promise<void>; heal(): Promise<void>; attemptsSeen(fixture: PlanFixture, rows: OutboxRow[]): number[] }) {
    const { fixture, board } = await outageFixture(tag);
    await fault.begin();
    const began = Date.now();
    const milestone = await createMilestone(system, fixture, 602, 'Open contracting data');
    const checkInId = await startCheckIn(fixture);

    // Retried while the relay fails: both the request and the first invitation tried three times or more.
    const retried = (rows: OutboxRow[]) => ['evidence-request:', 'check-in-invitation:'].every((kind) => rows.some((r) => r.key.startsWith(kind) && r.attempts >= 3));
    const during = await eventually(() => outboxOf(fixture.jurisdictionId), retried, { timeoutMs: 30_000, description: 'the request and an invitation to be tried three times' });
    expect(during.map((r) => r.status)).toEqual(during.map(() => 'pending'));
    await sleep(Math.max(0, began + OUTAGE_MS - Date.now()));
    const recipients = [fixture.agencyEmail, ...board];
    expect(mailTo(recipients)).toHaveLength(0);
    const lastErrors = (await outboxOf(fixture.jurisdictionId)).map((r) => r.lastError);
    await fault.heal();
    const outageMs = Date.now() - began;
    const healed = Date.now();

    // Back: everything goes out, each once.
    const expectedKeys = [`check-in-invitation:${checkInId}:0:${board[0]}`, `check-in-invitation:${checkInId}:0:${board[1]}`, `evidence-request:${milestone.id}:1`].sort();
    const sent = await eventually(
      () => outboxOf(fixture.jurisdictionId),
      (rows) => rows.length === 3 && rows.every((r) => r.status === 'sent'),
      { timeoutMs: 60_000, description: 'the request and both invitations to be sent' },
    );
    const deliveredMs = Date.now() - healed;
    expect(sent.map((r) => r.key)).toEqual(expectedKeys);
    await eventually(() => system.http().get(`/milestones/${milestone.id}`).set(fixture.coordinator), (r) => r.body.status === 'evidence_requested', { timeoutMs: 20_000, description: 'the milestone to wait for evidence' });
    await eventually(async () => (await db.query(`SELECT status FROM check_in WHERE id = $1`, [checkInId]))[0].status, (s) => s === 'invited', { timeoutMs: 20_000, description: 'the check-in to be invited' });
    // Nothing more comes later (a late retry would be a duplicate).
    await sleep(3_000);
    expect(sent.map((r) => copiesOf(r.messageId))).toEqual([1, 1, 1]);
    expect(mailTo(recipients)).toHaveLength(3);
    const attempts = fault.attemptsSeen(fixture, sent);
    const bound = maxAttempts(outageMs);
    for (const n of attempts) expect(n).toBeLessThanOrEqual(bound);
    log(`${tag}: fault for ${outageMs} ms; attempts per message ${JSON.stringify(Object.fromEntries(sent.map((r, i) => [r.key.split(':')[0] + (r.to === board[1] ? '#2' : ''), attempts[i]])))} (bound ${bound}); all sent ${deliveredMs} ms after it healed; copies ${JSON.stringify(sent.map((r) => copiesOf(r.messageId)))}`);
    return { fixture, rows: sent, lastErrors };
  }

  it('retries with backoff while the relay refuses connections, and delivers each message once when it is back', async () => {
    const { lastErrors } = await throughFault('refused', {
      begin: () => system.mail.stopSmtp(),
      heal: () => system.mail.restartSmtp(),
      // The relay saw nothing while down: the outbox counts the attempts.
      attemptsSeen: (_fixture, rows) => rows.map((r) => r.attempts),
    });
    expect(lastErrors.filter((e) => e !== null).length).toBeGreaterThan(0);
    for (const error of lastErrors) if (error !== null) expect(error).toMatch(/ECONNREFUSED|connect/i);
  });

  it('retries with backoff while the relay answers 451, and delivers each message once when it accepts again', async () => {
    const deferralsOf = (address: string) => system.mail.deferrals.filter((a) => a === address.toLowerCase()).length;
    const { rows, lastErrors } = await throughFault('deferred', {
      begin: async () => {
        system.mail.deferRecipients = { code: 451, message: '4.3.0 Temporary local problem, try again later' };
      },
      heal: async () => {
        system.mail.deferRecipients = undefined;
      },
      // Counted on the relay: each deferral is one attempt, the last attempt got through.
      attemptsSeen: (_fixture, sent) => sent.map((r) => deferralsOf(r.to) + 1),
    });
    for (const row of rows) expect(row.attempts).toBe(deferralsOf(row.to) + 1);
    for (const error of lastErrors) if (error !== null) expect(error).toContain('451');
  });

  it('marks an address refused with 550 failed, shows it to the coordinator, never retries it, and the workflow goes on', async () => {
    // Request 2 s after creation, one reminder 2 s later, due at 5 s, escalated to the IMB 2 s after.
    const fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 3, reminderIntervalSeconds: 2, maxReminders: 1, escalationGraceSeconds: 2, secondLevelEscalationSeconds: 3600 }) });
    const bad = fixture.agencyEmail.toLowerCase();
    system.mail.rejectRecipients.add(bad);
    const refusalsOfBad = () => system.mail.refusals.filter((a) => a === bad).length;
    const started = Date.now();
    const milestone = await createMilestone(system, fixture, 5, 'Open budget data');

    // The workflow goes on past the refusals: overdue, and the IMB is told.
    const escalation = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.imbEmail), 40_000);
    const escalatedMs = Date.now() - started;
    expect(escalation.parsed.subject).toContain('Open budget data');
    await eventually(() => system.http().get(`/milestones/${milestone.id}`).set(fixture.coordinator), (r) => r.body.status === 'overdue', { timeoutMs: 20_000, description: 'the milestone to be overdue' });

    const keys = [`evidence-reminder:${milestone.id}:1:1`, `evidence-request:${milestone.id}:1`];
    const failed = (await outboxOf(fixture.jurisdictionId)).filter((r) => r.to.toLowerCase() === bad);
    expect(failed.map((r) => ({ key: r.key, status: r.status, attempts: r.attempts }))).toEqual(keys.map((key) => ({ key, status: 'failed', attempts: 1 })));
    for (const row of failed) expect(row.lastError).toMatch(/550/);

    // Shown to the coordinator, with the relay's answer.
    const listed = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/outbox?status=failed`).set(fixture.coordinator).expect(200);
    const items = listed.body.items as { idempotencyKey: string; status: string; lastError: string; attempts: number }[];
    expect(items.map((i) => i.idempotencyKey).sort()).toEqual(keys);
    for (const item of items) expect(item).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('550') });

    // Tried once per message, and never again.
    expect(refusalsOfBad()).toBe(2);
    await sleep(5_000);
    expect(refusalsOfBad()).toBe(2);
    expect(system.mail.to(bad)).toHaveLength(0);
    log(`550: refused ${refusalsOfBad()} times (request and reminder, once each, none after a 5 s wait); escalated to the IMB ${escalatedMs} ms after the milestone was created`);
  });
});
