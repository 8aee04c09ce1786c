/**
 * Issue #12, faults: the real worker (dist/) is killed with SIGKILL ten times at points drawn from a
 * seeded PRNG while a milestone lifecycle and a Dialogue Board check-in run are under way, and is
 * started again at once each time.
 *
 * The milestone plan: one milestone accepted after its reminders, one returned and accepted on its
 * second cycle, one that nobody answers (overdue, escalated to the IMB, closed without evidence by the
 * IMB). The check-in plan: a schedule prepares a meeting, its invitations (iCalendar) go out, a change
 * of place sends updates, the coordinators get the close reminder, the check-in is closed with two
 * action items whose owners are reminded, then the items are closed.
 *
 * Kill points: the Nth email the SMTP server stores (killed before it answers 250), the Nth outbox
 * row marked `sent` (the activity may not have reported yet), the Nth change of a workflow's row in
 * the database (an activity boundary), or a random delay. The seed is printed; WORKER_KILL_SEED
 * replays a run's kill plan (the timing of the machine still varies).
 *
 * At the end: every workflow has ended as expected; every email the workflows say they sent has an
 * outbox row; each row's message (by its Message-ID) reached the SMTP server exactly once, or the row
 * is `unconfirmed` (listed for the coordinator) and it arrived at most once; nothing arrived twice.
 */
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DataSource } from 'typeorm';
import type { WorkflowExecutionStatusName } from '@temporalio/client';
import type { MeetingCalendar } from '../../libs/domain/src';
import type { ActionItemWorkflowState, CheckInWorkflowState, MilestoneState } from '../../workflows/src/messages';
import { signUploadLink } from '../../libs/security/src';
import { createMilestone, CreatedMilestone, createPlanFixture, eventually, PlanFixture, secondsPolicy } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';
import { WorkerProcess } from '../support/worker-process';

jest.setTimeout(480_000);

/**
 * How long one step of a workflow may take while the kills go on. A kill between an activity's
 * commit and its report leaves that activity to its startToCloseTimeout (1 min for the data
 * activities) before Temporal runs it again; queries fail while no worker runs. Several kills can
 * hit one workflow in a row.
 */
const PROGRESS_TIMEOUT_MS = 240_000;

const KILLS = 10;
/** How long a kill point may take to come before the worker is killed wherever it is. */
const KILL_POINT_WINDOW_MS = 10_000;
const SEED = process.env.WORKER_KILL_SEED ? Number(process.env.WORKER_KILL_SEED) : randomInt(2 ** 31);

/** mulberry32: a small seeded PRNG, enough to draw kill points reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type KillPoint =
  | { kind: 'smtp-before-250'; nth: number }
  | { kind: 'after-sent-row'; nth: number }
  | { kind: 'after-row-change'; nth: number }
  | { kind: 'random-delay'; ms: number };

function killPlan(random: () => number): KillPoint[] {
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  return Array.from({ length: KILLS }, (): KillPoint => {
    const pick = random();
    if (pick < 0.35) return { kind: 'smtp-before-250', nth: between(1, 3) };
    if (pick < 0.55) return { kind: 'after-sent-row', nth: between(1, 2) };
    if (pick < 0.75) return { kind: 'after-row-change', nth: between(1, 2) };
    return { kind: 'random-delay', ms: between(200, 6_000) };
  });
}

const describePoint = (p: KillPoint) => ('nth' in p ? `${p.kind} #${p.nth}` : `${p.kind} ${p.ms} ms`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface KillRecord {
  n: number;
  point: string;
  /** Seconds since the start of the scenario. */
  at: number;
  /** The kill point did not come within its window: killed wherever the worker was. */
  late: boolean;
  /** For a kill before the 250: the Message-ID of the message the server kept. */
  messageId?: string;
  restartMs: number;
}

