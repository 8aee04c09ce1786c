/**
 * The Rosario demo of `npm start` (infra/demo) with the real API, worker and SMTP server: its plan
 * gets a Dialogue Board schedule whose first meeting is minutes away, so invitations (METHOD:REQUEST)
 * reach the board members soon after loading; its imported subscribers (two languages) get the digest
 * from a schedule whose first run is at most five minutes away.
 */
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { DialogueBoardSchedules, DigestSchedules } from '../../libs/temporal/src';
import { loadDemoPlan } from '../../infra/demo/load-demo-plan';
import { DEMO_SUBSCRIBERS } from '../../infra/demo/rosario-plan';
import { eventually } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

describe('Rosario demo check-ins', () => {
  let system: TestSystem;
  let planId: string | undefined;

  beforeAll(async () => {
    system = await startTestSystem();
  });

  afterAll(async () => {
    if (planId) await system.api.get(DialogueBoardSchedules).delete(planId).catch(() => undefined);
    if (planId) await system.api.get(DigestSchedules).delete(planId).catch(() => undefined);
    await system?.close();
  });

  it('has a check-in schedule whose first invitations arrive within about a minute', async () => {
    const { port } = system.api.getHttpServer().address() as AddressInfo;
    const loaded = await loadDemoPlan(`http://127.0.0.1:${port}`, system.config.adminToken);
    expect(loaded.loaded).toBe(true);
    const plans = await system.http().get('/plans').set({ Authorization: `Bearer ${loaded.tokens!.coordinator}` }).expect(200);
    planId = (Array.isArray(plans.body) ? plans.body : plans.body.items)[0].id as string;
    const schedule = await system.api.get(DialogueBoardSchedules).describe(planId!);
    expect(schedule).toMatchObject({ paused: false });
    expect(schedule!.nextMeetings[0].getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const invitation = await eventually(
      async () => system.mail.messages.find((m) => m.envelopeTo.includes('board1@demo.rosario.example') && m.parsed.attachments.some((a) => /text\/calendar/i.test(a.contentType))),
      (m) => m !== undefined,
      { timeoutMs: 100_000, everyMs: 1_000, description: 'the first invitation to a board member' },
    );
    expect(invitation!.parsed.attachments.find((a) => /text\/calendar/i.test(a.contentType))!.content.toString('utf8')).toContain('METHOD:REQUEST');
  }, 180_000);

  it('has subscribers in two languages and a digest schedule whose first run is minutes away; a run sends them the digest', async () => {
    expect(planId).toBeDefined();
    const subscribers: { email: string; language: string; status: string }[] = await system.api.get(DataSource).query(`SELECT email, language, status FROM subscriber WHERE plan_id = $1 ORDER BY email`, [planId]);
    expect(subscribers).toEqual(DEMO_SUBSCRIBERS.map((s) => ({ email: s.email, language: s.language, status: 'confirmed' })).sort((a, b) => a.email.localeCompare(b.email)));
    const schedule = await system.api.get(DigestSchedules).describe(planId!);
    expect(schedule).toMatchObject({ paused: false });
    expect(schedule!.nextRuns[0].getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    // Not waiting up to five minutes here: a run now, as the schedule's would be.
    await system.api.get(DigestSchedules).trigger(planId!);
    const sent = await eventually(
      async () => (await system.api.get(DataSource).query(`SELECT to_address AS "to" FROM outbox_message WHERE idempotency_key LIKE $1 AND status = 'sent'`, [`digest:${planId}:%`])) as { to: string }[],
      (rows) => rows.length === DEMO_SUBSCRIBERS.length,
      { timeoutMs: 60_000, everyMs: 1_000, description: 'the digest sent to every subscriber' },
    );
    expect(sent.map((r) => r.to).sort()).toEqual(DEMO_SUBSCRIBERS.map((s) => s.email).sort());
    for (const email of ['vecina.centro@demo.rosario.example', 'researcher@demo.rosario.example']) expect(system.mail.messages.some((m) => m.envelopeTo.includes(email))).toBe(true);
  }, 120_000);
});
