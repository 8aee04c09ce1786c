/**
 * The Dialogue Board check-in API against the real dev server, with a worker: the schedule's
 * settings reach Temporal (`dialogue-board-<planId>`, read here with the client's own describe, as
 * `temporal schedule describe` would, and once with that CLI), pause, resume, trigger, change and delete show there; the next
 * five meetings in Europe/Madrid across the start of summer time have the local times the zone's rules
 * give (computed here from the EU rule, not from the platform's zone data); a check-in is closed with
 * action items (each followed by its workflow), its minutes approved, and the public JSON and iCalendar
 * feed (read with ical.js) carry no personal data.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import ICAL from 'ical.js';
import { DataSource } from 'typeorm';
import { ScheduleNotFoundError } from '@temporalio/client';
import { CheckInStatus, MeetingMode } from '../../libs/domain/src';
import { ActionItemEntity, CheckInEntity } from '../../libs/persistence/src';
import { eventually } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const ZONE = 'Europe/Madrid';
/** 26, 27 and 28 March at 18:00: in 2027 summer time starts on the 28th. */
const CALENDAR = { dayOfMonth: [{ start: 26, end: 28 }], month: [{ start: 3 }], hour: [{ start: 18 }], minute: [{ start: 0 }] };

/** The EU rule: summer time (UTC+2) from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, else UTC+1. */
function madridOffsetHours(utc: Date): number {
  const lastSunday = (year: number, month: number) => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return new Date(Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1));
  };
  const year = utc.getUTCFullYear();
  return utc >= lastSunday(year, 2) && utc < lastSunday(year, 9) ? 2 : 1;
}

/** The next `count` meetings of CALENDAR after `now`: [UTC instant, local text]. */
function expectedMeetings(now: Date, count: number): { at: string; local: string }[] {
  const found: { at: string; local: string }[] = [];
  for (let year = now.getUTCFullYear(); found.length < count; year++) {
    for (const day of [26, 27, 28]) {
      // 18:00 local is 17:00 UTC in winter, 16:00 UTC in summer; the offset at 16:00 UTC decides (no change happens between 16:00 and 17:00 UTC).
      const summer = madridOffsetHours(new Date(Date.UTC(year, 2, day, 16))) === 2;
      const at = new Date(Date.UTC(year, 2, day, summer ? 16 : 17));
      if (at > now && found.length < count) found.push({ at: at.toISOString(), local: `${year}-03-${day}T18:00:00${summer ? '+02:00' : '+01:00'}` });
    }
  }
  return found;
}

