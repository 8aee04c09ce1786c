/**
 * The commitment workflow's contract. The API talks to a commitment's milestones through it, with
 * signal-with-start: a signal is stored in the workflow's history at once (even while no worker
 * runs), and the workflow carries the messages to its milestone workflows in the order they came.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { MilestoneStatus, MonitoringPolicy } from '../../../libs/domain/src';
import type { CancelInput, MilestoneHistoryEntry, ReplanInput } from '../milestone/milestone.messages';

export const COMMITMENT_WORKFLOW_TYPE = 'commitmentWorkflow';

export function commitmentWorkflowId(commitmentId: string): string {
  return `commitment-${commitmentId}`;
}

export interface CommitmentWorkflowInput {
  commitmentId: string;
  planId: string;
  leadAgencyId: string;
  /** Set when a run continues as new: where the previous run stood (plain JSON). */
  resume?: CommitmentResumeState;
}

/** A milestone the commitment workflow is to follow: what its milestone workflow starts with. */
export interface FollowMilestoneInput {
  milestoneId: string;
  /** ISO 8601 instants. */
  startAt: string;
  dueAt: string;
  /** Stored status when it was handed over (the milestone workflow's first search attribute value). */
  status: MilestoneStatus;
  responsibleAgencyId: string;
  /** The plan's policy with the commitment's overrides applied. */
  policy: MonitoringPolicy;
}

export interface ReplanMilestoneInput extends ReplanInput {
  milestoneId: string;
}

export interface CancelMilestoneInput extends CancelInput {
  milestoneId: string;
}

export interface MilestoneClosedInput {
  milestoneId: string;
  /** The milestone's status when its workflow ended (completed, cancelled, closed). */
  status: MilestoneStatus;
}

/** Start following a milestone: its workflow is started as a child. A repeated signal changes nothing. */
export const followMilestoneSignal = defineSignal<[FollowMilestoneInput]>('followMilestone');
/** A milestone's due date moved: carried to its workflow, which re-arms its timers. */
export const replanMilestoneSignal = defineSignal<[ReplanMilestoneInput]>('replanMilestone');
/** A milestone was cancelled (or its plan closed): carried to its workflow, which ends. */
export const cancelMilestoneSignal = defineSignal<[CancelMilestoneInput]>('cancelMilestone');
/** Sent by a milestone workflow as it ends. */
export const milestoneClosedSignal = defineSignal<[MilestoneClosedInput]>('milestoneClosed');

export interface FollowedMilestone {
  milestoneId: string;
  workflowId: string;
  dueAt: string;
  /** `running` from the moment its workflow was started (or found running), `closed` once it ended. */
  state: 'running' | 'closed';
  /** The milestone's status when its workflow ended. */
  outcome: MilestoneStatus | null;
  /** True when the milestone workflow existed before this commitment workflow followed it (started by an earlier release). */
  adopted: boolean;
}

/** A message waiting to be carried to a milestone workflow. */
export type CommitmentCommand =
  | { kind: 'follow'; milestone: FollowMilestoneInput }
  | { kind: 'replan'; request: ReplanMilestoneInput }
  | { kind: 'cancel'; request: CancelMilestoneInput };

export interface CommitmentState {
  commitmentId: string;
  /** `active` while a milestone is followed; `closed` when every followed milestone has closed. */
  status: 'active' | 'closed';
  milestones: FollowedMilestone[];
  /** Messages received but not yet carried to their milestone workflow (the one being carried included). */
  pending: number;
  history: MilestoneHistoryEntry[];
}

export interface CommitmentResumeState {
  milestones: FollowedMilestone[];
  queue: CommitmentCommand[];
  history: MilestoneHistoryEntry[];
}

export const getCommitmentStateQuery = defineQuery<CommitmentState>('getCommitmentState');
