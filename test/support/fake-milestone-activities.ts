/**
 * Milestone activities that only record their calls, for tests of the workflows alone (no
 * database, no mail): requests and escalations get predictable ids from their cycle and level.
 */
import type { MilestoneActivities } from '../../workflows/src/messages';

/** One call of a fake activity, in the order the workflow made them. */
export type ActivityCall = { name: keyof MilestoneActivities; input: unknown };

export function fakeMilestoneActivities(calls: ActivityCall[]): MilestoneActivities {
  const record = (name: keyof MilestoneActivities, input: unknown) => calls.push({ name, input });
  return {
    async setMilestoneStatus(input) {
      record('setMilestoneStatus', input);
      return true;
    },
    async openEvidenceRequest(input) {
      record('openEvidenceRequest', input);
      return { evidenceRequestId: `request-${input.cycle}` };
    },
    async sendEvidenceRequestEmail(input) {
      record('sendEvidenceRequestEmail', input);
      return 'sent';
    },
    async recordEvidenceReceived(input) {
      record('recordEvidenceReceived', input);
    },
    async recordReview(input) {
      record('recordReview', input);
    },
    async raiseEscalation(input) {
      record('raiseEscalation', input);
      return { escalationId: `escalation-${input.cycle}-${input.level}` };
    },
    async closeMilestoneWithoutEvidence(input) {
      record('closeMilestoneWithoutEvidence', input);
    },
    async updateEscalation(input) {
      record('updateEscalation', input);
    },
    // The workflow's clock, not an action of the milestone: left out of the recorded calls.
    readClock: async () => Date.now(),
  };
}
