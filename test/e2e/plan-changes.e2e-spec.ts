/**
 * Changes made through the API reach the milestone workflows on the Temporal server: activation
 * starts them, replanning re-arms their timers, cancelling and closing end them.
 */
import { createMilestone, createPlanFixture, eventually, PlanFixture, secondsPolicy } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

describe('plan changes reach the workflows', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });

  afterAll(async () => {
    await system?.close();
  });

  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

  const milestoneStatus = async (fixture: PlanFixture, id: string) => (await system.http().get(`/milestones/${id}`).set(fixture.coordinator).expect(200)).body;

  it('starts no workflow in a draft plan, and starts them all when the plan is activated', async () => {
    const fixture = await createPlanFixture(system, { status: 'draft' });
    const a = await createMilestone(system, fixture, 3600, 'Draft milestone A');
    const b = await createMilestone(system, fixture, 7200, 'Draft milestone B');
    expect(a.workflow.effect).toBe('none');
    await expect(system.temporal.workflow.getHandle(a.workflowId).describe()).rejects.toThrow();

    const plan = await system.http().get(`/plans/${fixture.planId}`).set(fixture.coordinator).expect(200);
    const activated = await system.http().patch(`/plans/${fixture.planId}`).set(fixture.coordinator).set('If-Match', plan.headers.etag).send({ status: 'active' }).expect(200);
    expect(activated.body).toMatchObject({ status: 'active', workflowsChanged: 2 });
    for (const m of [a, b]) expect((await system.temporal.workflow.getHandle(m.workflowId).describe()).status.name).toBe('RUNNING');
    const listed = await eventually(
      () => system.http().get(`/plans/${fixture.planId}/workflows`).set(fixture.coordinator),
      (r) => r.status === 200 && r.body.length === 2 && r.body.every((w: { milestoneStatus: string }) => w.milestoneStatus === 'open'),
    );
    expect(listed.body.map((w: { workflowId: string }) => w.workflowId).sort()).toEqual([a.workflowId, b.workflowId].sort());
    expect(listed.body[0]).toMatchObject({ status: 'RUNNING', agencyId: fixture.agencyId });

    const closed = await system.http().patch(`/plans/${fixture.planId}`).set(fixture.coordinator).set('If-Match', activated.headers.etag).send({ status: 'closed' }).expect(200);
    expect(closed.body.workflowsChanged).toBe(2);
    for (const m of [a, b]) {
      const state = await system.temporal.workflow.getHandle(m.workflowId).result();
      expect(state.status).toBe('cancelled');
    }
  });

  it('re-arms the timers when a milestone is replanned before its due date, so it does not become overdue', async () => {
    // Due in 8 s, requested at once: room to replan before the due date even on a loaded machine.
    const fixture = await createPlanFixture(system, { policy: secondsPolicy({ evidenceRequestLeadSeconds: 8, reminderIntervalSeconds: 600, maxReminders: 0 }) });
    const created = await createMilestone(system, fixture, 8, 'Replanned before the due date');
    await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail));
    const current = await eventually(() => milestoneStatus(fixture, created.id), (m) => m.status === 'evidence_requested');

    const newDue = inSeconds(120);
    const replanned = await system
      .http()
      .post(`/milestones/${created.id}/replan`)
      .set(fixture.coordinator)
      .set('If-Match', `"${current.version}"`)
      .send({ dueAt: newDue, reason: 'The platform vendor needs two more minutes' })
      .expect(200);
    expect(replanned.body.workflow).toMatchObject({ workflowId: created.workflowId, effect: 'signalled' });

    const handle = system.temporal.workflow.getHandle(created.workflowId);
    const state = await eventually(() => handle.query<{ dueAt: string; nextTimer: { purpose: string; at: string } | null }>('getMilestoneState'), (s) => s.nextTimer?.at === new Date(newDue).toISOString());
    expect(state.nextTimer).toEqual({ purpose: 'due_date', at: new Date(newDue).toISOString() });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, new Date(created.dueAt).getTime() - Date.now()) + 1500)); // past the original due date
    expect((await milestoneStatus(fixture, created.id)).status).toBe('evidence_requested');
    await handle.terminate('test finished');
  });

  it('stops all mail once a milestone is cancelled', async () => {
    const fixture = await createPlanFixture(system, { policy: secondsPolicy({ evidenceRequestLeadSeconds: 10, reminderIntervalSeconds: 1, maxReminders: 5 }) });
    const created = await createMilestone(system, fixture, 10, 'Cancelled while reminders run');
    await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail));
    const current = await eventually(() => milestoneStatus(fixture, created.id), (m) => m.status === 'evidence_requested');
    const cancelled = await system.http().post(`/milestones/${created.id}/cancel`).set(fixture.coordinator).set('If-Match', `"${current.version}"`).send({ reason: 'Merged into another milestone' }).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelledReason: 'Merged into another milestone', workflow: { effect: 'signalled' } });

    const finalState = await system.temporal.workflow.getHandle(created.workflowId).result();
    expect(finalState.status).toBe('cancelled');
    const sent = system.mail.to(fixture.agencyEmail).length;
    await new Promise((resolve) => setTimeout(resolve, 3000)); // three reminder intervals
    expect(system.mail.to(fixture.agencyEmail)).toHaveLength(sent);
    expect((await milestoneStatus(fixture, created.id)).status).toBe('cancelled');
  });
});
