/**
 * A milestone that waits a long time (here: many reminders), and a commitment that receives many
 * messages (here: replannings), continue as new before their history grows large, and carry on
 * where they stood. Uses its own dev server whose continue-as-new suggestion comes after 40 events
 * instead of thousands.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { startTemporalDevServer, TemporalDevServer } from '../../infra/dev-stack/temporal-dev-server';
import { CompletionLevel, MilestoneStatus, resolvePolicy } from '../../libs/domain/src';
import {
  cancelMilestoneSignal,
  commitmentWorkflowId,
  followMilestoneSignal,
  getCommitmentStateQuery,
  getMilestoneStateQuery,
  MilestoneActivities,
  milestoneWorkflowId,
  replanMilestoneSignal,
  reviewEvidenceUpdate,
  submitEvidenceUpdate,
} from '../../workflows/src/messages';
import { commitmentWorkflow, milestoneWorkflow } from '../../workflows/src';
import { fakeMilestoneActivities } from '../support/fake-milestone-activities';
import { workflowBundle } from '../support/workflow-bundle';

describe('continue-as-new of long-lived workflows', () => {
  let server: TemporalDevServer;
  let connection: Connection;
  let nativeConnection: NativeConnection;

  beforeAll(async () => {
    server = await startTemporalDevServer({ log: () => undefined, dynamicConfig: ['limit.historyCount.suggestContinueAsNew=40'] });
    connection = await Connection.connect({ address: server.address });
    nativeConnection = await NativeConnection.connect({ address: server.address });
  });

  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
    await server?.stop();
  });

  it('continues as new while reminding, keeps its cycle, reminders and request, and still takes the evidence', async () => {
    const emails: number[] = [];
    const activities: MilestoneActivities = {
      setMilestoneStatus: async () => true,
      openEvidenceRequest: async (input) => ({ evidenceRequestId: `request-${input.cycle}` }),
      sendEvidenceRequestEmail: async (input) => {
        emails.push(input.reminderNumber);
        return 'sent';
      },
      recordEvidenceReceived: async () => undefined,
      recordReview: async () => undefined,
      raiseEscalation: async (input) => ({ escalationId: `escalation-${input.level}` }),
      closeMilestoneWithoutEvidence: async () => undefined,
      updateEscalation: async () => undefined,
      readClock: async () => Date.now(),
    };
    const taskQueue = `can-${randomUUID()}`;
    const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: workflowBundle(), activities });
    const client = new Client({ connection });
    const milestoneId = randomUUID();
    const now = Date.now();
    const input = {
      milestoneId,
      startAt: new Date(now).toISOString(),
      dueAt: new Date(now + 3600_000).toISOString(),
      policy: resolvePolicy({ evidenceRequestLeadSeconds: 3600, reminderIntervalSeconds: 1, maxReminders: 40, escalationGraceSeconds: 3600 }),
    };

    await worker.runUntil(async () => {
      const first = await client.workflow.start(milestoneWorkflow, { workflowId: milestoneWorkflowId(milestoneId), taskQueue, args: [input] });
      const handle = client.workflow.getHandle(first.workflowId); // follows the latest run
      const state = await waitFor(async () => {
        const description = await handle.describe();
        if (description.runId === first.firstExecutionRunId) return null;
        const s = await handle.query(getMilestoneStateQuery);
        return s.remindersSent > 0 ? s : null;
      }, 30_000);
      expect(state.cycle).toBe(1);
      expect(state.status).toBe(MilestoneStatus.EvidenceRequested);
      expect(state.openEvidenceRequestId).toBe('request-1');
      expect(state.history.map((h) => h.event)).toContain('continued_as_new');
      expect((await client.workflow.getHandle(first.workflowId, first.firstExecutionRunId).describe()).status.name).toBe('CONTINUED_AS_NEW');

      // Reminders go on from where they were: no request email again, reminder numbers keep rising.
      await waitFor(async () => ((await handle.query(getMilestoneStateQuery)).remindersSent > state.remindersSent ? true : null), 10_000);
      expect(emails.filter((n) => n === 0)).toHaveLength(1);
      expect(emails.slice(1)).toEqual(emails.slice(1).map((_, i) => i + 1));

      await handle.executeUpdate(submitEvidenceUpdate, { args: [{ evidenceId: 'evidence-1', evidenceRequestId: 'request-1' }] });
      await handle.executeUpdate(reviewEvidenceUpdate, { args: [{ evidenceId: 'evidence-1', decision: 'accept', completion: CompletionLevel.Complete, reviewer: 'committee' }] });
      expect((await handle.result()).status).toBe(MilestoneStatus.Completed);
    });
  }, 90_000);

  it('continues a commitment workflow as new after many replannings; its milestone runs on and reports its end to the new run', async () => {
    const taskQueue = `can-commitment-${randomUUID()}`;
    const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: workflowBundle(), activities: fakeMilestoneActivities([]) });
    const client = new Client({ connection });
    const input = { commitmentId: randomUUID(), planId: randomUUID(), leadAgencyId: randomUUID() };
    const workflowId = commitmentWorkflowId(input.commitmentId);
    const milestoneId = randomUUID();
    const dueAt = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
    const send = <T>(signal: Parameters<typeof client.workflow.signalWithStart>[1]['signal'], payload: T) =>
      client.workflow.signalWithStart(commitmentWorkflow, { workflowId, taskQueue, args: [input], signal, signalArgs: [payload] as never });

    await worker.runUntil(async () => {
      const first = await send(followMilestoneSignal, {
        milestoneId,
        startAt: new Date().toISOString(),
        dueAt: dueAt(100),
        status: MilestoneStatus.NotStarted,
        responsibleAgencyId: input.leadAgencyId,
        policy: resolvePolicy({ evidenceRequestLeadSeconds: 3600, reminderIntervalSeconds: 3600 }),
      });
      const handle = client.workflow.getHandle<typeof commitmentWorkflow>(workflowId);
      await waitFor(async () => ((await handle.query(getCommitmentStateQuery)).milestones.length === 1 ? true : null), 10_000);
      // Each replanning is a signal in and a signal out: a dozen of them pass the 40-event threshold.
      let lastDueAt = '';
      for (let i = 1; i <= 12; i++) {
        lastDueAt = dueAt(100 + i);
        await send(replanMilestoneSignal, { milestoneId, replanningId: `replanning-${i}`, dueAt: lastDueAt, reason: `Replanning ${i}` });
      }
      const state = await waitFor(async () => {
        const description = await handle.describe();
        if (description.runId === first.signaledRunId) return null;
        const s = await handle.query(getCommitmentStateQuery);
        return s.pending === 0 && s.history.filter((h) => h.event === 'replan_delivered').length === 12 ? s : null;
      }, 30_000);
      expect((await client.workflow.getHandle(workflowId, first.signaledRunId).describe()).status.name).toBe('CONTINUED_AS_NEW');
      expect(state.milestones).toEqual([expect.objectContaining({ milestoneId, state: 'running', dueAt: lastDueAt })]);

      // The child was not terminated by its parent's continue-as-new, and holds every replanning once.
      const child = client.workflow.getHandle(milestoneWorkflowId(milestoneId));
      expect((await child.describe()).status.name).toBe('RUNNING');
      expect((await child.query(getMilestoneStateQuery)).appliedReplannings).toHaveLength(12);

      await send(cancelMilestoneSignal, { milestoneId, reason: 'Dropped' });
      const final = await handle.result();
      expect(final.status).toBe('closed');
      expect(final.milestones[0]).toMatchObject({ state: 'closed', outcome: MilestoneStatus.Cancelled });
    });
  }, 90_000);
});

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
