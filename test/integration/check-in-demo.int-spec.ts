/**
 * The Rosario demo of `npm start` (infra/demo) with the real API, worker and SMTP server: its plan
 * gets a Dialogue Board schedule whose first meeting is minutes away, so invitations (METHOD:REQUEST)
 * reach the board members soon after loading.
 */
import type { AddressInfo } from 'node:net';
import { DialogueBoardSchedules } from '../../libs/temporal/src';
import { loadDemoPlan } from '../../infra/demo/load-demo-plan';
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
});
