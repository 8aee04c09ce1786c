/**
 * With Temporal out of reach, a change that must reach a workflow is refused with a 503 and leaves
 * nothing behind: no milestone nobody follows, no due date the workflow never heard of. Activation
 * commits first and hands over afterwards: the plan is active with a warning, and housekeeping (or
 * POST /plans/{id}/workflows/sync) hands its milestones over once Temporal is back
 * (plan-activation.int-spec.ts). The API runs against the shared database and an address nobody listens on.
 */
import { DataSource } from 'typeorm';
import { MilestoneEntity, MilestoneReplanningEntity } from '../../libs/persistence/src';
import { createPlanFixture, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

describe('when Temporal cannot be reached', () => {
  let system: TestSystem;
  let db: DataSource;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false, config: { temporal: { address: '127.0.0.1:9', namespace: 'default', taskQueue: 'nobody-polls', signalTimeoutSeconds: 1 } } });
    db = system.api.get(DataSource);
  });

  afterAll(async () => {
    await system?.close();
  });

  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const expectUnavailable = (response: { status: number; headers: Record<string, string>; body: { detail: string } }) => {
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.detail).toContain('nothing was saved');
  };

  /** A draft plan's milestone (no workflow needed), in a plan then made active behind the API's back, as if Temporal had gone down since. */
  async function activeMilestone(): Promise<{ fixture: PlanFixture; milestone: MilestoneEntity }> {
    const fixture = await createPlanFixture(system, { status: 'draft' });
    const created = await system.http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).send({ title: 'Portal launched', startAt: inDays(1), dueAt: inDays(30), responsibleAgencyId: fixture.agencyId }).expect(201);
    expect(created.body.workflow.effect).toBe('none');
    await db.query(`UPDATE action_plan SET status = 'active' WHERE id = $1`, [fixture.planId]);
    return { fixture, milestone: await db.getRepository(MilestoneEntity).findOneByOrFail({ id: created.body.id }) };
  }

  it('refuses a new milestone of an active plan and keeps no row of it', async () => {
    const fixture = await createPlanFixture(system);
    const refused = await system.http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).send({ title: 'Never followed', startAt: inDays(1), dueAt: inDays(30), responsibleAgencyId: fixture.agencyId });
    expectUnavailable(refused);
    const listed = await system.http().get(`/plans/${fixture.planId}/milestones`).set(fixture.coordinator).expect(200);
    expect(listed.body.total).toBe(0);
    const audit = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/audit-events`).set(fixture.coordinator).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action).slice(0, 2)).toEqual(['milestone.creation_rolled_back', 'milestone.created']);
  });

  // Issue #8, defect 2: activation used to signal inside the plan's transaction and answer 503 (draft kept).
  it('activates a plan whose workflows cannot be started yet, saying housekeeping will hand them over', async () => {
    const fixture = await createPlanFixture(system, { status: 'draft' });
    await system.http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).send({ title: 'Waiting for activation', startAt: inDays(1), dueAt: inDays(30), responsibleAgencyId: fixture.agencyId }).expect(201);
    const plan = await system.http().get(`/plans/${fixture.planId}`).set(fixture.coordinator).expect(200);
    const activated = await system.http().patch(`/plans/${fixture.planId}`).set(fixture.coordinator).set('If-Match', plan.headers.etag).send({ status: 'active' }).expect(200);
    expect(activated.body).toMatchObject({ status: 'active', workflowsChanged: 0, warnings: [{ field: 'status', message: expect.stringContaining('Housekeeping hands them over') }] });
    expect(activated.body.warnings[0].message).toContain(`POST /plans/${fixture.planId}/workflows/sync`);
    const after = await system.http().get(`/plans/${fixture.planId}`).set(fixture.coordinator).expect(200);
    expect(after.body.status).toBe('active');
  });

  it('keeps the due date when the replanning cannot reach the workflow, and the milestone when the cancellation cannot', async () => {
    const { fixture, milestone } = await activeMilestone();
    const etag = `"${milestone.version}"`;
    expectUnavailable(await system.http().post(`/milestones/${milestone.id}/replan`).set(fixture.coordinator).set('If-Match', etag).send({ dueAt: inDays(60), reason: 'Vendor delay' }));
    expectUnavailable(await system.http().post(`/milestones/${milestone.id}/cancel`).set(fixture.coordinator).set('If-Match', etag).send({ reason: 'Dropped' }));
    expectUnavailable(await system.http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).set('If-Match', (await system.http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator)).headers.etag).send({ status: 'cancelled' }));

    const after = await db.getRepository(MilestoneEntity).findOneByOrFail({ id: milestone.id });
    expect({ dueAt: after.dueAt, status: after.status, version: after.version }).toEqual({ dueAt: milestone.dueAt, status: milestone.status, version: milestone.version });
    expect(await db.getRepository(MilestoneReplanningEntity).countBy({ milestoneId: milestone.id })).toBe(0);
    const commitment = await system.http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).expect(200);
    expect(commitment.body.status).toBe('active');
  });

  it('keeps the due date when a CSV import would replan a milestone', async () => {
    const { fixture, milestone } = await activeMilestone();
    await db.query(`UPDATE commitment SET external_id = 'C1' WHERE id = $1`, [fixture.commitmentId]);
    await db.query(`UPDATE milestone SET external_id = 'C1.1' WHERE id = $1`, [milestone.id]);
    const csv = [
      'commitment_external_id,external_id,title,expected_output,start_date,due_date,responsible_agency,weight,verifiable,completion',
      `C1,C1.1,Portal launched,,${inDays(1).slice(0, 10)},${inDays(60).slice(0, 10)},Secretariat of Modernization and Proximity,,yes,`,
    ].join('\n');
    expectUnavailable(await system.http().post(`/plans/${fixture.planId}/milestones/import`).set(fixture.coordinator).set('content-type', 'text/csv').send(csv));
    const after = await db.getRepository(MilestoneEntity).findOneByOrFail({ id: milestone.id });
    expect(after.dueAt).toEqual(milestone.dueAt);
    expect(await db.getRepository(MilestoneReplanningEntity).countBy({ milestoneId: milestone.id })).toBe(0);

    // A new milestone is committed before its hand-over: the answer says how to finish it later.
    const added = [csv.split('\n')[0], `C1,C1.2,Open data published,,${inDays(1).slice(0, 10)},${inDays(40).slice(0, 10)},Secretariat of Modernization and Proximity,,yes,`].join('\n');
    const saved = await system.http().post(`/plans/${fixture.planId}/milestones/import`).set(fixture.coordinator).set('content-type', 'text/csv').send(added).expect(503);
    expect(saved.body.detail).toContain(`POST /plans/${fixture.planId}/workflows/sync`);
    expect(await db.getRepository(MilestoneEntity).countBy({ externalId: 'C1.2', commitmentId: fixture.commitmentId })).toBe(1);
  });
});