describe('worker killed with SIGKILL at random points of a milestone lifecycle and a check-in run', () => {
  let system: TestSystem;
  let db: DataSource;
  let worker: WorkerProcess;
  const log = (message: string) => process.stdout.write(`[worker-kill] ${message}\n`);

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
    db = system.api.get(DataSource);
    worker = new WorkerProcess(system.config);
  });

  afterAll(async () => {
    system.mail.beforeAccept = undefined;
    await worker?.stop('SIGTERM');
    await system?.close();
  });

  it('completes every workflow and sends every email once (or lists it unconfirmed, never twice)', async () => {
    log(`seed ${SEED} (WORKER_KILL_SEED=${SEED} replays this kill plan)`);
    const random = prng(SEED);
    const plan = killPlan(random);
    log(`kill plan: ${plan.map(describePoint).join(', ')}`);
    const startedAt = Date.now();
    const seconds = () => Math.round((Date.now() - startedAt) / 100) / 10;

    // ---- The two plans ------------------------------------------------------------------------
    const milestones = await createPlanFixture(system, {
      language: 'en',
      policy: secondsPolicy({ evidenceRequestLeadSeconds: 3600, reminderIntervalSeconds: 4, maxReminders: 2, escalationGraceSeconds: 3, secondLevelEscalationSeconds: 3600, uploadLinkValidityAfterDueSeconds: 3600, resubmissionSeconds: 3600 }),
    });
    const imbToken = await system.http().post(`/jurisdictions/${milestones.jurisdictionId}/tokens`).set(milestones.coordinator).send({ role: 'imb', label: 'PoliLab UNR' }).expect(201);
    const imb = { Authorization: `Bearer ${imbToken.body.token}` };
    const checkIns = await createPlanFixture(system, { language: 'es' });
    const board = ['ana', 'bruno', 'carla'].map((name) => `${name}-${checkIns.planId.slice(0, 8)}@board.example`);
    for (const [i, email] of board.entries()) {
      await system.http().post(`/jurisdictions/${checkIns.jurisdictionId}/dialogue-board/members`).set(checkIns.coordinator).send({ name: `Member ${i}`, organisation: 'Vecinal', email, language: i === 0 ? 'en' : 'es' }).expect(201);
    }
    const owners = ['owner-1', 'owner-2'].map((name) => `${name}-${checkIns.planId.slice(0, 8)}@board.example`);
    const jurisdictions = [milestones.jurisdictionId, checkIns.jurisdictionId];

    // ---- The killer ---------------------------------------------------------------------------
    const kills: KillRecord[] = [];
    /** Driver calls that need a live worker to answer (Updates): no kill while one is in flight. */
    let gate = 0;
    let gateOpen: Promise<void> = Promise.resolve();
    let releaseGate = () => undefined as void;
    let killing = false;
    let restartedAt = 0;
    /**
     * Runs `call` with no kill meanwhile, once the worker has been up a moment: the API waits 15 s for
     * an Update, and a workflow whose task was with the dead worker is picked up again only after
     * Temporal gives up on that worker's sticky queue.
     */
    const withLiveWorker = async <T>(call: () => Promise<T>): Promise<T> => {
      for (;;) {
        await eventually(async () => worker.running && !killing && Date.now() - restartedAt > 2_000, (up) => up, { timeoutMs: 60_000, everyMs: 50, description: 'the worker to be up for an Update' });
        if (gate++ === 0) gateOpen = new Promise<void>((resolve) => (releaseGate = resolve));
        if (!killing) break; // a kill that started meanwhile goes first
        if (--gate === 0) releaseGate();
      }
      try {
        return await call();
      } finally {
        if (--gate === 0) releaseGate();
      }
    };
    const kill = async (point: KillPoint, late: boolean, messageId?: string) => {
      killing = true;
      while (gate > 0) await gateOpen;
      await worker.stop('SIGKILL');
      kills.push({ n: kills.length + 1, point: describePoint(point), at: seconds(), late, messageId, restartMs: 0 });
    };

    /** Resolves once `point` has come and the worker was killed there (or, after the window, wherever it was). */
    const killAt = async (point: KillPoint): Promise<void> => {
      const deadline = Date.now() + KILL_POINT_WINDOW_MS;
      if (point.kind === 'random-delay') {
        await sleep(point.ms);
        return kill(point, false);
      }
      if (point.kind === 'smtp-before-250') {
        let seen = 0;
        let done!: () => void;
        const killed = new Promise<void>((resolve) => (done = resolve));
        let fired = false;
        system.mail.beforeAccept = async (mail) => {
          if (fired || ++seen < point.nth) return;
          fired = true;
          system.mail.beforeAccept = undefined;
          await kill(point, false, mail.parsed.messageId); // stored; the worker never hears 250
          done();
        };
        const timer = setTimeout(() => {
          if (fired) return;
          fired = true;
          system.mail.beforeAccept = undefined;
          void kill(point, true).then(done);
        }, KILL_POINT_WINDOW_MS);
        await killed;
        clearTimeout(timer);
        return;
      }
      const fingerprint =
        point.kind === 'after-sent-row'
          ? async () => ((await db.query(`SELECT count(*)::int AS n FROM outbox_message WHERE jurisdiction_id = ANY($1) AND status = 'sent'`, [jurisdictions])) as { n: number }[])[0]!.n
          : async () => {
              const rows: { f: string }[] = await db.query(
                `SELECT concat_ws('|',
                   (SELECT string_agg(m.id || ':' || m.status, ',' ORDER BY m.id) FROM milestone m JOIN commitment c ON c.id = m.commitment_id WHERE c.plan_id = $1),
                   (SELECT string_agg(r.id || ':' || r.status, ',' ORDER BY r.id) FROM evidence_request r JOIN milestone m ON m.id = r.milestone_id JOIN commitment c ON c.id = m.commitment_id WHERE c.plan_id = $1),
                   (SELECT string_agg(e.id || ':' || e.status, ',' ORDER BY e.id) FROM escalation e JOIN milestone m ON m.id = e.milestone_id JOIN commitment c ON c.id = m.commitment_id WHERE c.plan_id = $1),
                   (SELECT string_agg(k.id || ':' || k.status || ':' || k.version, ',' ORDER BY k.id) FROM check_in k WHERE k.plan_id = $2)) AS f`,
                [milestones.planId, checkIns.planId],
              );
              return rows[0]!.f;
            };
      let last = await fingerprint();
      let changes = 0;
      while (Date.now() < deadline) {
        await sleep(25);
        const now = await fingerprint();
        if (now !== last) {
          changes += point.kind === 'after-sent-row' ? Number(now) - Number(last) : 1;
          last = now;
          if (changes >= point.nth) return kill(point, false);
        }
      }
      return kill(point, true);
    };

    let killsDone!: () => void;
    const allKilled = new Promise<void>((resolve) => (killsDone = resolve));
    const killAll = async () => {
      try {
        for (const point of plan) {
          await killAt(point);
          const restarting = Date.now();
          await worker.start();
          restartedAt = Date.now();
          kills[kills.length - 1]!.restartMs = restartedAt - restarting;
          killing = false;
          // Let the new worker take up the work before the next point is armed.
          await sleep(300 + Math.floor(random() * 2_000));
        }
      } finally {
        killsDone();
      }
    };

    // ---- The milestone lifecycle --------------------------------------------------------------
    const milestoneState = (m: CreatedMilestone) => system.temporal.workflow.getHandle(m.workflowId).query<MilestoneState>('getMilestoneState');
    /** Reminders sent in the milestone's current cycle (since its last request). */
    const remindersOfCycle = (s: MilestoneState) => {
      const last = s.history.map((h) => h.event).lastIndexOf('evidence_requested');
      return s.history.slice(last).filter((h) => h.event === 'reminder_sent').length;
    };
    /**
     * Waits for both reminders of the current cycle, then uploads through a link to the cycle's open
     * request, signed as the emails' links are (an email cut off by a kill may never have arrived: it
     * is `unconfirmed`, listed for the coordinator); returns the evidence id.
     */
    const uploadAfterReminders = async (m: CreatedMilestone, title: string, cycle: number) => {
      const state = await eventually(() => milestoneState(m), (s) => s.cycle === cycle && s.status === 'evidence_requested' && remindersOfCycle(s) === 2, {
        timeoutMs: PROGRESS_TIMEOUT_MS,
        description: `${title}: both reminders of cycle ${cycle}`,
      });
      const token = signUploadLink({ evidenceRequestId: state.openEvidenceRequestId!, expiresAt: new Date(Date.now() + 3_600_000) }, system.config.uploadLinkSecret);
      const upload = await withLiveWorker(() => system.http().post(`/evidence-uploads/${token}`).send({ narrative: `${title}, cycle ${cycle}`, claimedCompletion: 'complete' }));
      expect({ title, cycle, status: upload.status, body: upload.status === 201 ? undefined : upload.body }).toEqual({ title, cycle, status: 201, body: undefined });
      return upload.body.evidenceId as string;
    };
    const review = (evidenceId: string, body: Record<string, unknown>) =>
      withLiveWorker(() => system.http().post(`/evidence/${evidenceId}/review`).set(milestones.coordinator).send(body)).then((r) => {
        expect({ evidenceId, status: r.status }).toEqual({ evidenceId, status: 200 });
        return r;
      });

    await worker.start(); // a milestone's workflow is started by its commitment's, on the worker
    restartedAt = Date.now();
    const accepted = await createMilestone(system, milestones, 3_000, 'Participation portal launched');
    const returned = await createMilestone(system, milestones, 3_000, 'Open contracting data published');
    const overdue = await createMilestone(system, milestones, 15, 'Climate indicators reported');
    const killer = killAll();

    const milestoneRun = (async () => {
      const acceptOne = async () => {
        const evidenceId = await uploadAfterReminders(accepted, 'Participation portal launched', 1);
        await review(evidenceId, { decision: 'accept', completion: 'complete' });
      };
      const returnThenAccept = async () => {
        const first = await uploadAfterReminders(returned, 'Open contracting data published', 1);
        await review(first, { decision: 'return', comments: 'Publish it in OCDS, please.' });
        const second = await uploadAfterReminders(returned, 'Open contracting data published', 2);
        await review(second, { decision: 'accept', completion: 'substantial' });
      };
      const escalateAndResolve = async () => {
        const escalated = await eventually(() => milestoneState(overdue), (s) => s.status === 'overdue' && !!s.escalation, { timeoutMs: PROGRESS_TIMEOUT_MS, description: 'the unanswered milestone to be escalated' });
        await allKilled; // the IMB closes it last, so the workflow still waits while the kills go on
        const resolved = await withLiveWorker(() =>
          system.http().post(`/escalations/${escalated.escalation!.id}/resolve`).set(imb).send({ text: 'No indicators were delivered: closed without evidence.' }),
        );
        expect({ status: resolved.status, milestoneStatus: resolved.body.milestoneStatus }).toEqual({ status: 200, milestoneStatus: 'closed_without_evidence' });
      };
      await Promise.all([acceptOne(), returnThenAccept(), escalateAndResolve()]);
    })();

    // ---- The check-in run ---------------------------------------------------------------------
    const EVERY_30_SECONDS: MeetingCalendar = { second: [{ start: 0, end: 59, step: 30 }], minute: '*', hour: '*' };
    const checkInRun = (async () => {
      const http = () => system.http();
      await http()
        .put(`/plans/${checkIns.planId}/check-in-schedule`)
        .set(checkIns.coordinator)
        .send({ calendar: EVERY_30_SECONDS, mode: 'hybrid', address: 'Palacio Municipal, Sala 2', onlineUrl: 'https://meet.example/board', policy: { durationMinutes: 30, invitationLeadSeconds: 3600, closeReminderAfterSeconds: 1, actionItemReminderLeadSeconds: 4 } })
        .expect(201);
      // The first meeting comes from the run the new schedule is triggered for; no more after it.
      await http().post(`/plans/${checkIns.planId}/check-in-schedule/pause`).set(checkIns.coordinator).send({ note: 'fault test: one meeting' }).expect((r) => expect(r.status).toBeLessThan(300));
      const list = await eventually(() => http().get(`/plans/${checkIns.planId}/check-ins`).set(checkIns.coordinator), (r) => r.status === 200 && r.body.items.length >= 1, {
        timeoutMs: PROGRESS_TIMEOUT_MS,
        description: 'the first check-in to be prepared',
      });
      const checkInId = list.body.items[0].id as string;
      const state = () => system.temporal.workflow.getHandle(`check-in-${checkInId}`).query<CheckInWorkflowState>('getCheckInState');
      await eventually(state, (s) => s.sent.some((x) => x.kind === 'invitation'), { timeoutMs: PROGRESS_TIMEOUT_MS, description: 'the invitations to go out' });
      // The place changes: SEQUENCE 1, an update to everyone invited.
      const current = await http().get(`/check-ins/${checkInId}`).set(checkIns.coordinator).expect(200);
      await http().patch(`/check-ins/${checkInId}`).set(checkIns.coordinator).set('If-Match', current.headers.etag).send({ address: 'Palacio Municipal, Sala 3' }).expect(200);
      await eventually(state, (s) => s.sent.some((x) => x.kind === 'update') && s.closeReminderSent, { timeoutMs: PROGRESS_TIMEOUT_MS, description: 'the update and the close reminder' });
      // Closed with two action items, due 12 s from now: their owners are reminded 4 s before.
      const dueAt = new Date(Math.ceil((Date.now() + 12_000) / 1000) * 1000).toISOString();
      const open = await http().get(`/check-ins/${checkInId}`).set(checkIns.coordinator).expect(200);
      const closed = await http()
        .post(`/check-ins/${checkInId}/close`)
        .set(checkIns.coordinator)
        .set('If-Match', open.headers.etag)
        .send({
          minutes: 'The board reviewed the plan.',
          attendanceCount: 9,
          organisationsPresent: ['Vecinal'],
          decisions: ['Publish the budget data'],
          actionItems: owners.map((ownerEmail, i) => ({ title: `Action ${i + 1}`, ownerName: `Owner ${i + 1}`, ownerEmail, ownerLanguage: 'es', dueAt, commitmentId: checkIns.commitmentId })),
        })
        .expect(200);
      const actionItemIds = (closed.body.actionItems as { id: string }[]).map((a) => a.id);
      for (const id of actionItemIds) {
        await eventually(() => system.temporal.workflow.getHandle(`action-item-${id}`).query<ActionItemWorkflowState>('getActionItemState'), (s) => s.reminderSent, {
          timeoutMs: PROGRESS_TIMEOUT_MS,
          description: `the reminder of action item ${id}`,
        });
      }
      await allKilled;
      for (const id of actionItemIds) await http().post(`/action-items/${id}/close`).set(checkIns.coordinator).send({ note: 'Done' }).expect(200);
      return { checkInId, actionItemIds, dueAt };
    })();

    const [, checkIn] = await Promise.all([milestoneRun, checkInRun, killer]).catch(async (error) => {
      log(`failed after kills: ${kills.map((k) => `#${k.n} ${k.point} at ${k.at} s`).join('; ')}`);
      await logWorkflowTaskTroubles(system, [accepted.workflowId, returned.workflowId, overdue.workflowId, `commitment-${milestones.commitmentId}`], log);
      throw error;
    });
    const scenarioSeconds = seconds();

    // ---- Every workflow reached its end ------------------------------------------------------
    const ended = async <T>(workflowId: string): Promise<T> => {
      const handle = system.temporal.workflow.getHandle(workflowId);
      await eventually(() => handle.describe(), (d) => d.status.name !== 'RUNNING', { timeoutMs: PROGRESS_TIMEOUT_MS, everyMs: 250, description: `${workflowId} to end` });
      const status: WorkflowExecutionStatusName = (await handle.describe()).status.name;
      expect({ workflowId, status }).toEqual({ workflowId, status: 'COMPLETED' });
      return handle.result() as Promise<T>;
    };
    const acceptedEnd = await ended<MilestoneState>(accepted.workflowId);
    const returnedEnd = await ended<MilestoneState>(returned.workflowId);
    const overdueEnd = await ended<MilestoneState>(overdue.workflowId);
    expect([acceptedEnd.status, returnedEnd.status, overdueEnd.status]).toEqual(['completed', 'completed', 'closed_without_evidence']);
    expect(returnedEnd.cycle).toBe(2);
    expect(overdueEnd.history.filter((h) => h.event === 'escalated').map((h) => h.detail?.level)).toEqual([1]);
    const commitment = await ended<{ status: string }>(`commitment-${milestones.commitmentId}`);
    expect(commitment.status).toBe('closed');
    const checkInEnd = await ended<CheckInWorkflowState>(`check-in-${checkIn.checkInId}`);
    expect(checkInEnd).toMatchObject({ phase: 'closed', closeReminderSent: true });
    expect(checkInEnd.sent).toEqual([
      { sequence: 0, kind: 'invitation' },
      { sequence: 1, kind: 'update' },
    ]);
    for (const id of checkIn.actionItemIds) expect(await ended<ActionItemWorkflowState>(`action-item-${id}`)).toMatchObject({ reminderSent: true, closed: true });
    const schedule = await system.http().get(`/plans/${checkIns.planId}/check-in-schedule`).set(checkIns.coordinator).expect(200);
    const runs = schedule.body.recentRuns as { workflowId: string }[];
    expect(runs.length).toBeGreaterThanOrEqual(1);
    for (const run of runs) await ended(run.workflowId);
    const prepared = await system.http().get(`/plans/${checkIns.planId}/check-ins`).set(checkIns.coordinator).expect(200);
    expect(prepared.body.items.map((c: { id: string }) => c.id)).toEqual([checkIn.checkInId]);
    await system.temporal.schedule.getHandle(`dialogue-board-${checkIns.planId}`).delete();

    // ---- Every email once, or unconfirmed and never twice -------------------------------------
    // What the workflows say they sent, as outbox keys.
    const expected = new Set<string>();
    for (const end of [acceptedEnd, returnedEnd, overdueEnd]) {
      let cycle = 0;
      for (const h of end.history) {
        if (h.event === 'evidence_requested') {
          cycle = Number(h.detail?.cycle);
          expected.add(`evidence-request:${end.milestoneId}:${cycle}`);
        }
        if (h.event === 'reminder_sent') expected.add(`evidence-reminder:${end.milestoneId}:${cycle}:${h.detail?.reminderNumber}`);
        if (h.event === 'escalated') for (const to of [milestones.imbEmail, milestones.officeEmail]) expected.add(`escalation:${end.milestoneId}:${cycle}:${h.detail?.level}:${to}`);
      }
    }
    for (const sent of checkInEnd.sent) for (const to of board) expected.add(`check-in-${sent.kind}:${checkIn.checkInId}:${sent.sequence}:${to}`);
    expected.add(`check-in-close-reminder:${checkIn.checkInId}:0:${checkIns.officeEmail}`);
    for (const id of checkIn.actionItemIds) expected.add(`action-item-reminder:${id}:${checkIn.dueAt}`);

    const rows: { key: string; status: string; messageId: string }[] = await db.query(
      `SELECT idempotency_key AS key, status, message_id AS "messageId" FROM outbox_message WHERE jurisdiction_id = ANY($1) ORDER BY idempotency_key`,
      [jurisdictions],
    );
    const copies = new Map<string, number>();
    for (const m of system.mail.messages) copies.set(m.parsed.messageId ?? '(none)', (copies.get(m.parsed.messageId ?? '(none)') ?? 0) + 1);
    const table = rows.map((r) => ({ key: r.key, status: r.status, copies: copies.get(r.messageId) ?? 0 }));

    // No email lost: every email the workflows sent has its row; no row nobody asked for.
    expect(rows.map((r) => r.key).sort()).toEqual([...expected].sort());
    // Every row settled: sent and received once, or unconfirmed and received at most once.
    const wrong = table.filter((r) => !((r.status === 'sent' && r.copies === 1) || (r.status === 'unconfirmed' && r.copies <= 1)));
    expect(wrong).toEqual([]);
    // Nothing arrived that is not a row of ours (and so nothing twice under another id).
    const ours = new Set(rows.map((r) => r.messageId));
    expect(system.mail.messages.filter((m) => !ours.has(m.parsed.messageId ?? '')).map((m) => m.parsed.subject)).toEqual([]);
    // A message kept by the server while its worker died before the 250 is one the coordinator is told about.
    const unconfirmed = table.filter((r) => r.status === 'unconfirmed');
    for (const k of kills.filter((k) => k.messageId)) expect({ kill: k.n, status: rows.find((r) => r.messageId === k.messageId)?.status }).toEqual({ kill: k.n, status: 'unconfirmed' });
    // The coordinators' list shows exactly those.
    const listed: string[] = [];
    for (const [fixture, id] of [
      [milestones, milestones.jurisdictionId],
      [checkIns, checkIns.jurisdictionId],
    ] as [PlanFixture, string][]) {
      const page = await system.http().get(`/jurisdictions/${id}/outbox`).query({ status: 'unconfirmed', limit: 100 }).set(fixture.coordinator).expect(200);
      expect(page.body.total).toBe(page.body.items.length);
      listed.push(...page.body.items.map((i: { idempotencyKey: string }) => i.idempotencyKey));
    }
    expect(listed.sort()).toEqual(unconfirmed.map((r) => r.key).sort());

    expect(kills).toHaveLength(KILLS);
    log(`kills: ${kills.map((k) => `#${k.n} ${k.point}${k.late ? ' (point not reached within the window: killed there)' : ''} at ${k.at} s, back in ${k.restartMs} ms`).join('; ')}`);
    log(
      `emails: ${rows.length} rows (${table.filter((r) => r.status === 'sent').length} sent once, ${unconfirmed.length} unconfirmed: ${unconfirmed.filter((r) => r.copies === 1).length} had arrived, ${unconfirmed.filter((r) => r.copies === 0).length} had not); ${system.mail.messages.length} messages received, none twice; scenario ${scenarioSeconds} s, whole test ${seconds()} s; seed ${SEED}`,
    );
  });
});

/** On a failure: the workflow task failures and timeouts in each workflow's history, with their cause. */
async function logWorkflowTaskTroubles(system: TestSystem, workflowIds: string[], log: (message: string) => void): Promise<void> {
  for (const workflowId of workflowIds) {
    try {
      const history = await system.temporal.workflow.getHandle(workflowId).fetchHistory();
      const troubles = (history.events ?? [])
        .filter((e) => e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes)
        .map((e) => `event ${e.eventId}: ${e.workflowTaskFailedEventAttributes ? `failed (${e.workflowTaskFailedEventAttributes.cause}): ${e.workflowTaskFailedEventAttributes.failure?.message}` : 'timed out'}`);
      const file = path.join(tmpdir(), `worker-kill-${workflowId}.json`);
      writeFileSync(file, JSON.stringify(historyToJSON(history)));
      log(`${workflowId}: ${history.events?.length} events; workflow task troubles: ${troubles.length ? troubles.join(' | ') : 'none'}; history in ${file}`);
    } catch (error) {
      log(`${workflowId}: history not read (${String(error)})`);
    }
  }
}
