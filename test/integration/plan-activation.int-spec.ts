/**
 * Issue #8, defect 2: activating and closing a plan leave no workflow running for a plan that is not
 * active. The status is committed first, then the milestones are handed over (idempotently); a
 * hand-over that fails after the commit is a warning, and the reconcile step housekeeping runs
 * finishes it. The API's Temporal client fails its signals on cue (as if Temporal went away halfway).
 */
import { Client, Connection, ServiceError } from '@temporalio/client';
import { SyncPlanWorkflows, SyncPlanWorkflowsCommand } from '../../libs/application/src';
import { TEMPORAL_CLIENT } from '../../libs/temporal/src';
import { createMilestone, createPlanFixture, eventually, workflowStarted } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

describe('plan activation and closing hand over after the commit', () => {
  let system: TestSystem;
  let connection: Connection;
  /** Signals from the `failFrom`-th on (0-based) fail as if Temporal were unreachable. */
  const cue = { calls: 0, failFrom: Infinity };

  beforeAll(async () => {
    connection = Connection.lazy({ address: process.env.TEST_TEMPORAL_ADDRESS! });
    const client = new Client({ connection, namespace: 'default' });
    const signalWithStart = client.workflow.signalWithStart.bind(client.workflow);
    client.workflow.signalWithStart = (async (...args: Parameters<typeof signalWithStart>) => {
      if (cue.calls++ >= cue.failFrom) throw new ServiceError('Failed to signalWithStart Workflow (the test cut Temporal off)');
      return signalWithStart(...args);
    }) as typeof signalWithStart;
    system = await startTestSystem({ overrideApi: (module) => module.overrideProvider(TEMPORAL_CLIENT).useValue(client) });
  });

  afterAll(async () => {
    await system?.close();
    await connection?.close();
  });

  const failSignals = (from: number) => Object.assign(cue, { calls: 0, failFrom: from });
  /** What housekeeping runs for each active or recently closed plan. */
  const reconcile = (planId: string) => system.api.get(SyncPlanWorkflows).execute(SyncPlanWorkflowsCommand.create({ planId, scope: 'missing' }));
  const runningMilestoneWorkflows = async (planId: string) => {
    const ids: string[] = [];
    for await (const w of system.temporal.workflow.list({ query: `OgpPlanId = "${planId}" AND WorkflowType = "milestoneWorkflow" AND ExecutionStatus = "Running"` })) ids.push(w.workflowId);
    return ids.sort();
  };
  const status = async (workflowId: string) => (await system.temporal.workflow.getHandle(workflowId).describe()).status.name;

  it('activates when the second signal fails: no workflow for a plan that is not active, and reconcile starts the rest; closing likewise ends them', async () => {
    const fixture = await createPlanFixture(system, { status: 'draft' });
    const a = await createMilestone(system, fixture, 3600, 'Handed over first');
    const b = await createMilestone(system, fixture, 7200, 'Handed over second');
    const plan = await system.http().get(`/plans/${fixture.planId}`).set(fixture.coordinator).expect(200);

    failSignals(1);
    const activated = await system.http().patch(`/plans/${fixture.planId}`).set(fixture.coordinator).set('If-Match', plan.headers.etag).send({ status: 'active' });
    const now = await system.http().get(`/plans/${fixture.planId}`).set(fixture.coordinator).expect(200);
    // The first signal started a workflow (it emails the agency): the plan must be active then.
    await workflowStarted(system, a.workflowId);
    expect({ planStatus: now.body.status, first: await status(a.workflowId) }).toEqual({ planStatus: 'active', first: 'RUNNING' });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ status: 'active', warnings: [{ field: 'status', message: expect.stringContaining(`POST /plans/${fixture.planId}/workflows/sync`) }] });
    await expect(system.temporal.workflow.getHandle(b.workflowId).describe()).rejects.toThrow();

    // Temporal is back: housekeeping's reconcile hands the missing milestone over; a second run changes nothing.
    failSignals(Infinity);
    const healed = await reconcile(fixture.planId);
    expect(healed).toMatchObject({ planStatus: 'active', cancelled: 0 });
    expect(healed.handedOver).toBeGreaterThanOrEqual(1);
    await workflowStarted(system, b.workflowId);
    expect(await status(b.workflowId)).toBe('RUNNING');
    await eventually(() => runningMilestoneWorkflows(fixture.planId), (ids) => ids.length === 2);
    expect(await reconcile(fixture.planId)).toEqual({ planId: fixture.planId, planStatus: 'active', handedOver: 0, cancelled: 0 });

    // Closing while Temporal is away: closed (read-only) at once, with a warning; the workflows still run.
    failSignals(0);
    const closed = await system.http().patch(`/plans/${fixture.planId}`).set(fixture.coordinator).set('If-Match', now.headers.etag).send({ status: 'closed' }).expect(200);
    expect(closed.body).toMatchObject({ status: 'closed', workflowsChanged: 0, warnings: [{ field: 'status', message: expect.stringContaining('could not be told to end') }] });
    expect(await status(a.workflowId)).toBe('RUNNING');

    // Back again: reconcile cancels every running milestone workflow of the closed plan.
    failSignals(Infinity);
    expect(await reconcile(fixture.planId)).toMatchObject({ planStatus: 'closed', handedOver: 0, cancelled: 2 });
    for (const m of [a, b]) expect((await system.temporal.workflow.getHandle(m.workflowId).result()).status).toBe('cancelled');
  });
});
