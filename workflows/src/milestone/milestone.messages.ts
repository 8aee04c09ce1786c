/**
 * The milestone workflow's contract: its input, its messages and the activities it calls. The API
 * imports this file (not the workflow) to start, update and query milestone workflows.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CompletionLevel, MilestoneStatus, MonitoringPolicy } from '../../../libs/domain/src';

export const MILESTONE_WORKFLOW_TYPE = 'milestoneWorkflow';

export function milestoneWorkflowId(milestoneId: string): string {
  return `milestone-${milestoneId}`;
}

export interface MilestoneWorkflowInput {
  milestoneId: string;
  /** ISO 8601 instants. */
  startAt: string;
  dueAt: string;
  policy: MonitoringPolicy;
  /** The commitment workflow that started this one: told when this milestone's workflow ends. */
  commitmentWorkflowId?: string;
  /** Set when a run continues as new: where the previous run stood (plain JSON). */
  resume?: MilestoneResumeState;
}

/** What a run carries into the next when its history grows long (continue-as-new), while it waits for evidence. */
export interface MilestoneResumeState {
  status: MilestoneStatus;
  cycle: number;
  evidenceRequestId: string;
  remindersSent: number;
  lastSentAt: string;
  cycleDueAt: string | null;
  resubmissionDueAt: string | null;
  returns: number;
  escalation: MilestoneState['escalation'];
  appliedReplannings: string[];
  history: MilestoneHistoryEntry[];
}

export interface SubmitEvidenceInput {
  evidenceId: string;
  evidenceRequestId: string;
}

export interface SubmitEvidenceResult {
  status: MilestoneStatus;
}

export interface MilestoneHistoryEntry {
  at: string;
  event: string;
  detail?: Record<string, string | number>;
}

export interface MilestoneState {
  milestoneId: string;
  /** Current due date (ISO 8601), after any replanning. */
  dueAt: string;
  /** Replannings applied, by id, so a duplicate signal changes nothing. */
  appliedReplannings: string[];
  status: MilestoneStatus;
  /** Evidence request cycle: 1 for the first request. 0 before any request. */
  cycle: number;
  openEvidenceRequestId: string | null;
  remindersSent: number;
  /** Evidence under the committee's review, if any. */
  evidenceUnderReview?: string | null;
  /** Deadline of the current request cycle (the due date for cycle 1, the resubmission deadline after). */
  cycleDueAt?: string;
  /** The escalation now open with the IMB, if any. */
  escalation?: { id: string; level: number; status: 'open' | 'acknowledged' | 'resolved'; raisedAt: string } | null;
  /** What the workflow waits for next, and until when; null when it waits only for a message. */
  nextTimer: { purpose: string; at: string } | null;
  history: MilestoneHistoryEntry[];
}

/** Evidence arrived for the open request. Refused when no request is open or one was already answered. */
export const submitEvidenceUpdate = defineUpdate<SubmitEvidenceResult, [SubmitEvidenceInput]>('submitEvidence');

export interface ReplanInput {
  /** The replanning record: a signal delivered twice (a retried call) is applied once. */
  replanningId: string;
  /** ISO 8601 instant: the new due date. Every timer is re-armed from it. */
  dueAt: string;
  reason: string;
}

export interface CancelInput {
  reason: string;
}

/**
 * The due date moved (replanning). A signal, not an update: it is stored in the workflow's history
 * at once, so it takes effect even when no worker is running at that moment. Ignored unless the
 * milestone may be replanned (`canReplan` in libs/domain/src/milestone-status.ts: not once it is
 * under review, completed, closed without evidence or cancelled), the rule by which the API's
 * replanning and the CSV import refuse those cases before sending.
 */
export const replanSignal = defineSignal<[ReplanInput]>('replan');

/** The milestone (or its plan) was cancelled or closed: the workflow stops chasing and ends. */
export const cancelSignal = defineSignal<[CancelInput]>('cancel');

/**
 * A commitment workflow follows this milestone workflow, which was started before commitment
 * workflows existed: it is told when this workflow ends, as its own children are.
 */
