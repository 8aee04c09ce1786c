/**
 * The milestone workflow alone, on the real dev server, with recorded fake activities: its timers,
 * its messages and its state, without a database or mail.
 */
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { CompletionLevel, MilestoneStatus, resolvePolicy } from '../../libs/domain/src';
import { acknowledgeEscalationUpdate, getMilestoneStateQuery, milestoneWorkflowId, resolveEscalationUpdate, reviewEvidenceUpdate, submitEvidenceUpdate } from '../../workflows/src/messages';
import { ActivityCall as Call, fakeMilestoneActivities } from '../support/fake-milestone-activities';
import { startWorkflowTestEnv, WorkflowTestEnv } from '../support/workflow-test-env';
import { milestoneWorkflow } from '../../workflows/src';

describe('milestoneWorkflow', () => {
  let env: WorkflowTestEnv;
  let client: Client;
  const withWorker: WorkflowTestEnv['withWorker'] = (calls, run) => env.withWorker(calls, run);

  beforeAll(async () => {
    env = await startWorkflowTestEnv();
    client = env.client;
  });

  afterAll(async () => {
    await env?.close();
  });

  const input = (startInSeconds: number, dueInSeconds: number, policy: Parameters<typeof resolvePolicy>[0]) => {
    const milestoneId = randomUUID();
    const now = Date.now();
    return {
      milestoneId,
      workflowId: milestoneWorkflowId(milestoneId),
      args: [{ milestoneId, startAt: new Date(now + startInSeconds * 1000).toISOString(), dueAt: new Date(now + dueInSeconds * 1000).toISOString(), policy: resolvePolicy(policy) }] as const,
    };
  };

  it('takes one of two evidence submissions sent at once and refuses the other in its validator', async () => {
    const calls: Call[] = [];
    await withWorker(calls, async (taskQueue) => {
      const { workflowId, args } = input(0, 30, { evidenceRequestLeadSeconds: 30, reminderIntervalSeconds: 60 });
      const handle = await client.workflow.start(milestoneWorkflow, { workflowId, taskQueue, args: [...args] });
      await waitFor(async () => (await handle.query(getMilestoneStateQuery)).openEvidenceRequestId === 'request-1');

      const results = await Promise.allSettled([
        handle.executeUpdate(submitEvidenceUpdate, { args: [{ evidenceId: 'e-1', evidenceRequestId: 'request-1' }] }),
        handle.executeUpdate(submitEvidenceUpdate, { args: [{ evidenceId: 'e-2', evidenceRequestId: 'request-1' }] }),
      ]);
      const accepted = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(accepted).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0].reason).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(refused[0].reason.cause.message).toBe('Evidence for this request has already been submitted');

      expect((await handle.query(getMilestoneStateQuery)).status).toBe(MilestoneStatus.UnderReview);
      expect(calls.filter((c) => c.name === 'recordEvidenceReceived')).toHaveLength(1);
      const acceptedId = results[0].status === 'fulfilled' ? 'e-1' : 'e-2';
      await expect(handle.executeUpdate(reviewEvidenceUpdate, { args: [{ evidenceId: acceptedId === 'e-1' ? 'e-2' : 'e-1', decision: 'accept', completion: CompletionLevel.Complete, reviewer: 'committee' }] })).rejects.toThrow(WorkflowUpdateFailedError);
      await handle.executeUpdate(reviewEvidenceUpdate, { args: [{ evidenceId: acceptedId, decision: 'accept', completion: CompletionLevel.Complete, reviewer: 'committee' }] });
      const state = await handle.result();
      expect(state.status).toBe(MilestoneStatus.Completed);
    });
  });

  it('refuses evidence while no request is open, and waits for the start date first', async () => {
    const calls: Call[] = [];
    await withWorker(calls, async (taskQueue) => {
      const { workflowId, args } = input(3600, 7200, { evidenceRequestLeadSeconds: 60 });
      const handle = await client.workflow.start(milestoneWorkflow, { workflowId, taskQueue, args: [...args] });
      const state = await waitFor(async () => {
        const s = await handle.query(getMilestoneStateQuery);
        return s.nextTimer ? s : null;
      });
      expect(state.status).toBe(MilestoneStatus.NotStarted);
      expect(state.nextTimer).toEqual({ purpose: 'start', at: args[0].startAt });

      await expect(handle.executeUpdate(submitEvidenceUpdate, { args: [{ evidenceId: 'e-1', evidenceRequestId: 'request-1' }] })).rejects.toThrow(WorkflowUpdateFailedError);
      expect(calls).toEqual([]); // nothing happened: no status change, no email
      await handle.terminate('test finished');
    });
  });

  it('sends no more reminders than the policy allows, then waits only for evidence and the escalation', async () => {
    const calls: Call[] = [];
    await withWorker(calls, async (taskQueue) => {
      const { workflowId, args } = input(0, 3, { evidenceRequestLeadSeconds: 3, reminderIntervalSeconds: 1, maxReminders: 2, escalationGraceSeconds: 3600 });
      const handle = await client.workflow.start(milestoneWorkflow, { workflowId, taskQueue, args: [...args] });
      const state = await waitFor(async () => {
        const s = await handle.query(getMilestoneStateQuery);
        return s.status === MilestoneStatus.Overdue && s.remindersSent === 2 && s.nextTimer?.purpose === 'escalation' ? s : null;
      }, 15_000);
      expect(state.remindersSent).toBe(2);
      const emails = calls.filter((c) => c.name === 'sendEvidenceRequestEmail').map((c) => (c.input as { reminderNumber: number }).reminderNumber);
      expect(emails).toEqual([0, 1, 2]);
      expect(calls).toContainEqual({ name: 'setMilestoneStatus', input: { milestoneId: args[0].milestoneId, status: 'overdue', onlyFrom: ['evidence_requested'] } });

      // Late evidence is still taken.
      await handle.executeUpdate(submitEvidenceUpdate, { args: [{ evidenceId: 'late', evidenceRequestId: 'request-1' }] });
      expect((await handle.query(getMilestoneStateQuery)).status).toBe(MilestoneStatus.UnderReview);
      await handle.terminate('test finished');
    });
  });

  it('takes one of two escalation resolutions sent at once and refuses the other in its validator, while the first is still being recorded', async () => {
    // The IMB's resolution takes a while to record: the second one arrives while the first awaits its activity.
    const slowEnv = await startWorkflowTestEnv((calls) => ({
      ...fakeMilestoneActivities(calls),
      async updateEscalation(update) {
        calls.push({ name: 'updateEscalation', input: update });
        await new Promise((resolve) => setTimeout(resolve, 1500));
      },
    }));
    try {
      const calls: Call[] = [];
      await slowEnv.withWorker(calls, async (taskQueue) => {
        const { workflowId, args } = input(0, 1, { evidenceRequestLeadSeconds: 1, maxReminders: 0, escalationGraceSeconds: 1, secondLevelEscalationSeconds: 3600 });
        const handle = await slowEnv.client.workflow.start(milestoneWorkflow, { workflowId, taskQueue, args: [...args] });
        await waitFor(async () => (await handle.query(getMilestoneStateQuery)).escalation?.id === 'escalation-1-1', 15_000);

        const resolve = (text: string) => handle.executeUpdate(resolveEscalationUpdate, { args: [{ escalationId: 'escalation-1-1', by: 'imb', text }] });
        const results = await Promise.allSettled([resolve('first'), resolve('second')]);
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(refused).toHaveLength(1);
        expect(refused[0].reason).toBeInstanceOf(WorkflowUpdateFailedError);
        expect(refused[0].reason.cause.message).toBe('The escalation is resolved');
        expect(calls.filter((c) => c.name === 'updateEscalation')).toHaveLength(1);

        // An acknowledgement after the resolution is refused too; the milestone closes without evidence once.
        await expect(handle.executeUpdate(acknowledgeEscalationUpdate, { args: [{ escalationId: 'escalation-1-1', by: 'imb' }] })).rejects.toThrow(WorkflowUpdateFailedError);
        const state = await handle.result();
        expect(state.status).toBe(MilestoneStatus.ClosedWithoutEvidence);
        expect(state.escalation?.status).toBe('resolved');
        expect(calls.filter((c) => c.name === 'closeMilestoneWithoutEvidence')).toHaveLength(1);
      });
    } finally {
      await slowEnv.close();
    }
  });
});

async function waitFor<T>(probe: () => Promise<T | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