describe('check-in API', () => {
  let system: TestSystem;
  let db: DataSource;
  let coordinator: { Authorization: string };
  let imb: { Authorization: string };
  let planId: string;
  let commitmentId: string;
  let milestoneId: string;
  let otherPlanMilestoneId: string;
  const suffix = randomBytes(4).toString('hex');
  const ownerEmail = `owner-${suffix}@colectivo.example`;
  const http = () => system.http();
  const scheduleId = () => `dialogue-board-${planId}`;
  const describeSchedule = () => system.temporal.schedule.getHandle(scheduleId()).describe();
  /** `temporal …` against the test's dev server (the CLI the test run started it with). */
  const temporalCli = async (args: string[]) =>
    (await promisify(execFile)(process.env.TEMPORAL_CLI_PATH ?? 'temporal', [...args, '--address', process.env.TEST_TEMPORAL_ADDRESS!])).stdout;
  const etag = async (url: string) => (await http().get(url).set(coordinator).expect(200)).headers.etag as string;
  const days = (n: number) => new Date(Date.now() + n * 86_400_000);
  const isoDate = (d: Date) => d.toISOString().slice(0, 10);

  /** A plan of a jurisdiction in Europe/Madrid, with one commitment and milestone; active or draft. */
  async function madridPlan(status: 'active' | 'draft') {
    const s = randomBytes(4).toString('hex');
    const jurisdiction = await http().post('/jurisdictions').set(system.adminAuth).send({ slug: `madrid-${s}`, name: `Madrid ${s}`, country: 'ES', timeZone: ZONE, defaultLanguage: 'es' }).expect(201);
    const token = await http().post(`/jurisdictions/${jurisdiction.body.id}/tokens`).set(system.adminAuth).send({ role: 'coordinator', label: 'Coordinator' }).expect(201);
    const auth = { Authorization: `Bearer ${token.body.token}` };
    const imbToken = await http().post(`/jurisdictions/${jurisdiction.body.id}/tokens`).set(system.adminAuth).send({ role: 'imb', label: 'IMB' }).expect(201);
    const agency = await http().post(`/jurisdictions/${jurisdiction.body.id}/agencies`).set(auth).send({ name: 'Área de Participación', contacts: [{ email: `agency-${s}@test.example` }], language: 'es' }).expect(201);
    const plan = await http()
      .post('/plans')
      .set(auth)
      .send({ jurisdictionId: jurisdiction.body.id, title: `Plan ${s}`, periodStart: isoDate(days(-1)), periodEnd: isoDate(days(700)), termEnd: isoDate(days(800)), status })
      .expect(201);
    const commitment = await http().post(`/plans/${plan.body.id}/commitments`).set(auth).send({ title: 'Open contracting', leadAgencyId: agency.body.id }).expect(201);
    const milestone = await http()
      .post(`/commitments/${commitment.body.id}/milestones`)
      .set(auth)
      .send({ title: 'Contracts portal published', startAt: days(300).toISOString(), dueAt: days(600).toISOString(), responsibleAgencyId: agency.body.id })
      .expect(201);
    return { auth, imb: { Authorization: `Bearer ${imbToken.body.token}` }, planId: plan.body.id as string, commitmentId: commitment.body.id as string, milestoneId: milestone.body.id as string };
  }

  /** A check-in row as a schedule run would have prepared it. */
  async function checkInRow(values: Partial<CheckInEntity> = {}): Promise<string> {
    const startsAt = values.startsAt ?? days(10);
    const saved = await db.getRepository(CheckInEntity).save({
      planId,
      scheduledFor: startsAt,
      startsAt,
      durationMinutes: 90,
      mode: MeetingMode.Hybrid,
      address: 'Plaza de la Villa 5, Madrid',
      onlineUrl: 'https://meet.example/board',
      status: CheckInStatus.Scheduled,
      agenda: [{ kind: 'other', title: 'Welcome', durationMinutes: 10, commitmentId: null, links: [] }],
      ...values,
    });
    return saved.id;
  }

  beforeAll(async () => {
    system = await startTestSystem();
    db = system.api.get(DataSource);
    const plan = await madridPlan('active');
    ({ planId, commitmentId, milestoneId } = plan);
    coordinator = plan.auth;
    imb = plan.imb;
    otherPlanMilestoneId = (await madridPlan('draft')).milestoneId;
  }, 60_000);

  afterAll(async () => {
    await system?.temporal.schedule.getHandle(scheduleId()).delete().catch(() => undefined);
    await system?.close();
  });

  describe('the schedule', () => {
    const settings = { calendar: CALENDAR, mode: 'hybrid', address: 'Plaza de la Villa 5, Madrid', onlineUrl: 'https://meet.example/board', policy: { durationMinutes: 90 } };

    it('PUT creates the settings and the Temporal Schedule in the jurisdiction’s zone, and triggers it once', async () => {
      const created = await http().put(`/plans/${planId}/check-in-schedule`).set(coordinator).send(settings).expect(201);
      expect(created.headers.etag).toBe('"1"');
      expect(created.body).toMatchObject({ planId, scheduleId: scheduleId(), timeZone: ZONE, mode: 'hybrid', paused: false, state: 'running', warnings: [], policy: { durationMinutes: 90, invitationLeadSeconds: 604800 } });

      const described = await describeSchedule();
      expect(described.spec.timezone).toBe(ZONE);
      expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 18, end: 18, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }], dayOfMonth: [{ start: 26, end: 28, step: 1 }] })]);
      expect(described.state.paused).toBe(false);
      // The trigger on creation: one run, which prepares the first meeting.
      const first = expectedMeetings(new Date(), 1)[0];
      const checkIns = await eventually(
        () => http().get(`/plans/${planId}/check-ins`).set(coordinator).expect(200),
        (r) => r.body.total === 1,
        { timeoutMs: 30_000, description: 'the triggered run to prepare the first meeting' },
      );
      expect(checkIns.body.items[0]).toMatchObject({ scheduledFor: first.at, startsAt: first.at, startsAtLocal: first.local, timeZone: ZONE, durationMinutes: 90, mode: 'hybrid', status: 'scheduled', sequence: 0 });
      expect((await describeSchedule()).info.recentActions.length).toBeGreaterThanOrEqual(1);
    });

    it('GET shows the next five meetings in UTC and in Madrid time, across the start of summer time', async () => {
      const response = await http().get(`/plans/${planId}/check-in-schedule`).set(imb).expect(200);
      const expected = expectedMeetings(new Date(), 5);
      expect(new Set(expected.map((e) => e.local.slice(-6)))).toEqual(new Set(['+01:00', '+02:00']));
      expect(response.body.nextMeetings).toEqual(expected.map((e) => ({ ...e, timeZone: ZONE })));
    });

    it('replacing needs If-Match (428 without, 412 stale); a change reaches the schedule', async () => {
      const changed = { ...settings, calendar: { ...CALENDAR, hour: [{ start: 19 }] } };
      await http().put(`/plans/${planId}/check-in-schedule`).set(coordinator).send(changed).expect(428);
      await http().put(`/plans/${planId}/check-in-schedule`).set(coordinator).set('If-Match', '"99"').send(changed).expect(412);
      const response = await http().put(`/plans/${planId}/check-in-schedule`).set(coordinator).set('If-Match', await etag(`/plans/${planId}/check-in-schedule`)).send(changed).expect(200);
      expect(response.body.version).toBe(2);
      expect((await describeSchedule()).spec.calendars?.[0].hour).toEqual([{ start: 19, end: 19, step: 1 }]);
      expect(response.body.nextMeetings[0].local).toMatch(/T19:00:00\+0[12]:00$/);
    });

    it('pause and resume show in Temporal, with the note', async () => {
      const paused = await http().post(`/plans/${planId}/check-in-schedule/pause`).set(coordinator).send({ note: 'Summer recess' }).expect(200);
      expect(paused.body).toMatchObject({ paused: true, state: 'paused', note: 'Summer recess' });
      expect((await describeSchedule()).state).toMatchObject({ paused: true, note: 'Summer recess' });
      // The same, as an operator sees it with the Temporal CLI.
      const cli = JSON.parse(await temporalCli(['schedule', 'describe', '--schedule-id', scheduleId(), '--output', 'json'])) as { schedule?: { state?: { paused?: boolean; notes?: string } } };
      expect(cli.schedule?.state).toMatchObject({ paused: true, notes: 'Summer recess' });
      const resumed = await http().post(`/plans/${planId}/check-in-schedule/resume`).set(coordinator).send({}).expect(200);
      expect(resumed.body).toMatchObject({ paused: false, state: 'running' });
      expect((await describeSchedule()).state.paused).toBe(false);
    });

    it('trigger starts a run now', async () => {
      const before = (await describeSchedule()).info.recentActions.length;
      await http().post(`/plans/${planId}/check-in-schedule/trigger`).set(coordinator).expect(200);
      await eventually(describeSchedule, (d) => d.info.recentActions.length > before, { timeoutMs: 15_000, description: 'a new run in the schedule' });
    });

    it('a mode without its place is refused naming the field; the IMB and agencies may not write', async () => {
      const response = await http().put(`/plans/${planId}/check-in-schedule`).set(coordinator).set('If-Match', '"2"').send({ ...settings, mode: 'in_person', address: undefined }).expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['address']);
      await http().post(`/plans/${planId}/check-in-schedule/pause`).set(imb).send({}).expect(403);
    });

    it('DELETE removes the settings and the schedule', async () => {
      await http().delete(`/plans/${planId}/check-in-schedule`).set(coordinator).expect(200);
      await expect(describeSchedule()).rejects.toBeInstanceOf(ScheduleNotFoundError);
      await http().get(`/plans/${planId}/check-in-schedule`).set(coordinator).expect(404);
    });
  });

  it('activating a plan with settings creates its schedule and prepares the first meeting; closing deletes the schedule', async () => {
    const draft = await madridPlan('draft');
    await http().put(`/plans/${draft.planId}/check-in-schedule`).set(draft.auth).send({ calendar: CALENDAR, mode: 'online', onlineUrl: 'https://meet.example/board' }).expect(201);
    await expect(system.temporal.schedule.getHandle(`dialogue-board-${draft.planId}`).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    const planEtag = async () => (await http().get(`/plans/${draft.planId}`).set(draft.auth).expect(200)).headers.etag as string;
    const activated = await http().patch(`/plans/${draft.planId}`).set(draft.auth).set('If-Match', await planEtag()).send({ status: 'active' }).expect(200);
    expect(activated.body.warnings).toEqual([]);
    expect((await system.temporal.schedule.getHandle(`dialogue-board-${draft.planId}`).describe()).spec.timezone).toBe(ZONE);
    await eventually(() => http().get(`/plans/${draft.planId}/check-ins`).set(draft.auth).expect(200), (r) => r.body.total === 1, { timeoutMs: 30_000, description: 'the first meeting prepared' });
    const closed = await http().patch(`/plans/${draft.planId}`).set(draft.auth).set('If-Match', await planEtag()).send({ status: 'closed' }).expect(200);
    expect(closed.body.warnings).toEqual([]);
    await expect(system.temporal.schedule.getHandle(`dialogue-board-${draft.planId}`).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  describe('check-ins', () => {
    it('the agenda is edited while scheduled (If-Match), and refused once the invitations went out', async () => {
      const id = await checkInRow();
      const agenda = { items: [{ kind: 'milestones_due_soon', title: 'Contracts portal', durationMinutes: 20, commitmentId, links: [{ type: 'milestone', id: milestoneId, label: 'Contracts portal published' }] }] };
      const edited = await http().put(`/check-ins/${id}/agenda`).set(coordinator).set('If-Match', await etag(`/check-ins/${id}`)).send(agenda).expect(200);
      expect(edited.body).toMatchObject({ agenda: agenda.items, agendaEditedAt: expect.any(String), sequence: 0 });
      const tooLong = await http().put(`/check-ins/${id}/agenda`).set(coordinator).set('If-Match', edited.headers.etag).send({ items: [{ ...agenda.items[0], durationMinutes: 241 }] }).expect(400);
      expect(tooLong.body.errors.map((e: { field: string }) => e.field)).toEqual(['items.0.durationMinutes']);

      await db.getRepository(CheckInEntity).update({ id }, { status: CheckInStatus.Invited, invitationsSentAt: new Date() });
      const refused = await http().put(`/check-ins/${id}/agenda`).set(coordinator).set('If-Match', await etag(`/check-ins/${id}`)).send(agenda).expect(409);
      expect(refused.body.errors).toEqual([{ field: 'status', message: 'check-in is invited' }]);
    });

    it('moving a check-in raises its SEQUENCE; cancelling raises it again', async () => {
      const id = await checkInRow();
      const moved = await http().patch(`/check-ins/${id}`).set(coordinator).set('If-Match', await etag(`/check-ins/${id}`)).send({ startsAt: days(12).toISOString(), mode: 'online', address: null }).expect(200);
      expect(moved.body).toMatchObject({ sequence: 1, mode: 'online', address: null, warnings: [] });
      const noLink = await http().patch(`/check-ins/${id}`).set(coordinator).set('If-Match', moved.headers.etag).send({ onlineUrl: null }).expect(422);
      expect(noLink.body.errors).toEqual([{ field: 'onlineUrl', message: 'onlineUrl is required when mode is online' }]);
      const cancelled = await http().post(`/check-ins/${id}/cancel`).set(coordinator).set('If-Match', moved.headers.etag).send({ reason: 'Strike' }).expect(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', sequence: 2, cancelledReason: 'Strike' });
      await http().patch(`/check-ins/${id}`).set(coordinator).set('If-Match', cancelled.headers.etag).send({ durationMinutes: 60 }).expect(409);
    });

    it('closing: refused before the start; with action items of the plan, each followed by its workflow; minutes approved are public without personal data', async () => {
      const future = await checkInRow({ startsAt: days(3) });
      const body = {
        minutes: 'The board reviewed the contracts portal.',
        attendanceCount: 12,
        organisationsPresent: ['Colectivo Ciudadano'],
        decisions: ['The portal publishes every contract'],
        actionItems: [{ title: 'Publish the procurement calendar', ownerName: 'Ana Gómez', ownerEmail, ownerLanguage: 'es', dueAt: days(20).toISOString(), milestoneId }],
      };
      const early = await http().post(`/check-ins/${future}/close`).set(coordinator).set('If-Match', await etag(`/check-ins/${future}`)).send(body).expect(409);
      expect(early.body.errors[0].field).toBe('startsAt');

      const id = await checkInRow({ startsAt: days(-1), status: CheckInStatus.Invited, invitationsSentAt: days(-8) });
      const foreign = await http()
        .post(`/check-ins/${id}/close`)
        .set(coordinator)
        .set('If-Match', await etag(`/check-ins/${id}`))
        .send({ ...body, actionItems: [{ ...body.actionItems[0], milestoneId: otherPlanMilestoneId }] })
        .expect(422);
      expect(foreign.body.errors).toEqual([{ field: 'actionItems.0.milestoneId', message: 'actionItems.0.milestoneId is not a milestone of this plan' }]);

      const closed = await http().post(`/check-ins/${id}/close`).set(coordinator).set('If-Match', await etag(`/check-ins/${id}`)).send(body).expect(200);
      expect(closed.body).toMatchObject({ status: 'closed', minutes: body.minutes, attendanceCount: 12, decisions: body.decisions, warnings: [] });
      expect(closed.body.actionItems).toEqual([expect.objectContaining({ title: body.actionItems[0].title, ownerEmail, commitmentId, milestoneId, status: 'open', overdue: false })]);
      const actionItemId = closed.body.actionItems[0].id as string;
      await eventually(() => system.temporal.workflow.getHandle(`action-item-${actionItemId}`).describe(), (d) => d.status.name === 'RUNNING', { timeoutMs: 15_000, description: 'the action item workflow' });
      expect((await http().get(`/plans/${planId}/action-items?status=open`).set(imb).expect(200)).body.items.map((a: { id: string }) => a.id)).toContain(actionItemId);

      // Not public before approval; approved once.
      const publicBefore = (await http().get(`/public/plans/${planId}/check-ins`).expect(200)).body.find((c: { id: string }) => c.id === id);
      expect(publicBefore).toMatchObject({ status: 'closed', minutes: null, decisions: [], openActionItems: [] });
      await http().post(`/check-ins/${id}/approve-minutes`).set(coordinator).expect(200);
      await http().post(`/check-ins/${id}/approve-minutes`).set(coordinator).expect(409);
      const published = await http().get(`/public/plans/${planId}/check-ins`).expect(200);
      expect(published.body.find((c: { id: string }) => c.id === id)).toMatchObject({ minutes: body.minutes, decisions: body.decisions, openActionItems: [{ title: body.actionItems[0].title, dueAt: body.actionItems[0].dueAt }] });
      expect(published.text).not.toContain('@');
      expect(published.text).not.toContain('Ana Gómez');

      const closedItem = await http().post(`/action-items/${actionItemId}/close`).set(coordinator).send({ note: 'Published' }).expect(200);
      expect(closedItem.body).toMatchObject({ status: 'closed', closingNote: 'Published', warnings: [] });
      await http().post(`/action-items/${actionItemId}/close`).set(coordinator).send({}).expect(409);
      await eventually(() => system.temporal.workflow.getHandle(`action-item-${actionItemId}`).describe(), (d) => d.status.name === 'COMPLETED', { timeoutMs: 15_000, description: 'the action item workflow to end' });
      expect((await http().get(`/public/plans/${planId}/check-ins`).expect(200)).body.find((c: { id: string }) => c.id === id).openActionItems).toEqual([]);
    });

    it('overdue action items are listed as such', async () => {
      const id = await checkInRow({ startsAt: days(-10), status: CheckInStatus.Closed, closedAt: days(-9) });
      const item = await db.getRepository(ActionItemEntity).save({ checkInId: id, planId, title: 'Late', ownerName: 'Luis', ownerEmail: 'luis@test.example', ownerLanguage: 'es', dueAt: days(-2), status: 'open' as never });
      const overdue = await http().get(`/plans/${planId}/action-items?status=overdue`).set(coordinator).expect(200);
      expect(overdue.body.items).toEqual([expect.objectContaining({ id: item.id, overdue: true })]);
    });

    it('the public feed parses as iCalendar with the zone, UID and SEQUENCE, and carries no e-mail address', async () => {
      const response = await http().get(`/public/plans/${planId}/check-ins.ics`).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/calendar/);
      const root = new ICAL.Component(ICAL.parse(response.text));
      expect(root.getFirstPropertyValue('method')).toBe('PUBLISH');
      const rows = await db.getRepository(CheckInEntity).findBy({ planId });
      // The feed's own VTIMEZONE gives the local times their offsets.
      for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
      const vevents = root.getAllSubcomponents('vevent');
      const events = vevents.map((v) => new ICAL.Event(v));
      expect(events.map((e) => e.uid).sort()).toEqual(rows.map((r) => `check-in-${r.id}@ogp-monitor`).sort());
      for (const [i, event] of events.entries()) {
        const row = rows.find((r) => event.uid === `check-in-${r.id}@ogp-monitor`)!;
        expect(event.sequence).toBe(row.sequence);
        expect(vevents[i].getFirstProperty('dtstart')?.getParameter('tzid')).toBe(ZONE);
        expect(event.startDate.toJSDate().getTime()).toBe(Math.floor(row.startsAt.getTime() / 1000) * 1000); // iCalendar counts whole seconds
      }
      expect(root.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toContain(ZONE);
      expect(response.text).not.toMatch(/mailto:|ORGANIZER|ATTENDEE/i);
      expect(response.text).not.toContain(ownerEmail);
      expect(response.text.replace(/check-in-[0-9a-f-]+@ogp-monitor/g, '')).not.toContain('@');
    });

    it('agencies see none of it; another jurisdiction gets 404; a draft plan has no public check-ins', async () => {
      const id = await checkInRow();
      const other = await madridPlan('draft');
      await http().get(`/check-ins/${id}`).set(other.auth).expect(404);
      await http().get(`/public/plans/${other.planId}/check-ins`).expect(404);
      await http().get(`/public/plans/${other.planId}/check-ins.ics`).expect(404);
    });
  });
});
