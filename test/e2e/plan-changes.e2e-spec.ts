/**
 * Changes made through the API reach the workflows on the Temporal server: activation starts a
 * workflow per commitment, which starts one per milestone; replanning re-arms their timers;
 * cancelling a milestone, cancelling a commitment and closing the plan end them.
 */
import { DataSource } from 'typeorm';
import { createMilestone, createPlanFixture, eventually, PlanFixture, secondsPolicy, workflowStarted } from '../support/fixtures';
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
    const none = await system.http().get(`/commitments/${fixture.commitmentId}/workflow`).set(fixture.coordinator).expect(404);
    expect(none.body.detail).toContain('no workflow (yet)');

    const plan = await system.http().get(`/plans/${fixture.planId}`).set(fixture.coordinator).expect(200);
    const activated = await system.http().patch(`/plans/${fixture.planId}`).set(fixture.coordinator).set('If-Match', plan.headers.etag).send({ status: 'active' }).expect(200);
    expect(activated.body).toMatchObject({ status: 'active', workflowsChanged: 2 });
    for (const m of [a, b]) await workflowStarted(system, m.workflowId);
    for (const m of [a, b]) {
      const description = await system.temporal.workflow.getHandle(m.workflowId).describe();
      expect(description.status.name).toBe('RUNNING');
      expect(description.parentExecution?.workflowId).toBe(`commitment-${fixture.commitmentId}`);
    }
    const listed = await eventually(
      () => system.http().get(`/plans/${fixture.planId}/workflows`).query({ type: 'milestone' }).set(fixture.coordinator),
      (r) => r.status === 200 && r.body.length === 2 && r.body.every((w: { milestoneStatus: string }) => w.milestoneStatus === 'open'),
    );
    expect(listed.body.map((w: { workflowId: string }) => w.workflowId).sort()).toEqual([a.workflowId, b.workflowId].sort());
    expect(listed.body[0]).toMatchObject({ type: 'milestone', status: 'RUNNING', agencyId: fixture.agencyId, commitmentId: fixture.commitmentId, commitmentStatus: null });
    const commitments = await eventually(
      () => system.http().get(`/plans/${fixture.planId}/workflows`).query({ type: 'commitment' }).set(fixture.coordinator),
      (r) => r.status === 200 && r.body.length === 1 && r.body[0].dueAt === a.dueAt,
    );
    // The commitment's workflow is searchable by plan, commitment, lead agency, status and its earliest open due date.
    expect(commitments.body).toEqual([
      { workflowId: `commitment-${fixture.commitmentId}`, type: 'commitment', status: 'RUNNING', commitmentId: fixture.commitmentId, milestoneStatus: null, commitmentStatus: 'active', dueAt: a.dueAt, agencyId: fixture.agencyId },
    ]);

    const followed = await system.http().get(`/commitments/${fixture.commitmentId}/workflow`).set(fixture.coordinator).expect(200);
    expect(followed.body).toMatchObject({ commitmentId: fixture.commitmentId, status: 'active', pending: 0 });
    expect(followed.body.milestones.map((m: { workflowId: string; state: string }) => [m.workflowId, m.state]).sort()).toEqual([[a.workflowId, 'running'], [b.workflowId, 'running']].sort());

    const closed = await system.http().patch(`/plans/${fixture.planId}`).set(fixture.coordinator).set('If-Match', activated.headers.etag).send({ status: 'closed' }).expect(200);
    expect(closed.body.workflowsChanged).toBe(2);
    for (const m of [a, b]) {
      const state = await system.temporal.workflow.getHandle(m.workflowId).result();
      expect(state.status).toBe('cancelled');
    }
    // Once both milestones have ended, so has the commitment's workflow.
    const commitment = await system.temporal.workflow.getHandle(`commitment-${fixture.commitmentId}`).result();
    expect(commitment.status).toBe('closed');
    expect(commitment.milestones.map((m: { milestoneId: string; state: string; outcome: string }) => [m.milestoneId, m.state, m.outcome]).sort()).toEqual(
      [[a.id, 'closed', 'cancelled'], [b.id, 'closed', 'cancelled']].sort(),
    );
    const after = await eventually(
      () => system.http().get(`/plans/${fixture.planId}/workflows`).query({ type: 'commitment' }).set(fixture.coordinator),
      (r) => r.body[0]?.commitmentStatus === 'closed',
    );
    expect(after.body[0]).toMatchObject({ status: 'COMPLETED', commitmentStatus: 'closed' });
  });

  it('hands the followed milestones over again on request, once each, when an earlier hand-over was lost', async () => {
    const fixture = await createPlanFixture(system, { status: 'draft' });
    const a = await createMilestone(system, fixture, 3600, 'Lost hand-over A');
    const b = await createMilestone(system, fixture, 7200, 'Lost hand-over B');
    // As if activation had committed but its signals never reached Temporal.
    await system.api.get(DataSource).query(`UPDATE action_plan SET status = 'active' WHERE id = $1`, [fixture.planId]);
    await expect(system.temporal.workflow.getHandle(a.workflowId).describe()).rejects.toThrow();

    for (let i = 0; i < 2; i++) {
      const synced = await system.http().post(`/plans/${fixture.planId}/workflows/sync`).set(fixture.coordinator).expect(200);
      expect(synced.body).toEqual({ planId: fixture.planId, milestonesHandedOver: 2 });
    }
    for (const m of [a, b]) await workflowStarted(system, m.workflowId);
    const state = await eventually(
      () => system.http().get(`/commitments/${fixture.commitmentId}/workflow`).set(fixture.coordinator),
      (r) => r.status === 200 && r.body.pending === 0 && r.body.milestones.length === 2,
    );
    expect(state.body.history.map((h: { event: string }) => h.event)).toEqual(['milestone_started', 'milestone_started']); // the second sync changed nothing
    for (const m of [a, b]) await system.temporal.workflow.getHandle(m.workflowId).terminate('test finished');
  });

  it('carries a replanning sent right after the milestone was added to its workflow, in order', async () => {
    const fixture = await createPlanFixture(system);
    const dueAt = inSeconds(3600);
    // Straight through the API, without waiting for the milestone's workflow to exist.
    const created = await system
      .http()
      .post(`/commitments/${fixture.commitmentId}/milestones`)
      .set(fixture.coordinator)
      .send({ title: 'Replanned at once', startAt: inSeconds(0), dueAt, responsibleAgencyId: fixture.agencyId })
      .expect(201);
    const newDue = inSeconds(7200);
    const replanned = await system
      .http()
      .post(`/milestones/${created.body.id}/replan`)
      .set(fixture.coordinator)
      .set('If-Match', `"${created.body.version}"`)
      .send({ dueAt: newDue, reason: 'Budget approved late' })
      .expect(200);
    expect(replanned.body.workflow).toEqual({ workflowId: `milestone-${created.body.id}`, commitmentWorkflowId: `commitment-${fixture.commitmentId}`, effect: 'signalled' });

    await workflowStarted(system, created.body.workflowId);
    const handle = system.temporal.workflow.getHandle(created.body.workflowId);
    const state = await eventually(() => handle.query<{ dueAt: string; appliedReplannings: string[] }>('getMilestoneState'), (s) => s.appliedReplannings.length === 1);
    expect(state.dueAt).toBe(new Date(newDue).toISOString());
    await handle.terminate('test finished');
  });

  it('cancels the milestones of a cancelled commitment and ends their workflows and the commitment’s', async () => {
    const fixture = await createPlanFixture(system, { policy: secondsPolicy({ evidenceRequestLeadSeconds: 3600, reminderIntervalSeconds: 600 }) });
    const a = await createMilestone(system, fixture, 7200, 'First milestone of a dropped commitment');
    const b = await createMilestone(system, fixture, 9000, 'Second milestone of a dropped commitment');
    const commitment = await system.http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).expect(200);
    await system.http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).set('If-Match', commitment.headers.etag).send({ status: 'cancelled' }).expect(200);

    for (const m of [a, b]) {
      const body = await milestoneStatus(fixture, m.id);
      expect(body).toMatchObject({ status: 'cancelled', cancelledReason: 'The commitment was cancelled' });
      expect((await system.temporal.workflow.getHandle(m.workflowId).result()).status).toBe('cancelled');
    }
    const final = await system.temporal.workflow.getHandle(`commitment-${fixture.commitmentId}`).result();
    expect(final).toMatchObject({ status: 'closed', pending: 0 });
    const events = final.history.map((h: { event: string }) => h.event);
    expect(events.slice(0, 2)).toEqual(['milestone_started', 'milestone_started']);
    expect(events.slice(2, -1).sort()).toEqual(['cancel_delivered', 'cancel_delivered', 'milestone_closed', 'milestone_closed']);
    expect(events.at(-1)).toBe('closed');
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
