/**
 * The commitment workflow and its milestone children on the real dev server, with recorded fake
 * activities: messages sent before any worker runs are carried in order, milestone workflows from
 * before commitment workflows existed are attached, and the commitment closes when its milestones have.
 */
import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { MilestoneStatus, resolvePolicy } from '../../libs/domain/src';
import { commitmentWorkflow, milestoneWorkflow } from '../../workflows/src';
import {
  cancelMilestoneSignal,
  COMMITMENT_STATUS_ATTRIBUTE,
  commitmentWorkflowId,
  FollowMilestoneInput,
  followMilestoneSignal,
  getCommitmentStateQuery,
  getMilestoneStateQuery,
  milestoneWorkflowId,
  PLAN_ID_ATTRIBUTE,
  replanMilestoneSignal,
  resolveEscalationUpdate,
} from '../../workflows/src/messages';
import { ActivityCall } from '../support/fake-milestone-activities';
import { eventually } from '../support/fixtures';
import { startWorkflowTestEnv, WorkflowTestEnv } from '../support/workflow-test-env';

describe('commitmentWorkflow', () => {
  let env: WorkflowTestEnv;
  let client: Client;

  beforeAll(async () => {
    env = await startWorkflowTestEnv();
    client = env.client;
  });

  afterAll(async () => {
    await env?.close();
  });

  // Messages are sent before any worker polls: a test picks its task queue first, then runs a worker on it.
  const newTaskQueue = () => `commitment-${randomUUID()}`;
  const runWorker = <T>(taskQueue: string, calls: ActivityCall[], run: () => Promise<T>): Promise<T> => env.withWorker(calls, run, taskQueue);
  const commitment = () => ({ commitmentId: randomUUID(), planId: randomUUID(), leadAgencyId: randomUUID() });
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  const milestone = (dueInSeconds: number, policy: Parameters<typeof resolvePolicy>[0] = { evidenceRequestLeadSeconds: 3600, reminderIntervalSeconds: 3600 }): FollowMilestoneInput => ({
    milestoneId: randomUUID(),
    startAt: inSeconds(0),
    dueAt: inSeconds(dueInSeconds),
    status: MilestoneStatus.NotStarted,
    responsibleAgencyId: randomUUID(),
    policy: resolvePolicy(policy),
  });

  it('carries messages sent before any worker ran to the milestone workflows, in order, and closes when they have', async () => {
    const taskQueue = newTaskQueue();
    const input = commitment();
    const [a, b] = [milestone(3600), milestone(7200)];
    const workflowId = commitmentWorkflowId(input.commitmentId);
    // As the API does: every message is a signal-with-start; no worker polls this task queue yet.
    const send = <T>(signal: Parameters<typeof client.workflow.signalWithStart>[1]['signal'], payload: T) =>
      client.workflow.signalWithStart(commitmentWorkflow, { workflowId, taskQueue, args: [input], signal, signalArgs: [payload] as never });
    await send(followMilestoneSignal, a);
    await send(followMilestoneSignal, b);
    const newDue = inSeconds(9000);
    await send(replanMilestoneSignal, { milestoneId: a.milestoneId, replanningId: 'replanning-1', dueAt: newDue, reason: 'Budget approved late' });
    await send(followMilestoneSignal, a); // a retried API call
    expect(await client.workflow.getHandle(milestoneWorkflowId(a.milestoneId)).describe().catch(() => null)).toBeNull();

    const calls: ActivityCall[] = [];
    await runWorker(taskQueue, calls, async () => {
      const handle = client.workflow.getHandle<typeof commitmentWorkflow>(workflowId);
      const state = await eventually(() => handle.query(getCommitmentStateQuery), (s) => s.pending === 0 && s.milestones.length === 2);
      expect(state.milestones.map((m) => [m.milestoneId, m.state, m.adopted])).toEqual([
        [a.milestoneId, 'running', false],
        [b.milestoneId, 'running', false],
      ]);
      expect(state.milestones[0].dueAt).toBe(newDue);
      expect(state.history.map((h) => h.event)).toEqual(['milestone_started', 'milestone_started', 'replan_delivered']);

      const child = client.workflow.getHandle(milestoneWorkflowId(a.milestoneId));
      const description = await child.describe();
      expect(description.parentExecution?.workflowId).toBe(workflowId);
      expect(description.typedSearchAttributes.get(PLAN_ID_ATTRIBUTE)).toBe(input.planId);
      const childState = await child.query(getMilestoneStateQuery);
      expect(childState).toMatchObject({ dueAt: newDue, appliedReplannings: ['replanning-1'] });

      await send(cancelMilestoneSignal, { milestoneId: a.milestoneId, reason: 'Merged' });
      await send(cancelMilestoneSignal, { milestoneId: b.milestoneId, reason: 'Merged' });
      const final = await handle.result();
      expect(final.status).toBe('closed');
      expect(final.milestones.map((m) => [m.state, m.outcome])).toEqual([
        ['closed', MilestoneStatus.Cancelled],
        ['closed', MilestoneStatus.Cancelled],
      ]);
      expect((await handle.describe()).typedSearchAttributes.get(COMMITMENT_STATUS_ATTRIBUTE)).toBe('closed');
      expect((await child.result()).status).toBe(MilestoneStatus.Cancelled);
    });
    // Only one milestone workflow per milestone, though `follow` came twice.
    expect(calls.filter((c) => c.name === 'setMilestoneStatus' && (c.input as { status: string }).status === MilestoneStatus.Open)).toHaveLength(2);
  });

  it('attaches to a milestone workflow started on its own (by an earlier release) and learns when it ends', async () => {
    const taskQueue = newTaskQueue();
    const input = commitment();
    const old = milestone(3600);
    const ended = milestone(3600);
    const neverFollowed = milestone(3600);
    await runWorker(taskQueue, [], async () => {
      // As the previous release did: milestone workflows without a commitment workflow.
      const standalone = await client.workflow.start(milestoneWorkflow, { workflowId: milestoneWorkflowId(old.milestoneId), taskQueue, args: [{ milestoneId: old.milestoneId, startAt: old.startAt, dueAt: old.dueAt, policy: old.policy }] });
      const gone = await client.workflow.start(milestoneWorkflow, { workflowId: milestoneWorkflowId(ended.milestoneId), taskQueue, args: [{ milestoneId: ended.milestoneId, startAt: ended.startAt, dueAt: ended.dueAt, policy: ended.policy }] });
      await gone.signal('cancel', { reason: 'Ended before the upgrade' });
      await gone.result();
      const unknown = await client.workflow.start(milestoneWorkflow, { workflowId: milestoneWorkflowId(neverFollowed.milestoneId), taskQueue, args: [{ milestoneId: neverFollowed.milestoneId, startAt: neverFollowed.startAt, dueAt: neverFollowed.dueAt, policy: neverFollowed.policy }] });

      const workflowId = commitmentWorkflowId(input.commitmentId);
      await client.workflow.signalWithStart(commitmentWorkflow, { workflowId, taskQueue, args: [input], signal: followMilestoneSignal, signalArgs: [old] });
      await client.workflow.signalWithStart(commitmentWorkflow, { workflowId, taskQueue, args: [input], signal: replanMilestoneSignal, signalArgs: [{ milestoneId: ended.milestoneId, replanningId: 'r-late', dueAt: inSeconds(7200), reason: 'Too late' }] });
      const handle = client.workflow.getHandle<typeof commitmentWorkflow>(workflowId);
      const state = await eventually(() => handle.query(getCommitmentStateQuery), (s) => s.pending === 0 && s.milestones.length === 2);
      expect(state.milestones.map((m) => [m.milestoneId, m.state, m.adopted])).toEqual([
        [old.milestoneId, 'running', true],
        [ended.milestoneId, 'closed', true],
      ]);
      expect(state.history.map((h) => h.event)).toEqual(['milestone_attached', 'milestone_already_closed', 'replan_not_delivered']);

      // A cancellation is the first the commitment workflow hears of this running one: attached, then cancelled.
      await client.workflow.signalWithStart(commitmentWorkflow, { workflowId, taskQueue, args: [input], signal: cancelMilestoneSignal, signalArgs: [{ milestoneId: neverFollowed.milestoneId, reason: 'Dropped' }] });
      expect((await unknown.result()).status).toBe(MilestoneStatus.Cancelled);
      await client.workflow.signalWithStart(commitmentWorkflow, { workflowId, taskQueue, args: [input], signal: cancelMilestoneSignal, signalArgs: [{ milestoneId: old.milestoneId, reason: 'Dropped' }] });
      expect((await standalone.result()).status).toBe(MilestoneStatus.Cancelled);
      const final = await handle.result();
      expect(final.status).toBe('closed');
      expect(final.milestones.map((m) => [m.milestoneId, m.state, m.outcome])).toEqual([
        [old.milestoneId, 'closed', MilestoneStatus.Cancelled],
        [ended.milestoneId, 'closed', null],
        [neverFollowed.milestoneId, 'closed', MilestoneStatus.Cancelled],
      ]);
    });
  });

  it('closes a milestone without evidence when the IMB resolves its escalation, unless asked to keep it open', async () => {
    const taskQueue = newTaskQueue();
    const input = commitment();
    const policy = { evidenceRequestLeadSeconds: 1, reminderIntervalSeconds: 3600, maxReminders: 0, escalationGraceSeconds: 0, secondLevelEscalationSeconds: 3600 };
    const [kept, closed] = [milestone(1, policy), milestone(1, policy)];
    const calls: ActivityCall[] = [];
    await runWorker(taskQueue, calls, async () => {
      const workflowId = commitmentWorkflowId(input.commitmentId);
      for (const m of [kept, closed]) await client.workflow.signalWithStart(commitmentWorkflow, { workflowId, taskQueue, args: [input], signal: followMilestoneSignal, signalArgs: [m] });
      const escalated = async (m: FollowMilestoneInput) => {
        const handle = client.workflow.getHandle(milestoneWorkflowId(m.milestoneId));
        const state = await eventually(
          () => handle.query(getMilestoneStateQuery).catch(() => null),
          (s) => s?.escalation?.status === 'open',
        );
        return { handle, escalationId: state!.escalation!.id };
      };

      const first = await escalated(kept);
      const keptResult = await first.handle.executeUpdate(resolveEscalationUpdate, { args: [{ escalationId: first.escalationId, by: 'imb', text: 'Replanned with the agency', keepMilestoneOpen: true }] });
      expect(keptResult.status).toBe(MilestoneStatus.Overdue);
      expect(await first.handle.query(getMilestoneStateQuery)).toMatchObject({ status: MilestoneStatus.Overdue, openEvidenceRequestId: 'request-1', escalation: { status: 'resolved' } });

      const second = await escalated(closed);
      const closedResult = await second.handle.executeUpdate(resolveEscalationUpdate, { args: [{ escalationId: second.escalationId, by: 'imb', text: 'The agency dropped the output' }] });
      expect(closedResult.status).toBe(MilestoneStatus.ClosedWithoutEvidence);
      const final = await second.handle.result();
      expect(final).toMatchObject({ status: MilestoneStatus.ClosedWithoutEvidence, openEvidenceRequestId: null });
      expect(final.history.at(-1)).toMatchObject({ event: 'closed_without_evidence', detail: { escalationId: second.escalationId, by: 'imb' } });
      expect(calls.filter((c) => c.name === 'closeMilestoneWithoutEvidence').map((c) => c.input)).toEqual([
        { milestoneId: closed.milestoneId, escalationId: second.escalationId, by: 'imb', reason: 'The agency dropped the output' },
      ]);

      const commitmentState = await eventually(
        () => client.workflow.getHandle(workflowId).query(getCommitmentStateQuery),
        (s) => s.milestones.some((m) => m.state === 'closed'),
      );
      expect(commitmentState.status).toBe('active'); // the other milestone is still followed
      expect(commitmentState.milestones.find((m) => m.milestoneId === closed.milestoneId)).toMatchObject({ state: 'closed', outcome: MilestoneStatus.ClosedWithoutEvidence });
      await first.handle.terminate('test finished');
      await client.workflow.getHandle(workflowId).terminate('test finished');
    });
  });
});
