/**
 * Runs of the milestone and commitment workflows whose histories are kept in histories/ and replayed in CI
 * (test/integration/replay.int-spec.ts), so a change that breaks running workflows fails there.
 * Regenerate with `npm run record-histories` only when a change is meant to be incompatible
 * (and then roll it out with patching; see the README).
 */
import type { Client } from '@temporalio/client';
import { resolvePolicy } from '../../libs/domain/src';
import {
  acknowledgeEscalationUpdate,
  cancelMilestoneSignal,
  followMilestoneSignal,
  getCommitmentStateQuery,
  getMilestoneStateQuery,
  HousekeepingActivities,
  MilestoneActivities,
  milestoneWorkflowId,
  replanMilestoneSignal,
  resolveEscalationUpdate,
  reviewEvidenceUpdate,
  submitEvidenceUpdate,
} from '../../workflows/src/messages';
import { CompletionLevel, MilestoneStatus } from '../../libs/domain/src';
import { commitmentWorkflow, housekeepingWorkflow, milestoneWorkflow } from '../../workflows/src';

export const scenarioActivities: MilestoneActivities & HousekeepingActivities = {
  sweepOrphanedEvidence: async () => ({ scanned: 3, referenced: 1, keptYoung: 1, deleted: 1, abandonedWrites: 1 }),
  pruneIdempotencyRecords: async () => ({ deleted: 2 }),
  reconcileWorkflows: async () => ({ plans: 2, handedOver: 1, cancelled: 1, failed: 0 }),
  deliverPendingEvidence: async () => ({ pending: 1, delivered: 1, refused: 0, stillPending: 0 }),
  purgeUnconfirmedSubscribers: async () => ({ purged: 1, outboxMessagesRedacted: 2 }),
  setMilestoneStatus: async () => true,
  openEvidenceRequest: async (input) => ({ evidenceRequestId: `request-${input.cycle}` }),
  sendEvidenceRequestEmail: async () => 'sent',
  recordEvidenceReceived: async () => undefined,
  recordReview: async () => undefined,
  raiseEscalation: async (input) => ({ escalationId: `escalation-${input.cycle}-${input.level}` }),
  closeMilestoneWithoutEvidence: async () => undefined,
  updateEscalation: async () => undefined,
  readClock: async () => Date.now(),
};

export interface Scenario {
  name: string;
  run(client: Client, taskQueue: string): Promise<string>;
}

const milestone = (name: string, dueInSeconds: number, policy: Parameters<typeof resolvePolicy>[0]) => {
  const now = Date.now();
  return { milestoneId: `replay-${name}`, startAt: new Date(now).toISOString(), dueAt: new Date(now + dueInSeconds * 1000).toISOString(), policy: resolvePolicy(policy) };
};

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Starts a commitment workflow following one milestone per entry of `dueInSeconds`, as the API does (signal-with-start). */
async function commitmentWithMilestones(client: Client, taskQueue: string, name: string, dueInSeconds: number[]) {
  const commitmentId = `replay-${name}-${Date.now()}`;
  const workflowId = `commitment-${commitmentId}`;
  const input = { commitmentId, planId: 'replay-plan', leadAgencyId: 'replay-agency' };
  const signal = <T>(definition: Parameters<typeof client.workflow.signalWithStart>[1]['signal'], payload: T) =>
    client.workflow.signalWithStart(commitmentWorkflow, { workflowId, taskQueue, args: [input], signal: definition, signalArgs: [payload] as never });
  const milestones = dueInSeconds.map((due, i) => ({ ...milestone(`${name}-${i}-${Date.now()}`, due, { evidenceRequestLeadSeconds: 3600, reminderIntervalSeconds: 3600 }), status: MilestoneStatus.NotStarted, responsibleAgencyId: 'replay-agency' }));
  for (const m of milestones) await signal(followMilestoneSignal, m);
  const handle = client.workflow.getHandle<typeof commitmentWorkflow>(workflowId);
  await until(async () => {
    const state = await handle.query(getCommitmentStateQuery);
    return state.pending === 0 && state.milestones.length === milestones.length;
  });
  return { workflowId, handle, milestones, signal };
}

/**
 * Histories named milestone-v1-* predate the lifecycle-v2 patch, milestone-v2-* the search-attributes
 * patch, milestone-v3-* the commitment workflow and the close-on-imb-resolution patch, milestone-v4-*
 * the clock-from-history patch; they stay as recorded.
 */
