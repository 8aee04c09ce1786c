/**
 * The Dialogue Board check-in workflows on the run's dev server, with the real worker, database and
 * SMTP server: a seconds-level schedule (every 15 s, invitations 5 s before, close reminder 3 s
 * after, action item reminder 2 s before its due date) prepares check-ins whose agenda comes from the
 * plan's state; invitations, a repeated run, an update, a cancellation, an action item's reminder and
 * the coordinators' close reminder arrive as such (.ics read with ical.js).
 */
import ICAL from 'ical.js';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AgendaItem, CheckInPolicy, MeetingCalendar } from '../../libs/domain/src';
import { t } from '../../libs/mail/src';
import { CheckInWorkflows, DialogueBoardSchedules } from '../../libs/temporal/src';
import { actionItemWorkflowId, checkInWorkflowId, DIALOGUE_BOARD_RUN_WORKFLOW_TYPE, DialogueBoardRunResult, dialogueBoardScheduleId } from '../../workflows/src/messages';
import type { ReceivedMail } from '../../infra/dev-stack/mail-sink';
import { createPlanFixture, eventually, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const EVERY_15_SECONDS: MeetingCalendar = { second: [{ start: 0, end: 59, step: 15 }], minute: '*', hour: '*' };
const POLICY: CheckInPolicy = { durationMinutes: 30, invitationLeadSeconds: 5, closeReminderAfterSeconds: 3, actionItemReminderLeadSeconds: 2, upcomingWindowSeconds: 30 * 86_400 };
const TIME_ZONE = 'America/Argentina/Cordoba';
const DAY = 86_400_000;

interface CalendarPart {
  method: string;
  uid: string;
  sequence: number;
  tzid: string | null;
  start: Date;
}

/** The text/calendar part of a message, read with ical.js. */
function calendarOf(mail: ReceivedMail): CalendarPart | null {
  const part = mail.parsed.attachments.find((a) => /text\/calendar/i.test(a.contentType));
  if (!part) return null;
  const root = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
  const vevent = root.getFirstSubcomponent('vevent')!;
  const dtstart = vevent.getFirstProperty('dtstart')!;
  const event = new ICAL.Event(vevent);
  // The VTIMEZONE travels with the event: register it so the start converts to UTC.
  for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return {
    method: String(root.getFirstPropertyValue('method')),
    uid: event.uid,
    sequence: event.sequence,
    tzid: (dtstart.getParameter('tzid') as string | undefined) ?? null,
    start: event.startDate.toJSDate(),
  };
}

describe('check-in workflows', () => {
  let system: TestSystem;
  let db: DataSource;
  let schedules: DialogueBoardSchedules;
  let checkIns: CheckInWorkflows;
  let fixture: PlanFixture;
  const emails = { boardEs: `board-es-${randomUUID().slice(0, 8)}@test.example`, boardEn: `board-en-${randomUUID().slice(0, 8)}@test.example`, referent: `referent-${randomUUID().slice(0, 8)}@test.example`, owner: `owner-${randomUUID().slice(0, 8)}@test.example` };
  const ids: Record<'dueSoon' | 'overdue' | 'underReview' | 'replanned' | 'evidence' | 'escalation' | 'replanning' | 'actionItem' | 'pastCheckIn', string> = {} as never;

  const mailTo = (address: string) => system.mail.messages.filter((m) => m.envelopeTo.map((a) => a.toLowerCase()).includes(address.toLowerCase()));
  const calendarMails = (address: string, checkInId: string, method?: string) =>
    mailTo(address).filter((m) => {
      const c = calendarOf(m);
      return c !== null && c.uid.includes(checkInId) && (!method || c.method === method);
    });
  const row = async (checkInId: string) => (await db.query('SELECT * FROM check_in WHERE id = $1', [checkInId]))[0];

  beforeAll(async () => {
    system = await startTestSystem();
    db = system.api.get(DataSource);
    schedules = system.api.get(DialogueBoardSchedules);
    checkIns = system.api.get(CheckInWorkflows);
    fixture = await createPlanFixture(system);
    const http = system.http();
    const boardEn = await http.post(`/jurisdictions/${fixture.jurisdictionId}/dialogue-board/members`).set(fixture.coordinator).send({ name: 'Ann Board', organisation: 'Civic Lab', email: emails.boardEn, language: 'en' }).expect(201);
    await http.post(`/jurisdictions/${fixture.jurisdictionId}/dialogue-board/members`).set(fixture.coordinator).send({ name: 'Ana Mesa', organisation: 'Vecinal', email: emails.boardEs, language: 'es' }).expect(201);
    await http.post(`/commitments/${fixture.commitmentId}/committee/members`).set(fixture.coordinator).send({ kind: 'government_referent', name: 'Referente', email: emails.referent }).expect(201);
    // A board member on the committee too: still one invitation.
    await http.post(`/commitments/${fixture.commitmentId}/committee/members`).set(fixture.coordinator).send({ kind: 'dialogue_board_member', dialogueBoardMemberId: boardEn.body.id, name: 'Ann Board', email: emails.boardEn }).expect(201);

    // The plan's state, one thing of each kind (rows written directly: no milestone workflows, no other mail).
    const now = Date.now();
    const milestone = async (title: string, status: string, dueAt: number) =>
      (
        await db.query(
          `INSERT INTO milestone (commitment_id, title, start_at, due_at, original_due_at, responsible_agency_id, status, verifiable) VALUES ($1, $2, $3, $4, $4, $5, $6, true) RETURNING id`,
          [fixture.commitmentId, title, new Date(now - 10 * DAY), new Date(dueAt), fixture.agencyId, status],
        )
      )[0].id as string;
    ids.dueSoon = await milestone('Publish the participation calendar', 'open', now + 10 * DAY);
    ids.overdue = await milestone('Open data portal', 'overdue', now - 2 * DAY);
    ids.underReview = await milestone('Citizen survey', 'under_review', now + 60 * DAY);
    ids.replanned = await milestone('Participatory budget', 'not_started', now + 90 * DAY);
    const request = (await db.query(`INSERT INTO evidence_request (milestone_id, cycle, status, due_at, link_expires_at) VALUES ($1, 1, 'fulfilled', $2, $2) RETURNING id`, [ids.underReview, new Date(now + 60 * DAY)]))[0].id;
    ids.evidence = (await db.query(`INSERT INTO evidence (milestone_id, evidence_request_id, narrative, claimed_completion, delivered_at) VALUES ($1, $2, 'Survey done', 'substantial', now()) RETURNING id`, [ids.underReview, request]))[0].id;
    ids.escalation = (await db.query(`INSERT INTO escalation (milestone_id, cycle, level, reason, status, recommendation) VALUES ($1, 1, 1, 'overdue', 'acknowledged', 'Publish the datasets first') RETURNING id`, [ids.overdue]))[0].id;
    ids.replanning = (await db.query(`INSERT INTO milestone_replanning (milestone_id, previous_due_at, new_due_at, reason, actor) VALUES ($1, $2, $3, 'Budget delayed', 'test') RETURNING id`, [ids.replanned, new Date(now + 30 * DAY), new Date(now + 90 * DAY)]))[0].id;
    // An earlier check-in (closed) and its action item, due in 25 s.
    ids.pastCheckIn = (await db.query(`INSERT INTO check_in (plan_id, scheduled_for, starts_at, duration_minutes, mode, status, closed_at) VALUES ($1, $2, $2, 30, 'online', 'closed', now()) RETURNING id`, [fixture.planId, new Date(now - DAY)]))[0].id;
    ids.actionItem = (
      await db.query(
        `INSERT INTO action_item (check_in_id, plan_id, title, owner_name, owner_email, owner_language, due_at, commitment_id, status) VALUES ($1, $2, 'Send the survey results', 'Owen Owner', $3, 'en', $4, $5, 'open') RETURNING id`,
        [ids.pastCheckIn, fixture.planId, emails.owner, new Date(now + 25_000), fixture.commitmentId],
      )
    )[0].id;
    await db.query(`INSERT INTO check_in_schedule (plan_id, calendar, mode, address, online_url, policy) VALUES ($1, $2, 'hybrid', 'Palacio Municipal, Sala 2', 'https://meet.example/board', $3)`, [
      fixture.planId,
      JSON.stringify(EVERY_15_SECONDS),
      JSON.stringify(POLICY),
    ]);
  });

  afterAll(async () => {
    await schedules?.delete(fixture.planId).catch(() => undefined);
    await system?.close();
  });

  let first: { id: string; scheduledFor: Date };

  it('a schedule fires at each occurrence; a run prepares the next meeting with the agenda from the plan state', async () => {
    expect(await schedules.upsert(fixture.planId, { calendar: EVERY_15_SECONDS, timeZone: TIME_ZONE, paused: false, catchupWindowSeconds: 5 })).toBe('created');
    expect(await schedules.upsert(fixture.planId, { calendar: EVERY_15_SECONDS, timeZone: TIME_ZONE, paused: false, catchupWindowSeconds: 5 })).toBe('unchanged');
    await checkIns.followActionItem(ids.actionItem);
    await checkIns.followActionItem(ids.actionItem); // a repeat is a no-op
    const triggeredAt = Date.now();
    await schedules.trigger(fixture.planId);
    const rows = await eventually((): Promise<any[]> => db.query('SELECT id, scheduled_for, starts_at, status, agenda, mode, address, online_url, duration_minutes FROM check_in WHERE plan_id = $1 AND id <> $2 ORDER BY scheduled_for', [fixture.planId, ids.pastCheckIn]), (r: { id: string }[]) => r.length >= 1, { description: 'the first check-in' });
    first = { id: rows[0].id, scheduledFor: rows[0].scheduled_for };
    // The first occurrence after the trigger: a multiple of 15 s, at most 15 s away.
    expect(first.scheduledFor.getTime() % 15_000).toBe(0);
    expect(first.scheduledFor.getTime()).toBeGreaterThan(triggeredAt - 1_000);
    expect(first.scheduledFor.getTime()).toBeLessThanOrEqual(triggeredAt + 16_000);
    expect(rows[0]).toMatchObject({ status: 'scheduled', mode: 'hybrid', address: 'Palacio Municipal, Sala 2', online_url: 'https://meet.example/board', duration_minutes: 30 });
    const agenda = rows[0].agenda as AgendaItem[];
    expect(agenda.map((item) => [item.kind, item.links.map((l) => l.id)])).toEqual([
      ['milestones_due_soon', [ids.dueSoon]],
      ['milestones_overdue', [ids.overdue]],
      ['evidence_under_review', [ids.evidence]],
      ['open_escalations', [ids.escalation]],
      ['replannings', [ids.replanning]],
      ['open_action_items', [ids.actionItem]],
    ]);
    expect(agenda.find((i) => i.kind === 'open_escalations')!.links[0].label).toContain('Publish the datasets first');

    // The schedule itself fires at that occurrence and prepares the one after.
    const state = await eventually(() => schedules.describe(fixture.planId), (s) => !!s?.recentRuns.some((r) => r.scheduledAt.getTime() === first.scheduledFor.getTime()), { timeoutMs: 30_000, description: 'the scheduled run at the first occurrence' });
    expect(state!.scheduleId).toBe(dialogueBoardScheduleId(fixture.planId));
    expect(state!.nextMeetings.length).toBeGreaterThan(0);
    await eventually(() => db.query('SELECT id FROM check_in WHERE plan_id = $1 AND scheduled_for = $2', [fixture.planId, new Date(first.scheduledFor.getTime() + 15_000)]), (r: { id: string }[]) => r.length === 1, { description: 'the second check-in' });
    await schedules.pause(fixture.planId, 'test: no more meetings');
    expect((await schedules.describe(fixture.planId))!.paused).toBe(true);
  });

  it('every member and committee member gets one invitation in their language, with METHOD:REQUEST', async () => {
    await eventually(async () => (await row(first.id)).status, (s) => s === 'invited', { timeoutMs: 30_000, description: 'the first check-in to be invited' });
    for (const [address, language] of [
      [emails.boardEs, 'es'],
      [emails.boardEn, 'en'],
      [emails.referent, 'es'],
    ] as const) {
      const invitations = await eventually(async () => calendarMails(address, first.id), (m) => m.length >= 1, { description: `the invitation to ${address}` });
      expect(invitations).toHaveLength(1);
      const ics = calendarOf(invitations[0])!;
      expect(ics).toMatchObject({ method: 'REQUEST', sequence: 0, tzid: TIME_ZONE });
      expect(ics.start.getTime()).toBe(first.scheduledFor.getTime());
      expect(invitations[0].parsed.text).toContain(t(language, 'checkIn.closing'));
      expect(invitations[0].parsed.text).toContain('https://meet.example/board');
    }
  });

  it('a run repeated for the same scheduled time finds the check-in and sends nothing again', async () => {
    const recent = (await schedules.describe(fixture.planId))!.recentRuns;
    const triggered = recent.find((r) => r.scheduledAt.getTime() < first.scheduledFor.getTime())!;
    const repeat: DialogueBoardRunResult = await system.temporal.workflow.execute(DIALOGUE_BOARD_RUN_WORKFLOW_TYPE, {
      workflowId: `${dialogueBoardScheduleId(fixture.planId)}-repeat-${randomUUID()}`,
      taskQueue: system.config.temporal.taskQueue,
      args: [{ planId: fixture.planId, scheduledAt: triggered.scheduledAt.toISOString() }],
    });
    expect(repeat).toEqual({ checkInId: first.id, scheduledFor: first.scheduledFor.toISOString(), created: false });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const address of [emails.boardEs, emails.boardEn, emails.referent]) expect(calendarMails(address, first.id, 'REQUEST')).toHaveLength(1);
    expect(await db.query('SELECT count(*)::int AS n FROM check_in WHERE plan_id = $1 AND scheduled_for = $2', [fixture.planId, first.scheduledFor])).toEqual([{ n: 1 }]);
  });

  it('a change sends an update with SEQUENCE+1; a cancellation sends METHOD:CANCEL and ends the workflow', async () => {
    const movedTo = new Date(first.scheduledFor.getTime() + 3_600_000);
    await db.query('UPDATE check_in SET starts_at = $2, sequence = sequence + 1 WHERE id = $1', [first.id, movedTo]);
    await checkIns.changed(first.id);
    for (const address of [emails.boardEs, emails.boardEn, emails.referent]) {
      const requests = await eventually(async () => calendarMails(address, first.id, 'REQUEST'), (m) => m.length >= 2, { description: `the update to ${address}` });
      const update = calendarOf(requests[1])!;
      expect(update.sequence).toBe(1);
      expect(update.start.getTime()).toBe(movedTo.getTime());
    }
    await db.query(`UPDATE check_in SET status = 'cancelled', cancelled_reason = 'No quorum', sequence = sequence + 1 WHERE id = $1`, [first.id]);
    await checkIns.cancelled(first.id);
    for (const address of [emails.boardEs, emails.boardEn, emails.referent]) {
      const cancels = await eventually(async () => calendarMails(address, first.id, 'CANCEL'), (m) => m.length >= 1, { description: `the cancellation to ${address}` });
      expect(cancels).toHaveLength(1);
      expect(calendarOf(cancels[0])!.sequence).toBe(2);
    }
    await system.temporal.workflow.getHandle(checkInWorkflowId(first.id)).result();
    await checkIns.cancelled(first.id); // its workflow has ended: still fine
  });

  it("an action item's owner gets exactly one reminder, and the open item is on the next agenda", async () => {
    const second = (await db.query('SELECT id, agenda FROM check_in WHERE plan_id = $1 AND scheduled_for = $2', [fixture.planId, new Date(first.scheduledFor.getTime() + 15_000)]))[0];
    expect((second.agenda as AgendaItem[]).find((i) => i.kind === 'open_action_items')!.links.map((l) => l.id)).toEqual([ids.actionItem]);
    await eventually(async () => mailTo(emails.owner), (m) => m.length >= 1, { timeoutMs: 30_000, description: 'the reminder to the owner' });
    const item = (await db.query('SELECT due_at FROM action_item WHERE id = $1', [ids.actionItem]))[0];
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, item.due_at.getTime() + 1_500 - Date.now())));
    expect(mailTo(emails.owner)).toHaveLength(1);
    expect(mailTo(emails.owner)[0].parsed.text).toContain('Send the survey results');
    await db.query(`UPDATE action_item SET status = 'closed', closed_at = now() WHERE id = $1`, [ids.actionItem]);
    await checkIns.actionItemClosed(ids.actionItem);
    const result = await system.temporal.workflow.getHandle(actionItemWorkflowId(ids.actionItem)).result();
    expect(result).toMatchObject({ reminderSent: true, closed: true });
  });

  it('a check-in not closed reminds the coordinators once; closing ends its workflow', async () => {
    const second = (await db.query('SELECT id, starts_at FROM check_in WHERE plan_id = $1 AND scheduled_for = $2', [fixture.planId, new Date(first.scheduledFor.getTime() + 15_000)]))[0];
    const reminders = () => mailTo(fixture.officeEmail).filter((m) => m.parsed.text?.includes(second.id));
    await eventually(async () => reminders(), (m) => m.length >= 1, { timeoutMs: 30_000, description: 'the close reminder' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(reminders()).toHaveLength(1);
    await db.query(`UPDATE check_in SET status = 'closed', closed_at = now(), minutes = 'Done' WHERE id = $1`, [second.id]);
    await checkIns.closed(second.id);
    const state = await system.temporal.workflow.getHandle(checkInWorkflowId(second.id)).result();
    expect(state).toMatchObject({ phase: 'closed', closeReminderSent: true });
  });
});