export const attachToCommitmentSignal = defineSignal<[{ commitmentWorkflowId: string }]>('attachToCommitment');

export interface MilestoneUpdateResult {
  status: MilestoneStatus;
}

export interface ReviewEvidenceInput {
  evidenceId: string;
  decision: 'accept' | 'return';
  /** Required to accept: the completion level the committee recognises. */
  completion?: CompletionLevel;
  /** Required to return: what the agency must change. */
  comments?: string;
  reviewer: string;
}

/** The follow-up committee accepts the evidence under review (the milestone completes) or returns it (a new request cycle). */
export const reviewEvidenceUpdate = defineUpdate<MilestoneUpdateResult, [ReviewEvidenceInput]>('reviewEvidence');

export interface EscalationActionInput {
  escalationId: string;
  /** Who acts: the token's label. */
  by: string;
  /** The acting role (imb, or admin); recorded in the audit trail. Absent in early runs: imb. */
  role?: string;
  /** The recommendation or the resolution. */
  text?: string;
  /**
   * Resolving while the milestone still waits for evidence closes it without evidence (completion
   * "no evidence available"), unless this is true: the IMB resolved the escalation and the agency
   * is still expected to deliver (say, after a replanning).
   */
  keepMilestoneOpen?: boolean;
}

export const acknowledgeEscalationUpdate = defineUpdate<MilestoneUpdateResult, [EscalationActionInput]>('acknowledgeEscalation');
export const recommendEscalationUpdate = defineUpdate<MilestoneUpdateResult, [EscalationActionInput]>('recommendEscalation');
export const resolveEscalationUpdate = defineUpdate<MilestoneUpdateResult, [EscalationActionInput]>('resolveEscalation');

export const getMilestoneStateQuery = defineQuery<MilestoneState>('getMilestoneState');

/** Activities the milestone workflow calls; implemented by the worker's MilestoneActivities. */
export interface MilestoneActivities {
  /** Sets the stored status; with `onlyFrom`, only when the current status is one of those. Returns whether it changed. */
  setMilestoneStatus(input: { milestoneId: string; status: MilestoneStatus; onlyFrom?: MilestoneStatus[] }): Promise<boolean>;
  /** Creates the evidence request of a cycle (due at `dueAt`, default the milestone's), or returns the one already created. */
  openEvidenceRequest(input: { milestoneId: string; cycle: number; dueAt?: string }): Promise<{ evidenceRequestId: string }>;
  /** Emails the request (reminderNumber 0) or a reminder to the responsible agency, once per key; after a return, with the committee's comments. */
  sendEvidenceRequestEmail(input: { evidenceRequestId: string; reminderNumber: number; returnedComments?: string }): Promise<'sent' | 'already_sent' | 'failed_permanently' | 'unconfirmed'>;
  /** Marks the request fulfilled and the milestone under review. */
  recordEvidenceReceived(input: { milestoneId: string; evidenceRequestId: string; evidenceId: string }): Promise<void>;
  /** Stores the committee's decision; accepted evidence completes the milestone with its completion level. */
  recordReview(input: { milestoneId: string } & ReviewEvidenceInput): Promise<void>;
  /** Opens an escalation with the IMB (once per milestone, cycle and level) and emails the IMB and the office. */
  raiseEscalation(input: { milestoneId: string; cycle: number; level: number; reason: 'overdue' | 'returned_again' }): Promise<{ escalationId: string }>;
  /** Closes the milestone without evidence after the IMB resolved its escalation: completion "no evidence available", open requests closed. */
  closeMilestoneWithoutEvidence(input: { milestoneId: string; escalationId: string; by: string; reason: string }): Promise<void>;
  /** Records the IMB's acknowledgement, recommendation or resolution. */
  updateEscalation(input: { action: 'acknowledge' | 'recommend' | 'resolve' } & EscalationActionInput): Promise<void>;
  /**
   * The worker's clock (ms since the epoch), called as a local activity: its result is recorded in the
   * history, so a replay decides with the same instant as the run it replays (see milestone.workflow.ts).
   */
  readClock(): Promise<number>;
}