export const SCENARIOS: Scenario[] = [
  {
    name: 'milestone-v5-evidence-returned-then-accepted',
    async run(client, taskQueue) {
      const input = milestone('evidence-on-time', 2, { evidenceRequestLeadSeconds: 2, reminderIntervalSeconds: 60 });
      const workflowId = `milestone-${input.milestoneId}-${Date.now()}`;
      const handle = await client.workflow.start(milestoneWorkflow, { workflowId, taskQueue, args: [input] });
      await until(async () => (await handle.query(getMilestoneStateQuery)).openEvidenceRequestId !== null);
      await handle.executeUpdate(submitEvidenceUpdate, { args: [{ evidenceId: 'evidence-1', evidenceRequestId: 'request-1' }] });
      await handle.executeUpdate(reviewEvidenceUpdate, { args: [{ evidenceId: 'evidence-1', decision: 'return', comments: 'Publish it as open data', reviewer: 'committee' }] });
      await until(async () => (await handle.query(getMilestoneStateQuery)).openEvidenceRequestId === 'request-2');
      await handle.executeUpdate(submitEvidenceUpdate, { args: [{ evidenceId: 'evidence-2', evidenceRequestId: 'request-2' }] });
      await handle.executeUpdate(reviewEvidenceUpdate, { args: [{ evidenceId: 'evidence-2', decision: 'accept', completion: CompletionLevel.Complete, reviewer: 'committee' }] });
      await handle.result();
      return workflowId;
    },
  },
  {
    name: 'milestone-v5-overdue-escalated-resolved-kept-open',
    async run(client, taskQueue) {
      const input = milestone('late', 2, { evidenceRequestLeadSeconds: 2, reminderIntervalSeconds: 1, maxReminders: 2, escalationGraceSeconds: 1, secondLevelEscalationSeconds: 1 });
      const workflowId = `milestone-${input.milestoneId}-${Date.now()}`;
      const handle = await client.workflow.start(milestoneWorkflow, { workflowId, taskQueue, args: [input] });
      await until(async () => {
        const state = await handle.query(getMilestoneStateQuery);
        return state.status === 'overdue' && state.remindersSent === 2 && state.escalation?.level === 2 && state.nextTimer === null;
      });
      const { escalation } = await handle.query(getMilestoneStateQuery);
      await handle.executeUpdate(acknowledgeEscalationUpdate, { args: [{ escalationId: escalation!.id, by: 'imb' }] });
      await handle.executeUpdate(resolveEscalationUpdate, { args: [{ escalationId: escalation!.id, by: 'imb', text: 'New date agreed', keepMilestoneOpen: true }] });
      await handle.executeUpdate(submitEvidenceUpdate, { args: [{ evidenceId: 'evidence-late', evidenceRequestId: 'request-1' }] });
      await handle.executeUpdate(reviewEvidenceUpdate, { args: [{ evidenceId: 'evidence-late', decision: 'accept', completion: CompletionLevel.Limited, reviewer: 'committee' }] });
      await handle.result();
      return workflowId;
    },
  },
  {
    name: 'milestone-v5-closed-without-evidence',
    async run(client, taskQueue) {
      const input = milestone('never-delivered', 1, { evidenceRequestLeadSeconds: 1, reminderIntervalSeconds: 3600, maxReminders: 0, escalationGraceSeconds: 0, secondLevelEscalationSeconds: 3600 });
      const workflowId = `milestone-${input.milestoneId}-${Date.now()}`;
      const handle = await client.workflow.start(milestoneWorkflow, { workflowId, taskQueue, args: [input] });
      await until(async () => (await handle.query(getMilestoneStateQuery)).escalation?.status === 'open');
      const { escalation } = await handle.query(getMilestoneStateQuery);
      await handle.executeUpdate(resolveEscalationUpdate, { args: [{ escalationId: escalation!.id, by: 'imb', text: 'Not delivered' }] });
      await handle.result();
      return workflowId;
    },
  },
  {
    name: 'housekeeping-v1',
    async run(client, taskQueue) {
      const workflowId = `housekeeping-replay-${Date.now()}`;
      await client.workflow.execute(housekeepingWorkflow, { workflowId, taskQueue });
      return workflowId;
    },
  },
  {
    name: 'commitment-v1-follow-replan-cancel',
    async run(client, taskQueue) {
      const { workflowId, handle, milestones, signal } = await commitmentWithMilestones(client, taskQueue, 'follow-replan-cancel', [3600, 7200]);
      await signal(replanMilestoneSignal, { milestoneId: milestones[0].milestoneId, replanningId: 'replanning-1', dueAt: new Date(Date.now() + 9000_000).toISOString(), reason: 'Budget approved late' });
      for (const m of milestones) await signal(cancelMilestoneSignal, { milestoneId: m.milestoneId, reason: 'Commitment dropped' });
      await handle.result();
      return workflowId;
    },
  },
  {
    name: 'milestone-v5-child-of-commitment-cancelled',
    async run(client, taskQueue) {
      const { handle, milestones, signal } = await commitmentWithMilestones(client, taskQueue, 'child', [3600]);
      await signal(cancelMilestoneSignal, { milestoneId: milestones[0].milestoneId, reason: 'Merged into another milestone' });
      await handle.result(); // the child told its parent it ended
      const childId = milestoneWorkflowId(milestones[0].milestoneId);
      await client.workflow.getHandle(childId).result();
      return childId;
    },
  },
];
