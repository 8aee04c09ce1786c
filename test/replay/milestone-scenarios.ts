/**
 * Runs of the milestone workflow whose histories are kept in histories/ and replayed in CI
 * (test/integration/replay.int-spec.ts), so a change that breaks running workflows fails there.
 * Regenerate with `npm run record-histories` only when a change is meant to be incompatible
 * (and then roll it out with patching; see the README).
 */
import type { Client } from '@temporalio/client';
import { resolvePolicy } from '../../libs/domain/src';
import { acknowledgeEscalationUpdate, getMilestoneStateQuery, MilestoneActivities, resolveEscalationUpdate, reviewEvidenceUpdate, submitEvidenceUpdate } from '../../workflows/src/messages';
import { CompletionLevel } from '../../libs/domain/src';
import { milestoneWorkflow } from '../../workflows/src';

export const scenarioActivities: MilestoneActivities = {
  setMilestoneStatus: async () => true,
  openEvidenceRequest: async (input) => ({ evidenceRequestId: `request-${input.cycle}` }),
  sendEvidenceRequestEmail: async () => 'sent',
  recordEvidenceReceived: async () => undefined,
  recordReview: async () => undefined,
  raiseEscalation: async (input) => ({ escalationId: `escalation-${input.cycle}-${input.level}` }),
  closeMilestoneWithoutEvidence: async () => undefined,
  updateEscalation: async () => undefined,
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

/** Histories named milestone-v1-* predate the lifecycle-v2 patch, milestone-v2-* the search-attributes patch; they stay as recorded. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'milestone-v3-evidence-returned-then-accepted',
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
    name: 'milestone-v3-overdue-escalated-resolved',
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
      await handle.executeUpdate(resolveEscalationUpdate, { args: [{ escalationId: escalation!.id, by: 'imb', text: 'New date agreed' }] });
      await handle.executeUpdate(submitEvidenceUpdate, { args: [{ evidenceId: 'evidence-late', evidenceRequestId: 'request-1' }] });
      await handle.executeUpdate(reviewEvidenceUpdate, { args: [{ evidenceId: 'evidence-late', decision: 'accept', completion: CompletionLevel.Limited, reviewer: 'committee' }] });
      await handle.result();
      return workflowId;
    },
  },
];
