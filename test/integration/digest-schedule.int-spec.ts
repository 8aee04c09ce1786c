/**
 * The digest schedule API against the real dev server, with a worker: the settings reach Temporal
 * (`digest-<planId>`, read with the client's own describe: the jurisdiction's zone, digestRunWorkflow
 * with `[{ planId }]`, overlap SKIP, a one-day catch-up window); pause, resume, trigger and delete show
 * there; a seconds-level calendar (every 15 s) fires a run that archives the month's issue
 * (`digest_issue`) and sends it to a confirmed subscriber.
 */
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { createPlanFixture, eventually, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const ZONE = 'America/Argentina/Cordoba';
const MONTHLY = { dayOfMonth: [{ start: 1 }], hour: [{ start: 9 }], minute: [{ start: 0 }] };
const EVERY_15_SECONDS = { second: [{ start: 0, end: 59, step: 15 }], minute: '*', hour: '*' };

describe('digest schedule API (dev server)', () => {
  let system: TestSystem;
  let db: DataSource;
  let fixture: PlanFixture;
  let imb: { Authorization: string };
  const http = () => system.http();
  const url = () => `/plans/${fixture.planId}/digest-schedule`;
  const scheduleId = () => `digest-${fixture.planId}`;
  const describeSchedule = () => system.temporal.schedule.getHandle(scheduleId()).describe();
  const etag = async () => (await http().get(url()).set(fixture.coordinator).expect(200)).headers.etag as string;

  beforeAll(async () => {
    system = await startTestSystem();
    db = system.api.get(DataSource);
    fixture = await createPlanFixture(system);
    const token = await http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(system.adminAuth).send({ role: 'imb', label: 'IMB' }).expect(201);
    imb = { Authorization: `Bearer ${token.body.token}` };
    await db.query(
      `INSERT INTO subscriber (plan_id, email, language, status, consent_source, consented_at, confirmed_at) VALUES ($1, $2, 'en', 'confirmed', 'import', now(), now())`,
      [fixture.planId, `reader-${fixture.planId.slice(0, 8)}@sub.example`],
    );
  });

  afterAll(async () => {
    await system?.temporal.schedule.getHandle(scheduleId()).delete().catch(() => undefined);
    await system?.close();
  });

  it('PUT creates digest-<planId> in the jurisdiction’s zone; GET shows the next five runs', async () => {
    const created = await http().put(url()).set(fixture.coordinator).send({ calendar: MONTHLY }).expect(201);
    expect(created.body).toMatchObject({ planId: fixture.planId, scheduleId: scheduleId(), timeZone: ZONE, paused: false, state: 'running', calendar: MONTHLY, warnings: [] });
    const described = await describeSchedule();
    expect(described.spec.timezone).toBe(ZONE);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'digestRunWorkflow', workflowId: scheduleId(), args: [{ planId: fixture.planId }] });
    expect(described.policies).toMatchObject({ overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 86_400_000 });
    expect(described.state.paused).toBe(false);

    const read = await http().get(url()).set(imb).expect(200);
    expect(read.body.nextRuns).toHaveLength(5);
    for (const run of read.body.nextRuns as { at: string; local: string; timeZone: string }[]) {
      expect(run.timeZone).toBe(ZONE);
      // The 1st at 09:00 in Córdoba (UTC-3, no daylight saving): 12:00 UTC.
      expect(run.local).toMatch(/^\d{4}-\d{2}-01T09:00:00-03:00$/);
      expect(new Date(run.at).getUTCHours()).toBe(12);
    }
    expect(read.headers.etag).toBe('"1"');
  });

  it('a second PUT needs If-Match; the IMB cannot write', async () => {
    await http().put(url()).set(fixture.coordinator).send({ calendar: MONTHLY }).expect(428);
    await http().put(url()).set(fixture.coordinator).set('If-Match', '"99"').send({ calendar: MONTHLY }).expect(412);
    await http().put(url()).set(imb).send({ calendar: MONTHLY }).expect(403);
    await http().post(`${url()}/pause`).set(imb).send({}).expect(403);
  });

  it('pause and resume show in Temporal', async () => {
    const paused = await http().post(`${url()}/pause`).set(fixture.coordinator).send({ note: 'Summer recess' }).expect(200);
    expect(paused.body).toMatchObject({ paused: true, state: 'paused', note: 'Summer recess', nextRuns: [] });
    expect((await describeSchedule()).state).toMatchObject({ paused: true, note: 'Summer recess' });
    const resumed = await http().post(`${url()}/resume`).set(fixture.coordinator).send({}).expect(200);
    expect(resumed.body).toMatchObject({ paused: false, state: 'running' });
    expect((await describeSchedule()).state.paused).toBe(false);
  });

  it('a calendar every 15 s fires a run that archives the issue and sends it to the confirmed subscriber; trigger starts another run', async () => {
    const changed = await http().put(url()).set(fixture.coordinator).set('If-Match', await etag()).send({ calendar: EVERY_15_SECONDS }).expect(200);
    expect(changed.body.nextRuns).toHaveLength(5);
    const fired = await eventually(describeSchedule, (d) => d.info.recentActions.length > 0, { timeoutMs: 40_000, description: 'a scheduled run' });
    expect(fired.info.recentActions[0].action.workflow.workflowId).toMatch(new RegExp(`^${scheduleId()}-`));
    const issues = await eventually(
      () => db.query(`SELECT month, language FROM digest_issue WHERE plan_id = $1`, [fixture.planId]) as Promise<{ month: string; language: string }[]>,
      (rows) => rows.length > 0,
      { timeoutMs: 40_000, description: 'the archived issue' },
    );
    const month = issues[0].month;
    expect(month).toMatch(/^\d{4}-\d{2}$/);
    const sent = await eventually(
      () => db.query(`SELECT to_address AS "to", status FROM outbox_message WHERE idempotency_key LIKE $1`, [`digest:${fixture.planId}:${month}:%`]) as Promise<{ to: string; status: string }[]>,
      (rows) => rows.some((r) => r.status === 'sent'),
      { timeoutMs: 40_000, description: 'the digest sent' },
    );
    expect(sent).toEqual([{ to: `reader-${fixture.planId.slice(0, 8)}@sub.example`, status: 'sent' }]);
    expect(system.mail.messages.some((m) => m.envelopeTo.includes(`reader-${fixture.planId.slice(0, 8)}@sub.example`))).toBe(true);

    // Paused, so only the trigger starts a run (and the month, already started, is not sent again).
    await http().post(`${url()}/pause`).set(fixture.coordinator).send({}).expect(200);
    const before = (await describeSchedule()).info.numActionsTaken;
    await http().post(`${url()}/trigger`).set(fixture.coordinator).expect(200);
    await eventually(describeSchedule, (d) => d.info.numActionsTaken > before, { timeoutMs: 20_000, description: 'the triggered run' });
    const copies: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM outbox_message WHERE idempotency_key LIKE $1`, [`digest:${fixture.planId}:${month}:%`]);
    expect(copies[0].n).toBe(1);
  });

  it('DELETE removes the settings and the schedule; a second DELETE is 404', async () => {
    const deleted = await http().delete(url()).set(fixture.coordinator).expect(200);
    expect(deleted.body).toEqual({ planId: fixture.planId, warnings: [] });
    await expect(describeSchedule()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await http().get(url()).set(fixture.coordinator).expect(404);
    await http().delete(url()).set(fixture.coordinator).expect(404);
  });

  it('closing the plan deletes the schedule; a draft plan’s settings reach Temporal only once it is active', async () => {
    const draft = await createPlanFixture(system, { status: 'draft' });
    const draftUrl = `/plans/${draft.planId}/digest-schedule`;
    await http().put(draftUrl).set(draft.coordinator).send({ calendar: MONTHLY }).expect(201);
    await expect(system.temporal.schedule.getHandle(`digest-${draft.planId}`).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    const planEtag = async () => (await http().get(`/plans/${draft.planId}`).set(draft.coordinator).expect(200)).headers.etag as string;
    const activated = await http().patch(`/plans/${draft.planId}`).set(draft.coordinator).set('If-Match', await planEtag()).send({ status: 'active' }).expect(200);
    expect(activated.body.warnings).toEqual([]);
    expect((await system.temporal.schedule.getHandle(`digest-${draft.planId}`).describe()).spec.timezone).toBe(ZONE);
    await http().patch(`/plans/${draft.planId}`).set(draft.coordinator).set('If-Match', await planEtag()).send({ status: 'closed' }).expect(200);
    await expect(system.temporal.schedule.getHandle(`digest-${draft.planId}`).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});
