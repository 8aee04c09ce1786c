/** Where a milestone stands in its monitoring lifecycle. Stored as text; never renumber. */
export enum MilestoneStatus {
  /** Its start date has not come yet. */
  NotStarted = 'not_started',
  /** Started, no evidence asked for yet. */
  Open = 'open',
  /** The responsible agency has been asked for evidence. */
  EvidenceRequested = 'evidence_requested',
  /** The due date passed with no evidence. */
  Overdue = 'overdue',
  /** Evidence arrived; the follow-up committee reviews it. */
  UnderReview = 'under_review',
  /** The follow-up committee accepted its evidence; the completion level is recorded. */
  Completed = 'completed',
  /** The IMB resolved its escalation with no evidence delivered: completion "no evidence available". */
  ClosedWithoutEvidence = 'closed_without_evidence',
  Cancelled = 'cancelled',
}

// The status groups. Each is defined here once; the API, the import, the workflow and the activities use them.

/** Statuses in which a milestone's workflow has ended for good. */
export const FINAL_MILESTONE_STATUSES: readonly MilestoneStatus[] = [MilestoneStatus.Completed, MilestoneStatus.ClosedWithoutEvidence, MilestoneStatus.Cancelled];

/** Statuses in which a milestone's workflow follows it (waits for its dates, asks for evidence). */
export const FOLLOWED_MILESTONE_STATUSES: readonly MilestoneStatus[] = [MilestoneStatus.NotStarted, MilestoneStatus.Open, MilestoneStatus.EvidenceRequested, MilestoneStatus.Overdue];

/**
 * Statuses in which a milestone's due date may still move (replanning, through the API, a CSV import
 * or the workflow's replan signal): the followed ones. Under review, completed, closed without
 * evidence and cancelled milestones keep their due date.
 */
export const REPLANNABLE_MILESTONE_STATUSES: readonly MilestoneStatus[] = FOLLOWED_MILESTONE_STATUSES;

/** Statuses in which the responsible agency has been asked for evidence and has not delivered it. */
export const AWAITING_EVIDENCE_STATUSES: readonly MilestoneStatus[] = [MilestoneStatus.EvidenceRequested, MilestoneStatus.Overdue];

/** Which status may follow which. A status not listed as a key (a final one) is left no more. */
export const MILESTONE_TRANSITIONS: Readonly<Record<MilestoneStatus, readonly MilestoneStatus[]>> = {
  [MilestoneStatus.NotStarted]: [MilestoneStatus.Open, MilestoneStatus.Cancelled],
  [MilestoneStatus.Open]: [MilestoneStatus.EvidenceRequested, MilestoneStatus.Cancelled],
  [MilestoneStatus.EvidenceRequested]: [MilestoneStatus.Overdue, MilestoneStatus.UnderReview, MilestoneStatus.ClosedWithoutEvidence, MilestoneStatus.Cancelled],
  // Back to evidence_requested when a replanning moves the due date into the future again.
  [MilestoneStatus.Overdue]: [MilestoneStatus.EvidenceRequested, MilestoneStatus.UnderReview, MilestoneStatus.ClosedWithoutEvidence, MilestoneStatus.Cancelled],
  // Accepted: completed; returned with comments: a new request cycle.
  [MilestoneStatus.UnderReview]: [MilestoneStatus.Completed, MilestoneStatus.EvidenceRequested, MilestoneStatus.Cancelled],
  [MilestoneStatus.Completed]: [],
  [MilestoneStatus.ClosedWithoutEvidence]: [],
  [MilestoneStatus.Cancelled]: [],
};

const includes = (group: readonly MilestoneStatus[], status: string): boolean => (group as readonly string[]).includes(status);

/** Whether the milestone's workflow has ended for good. */
export function isFinal(status: string): boolean {
  return includes(FINAL_MILESTONE_STATUSES, status);
}

/** Whether a milestone in this status may get a new due date. */
export function canReplan(status: string): boolean {
  return includes(REPLANNABLE_MILESTONE_STATUSES, status);
}

/** Whether the agency was asked for evidence and has not delivered it yet. */
export function isAwaitingEvidence(status: string): boolean {
  return includes(AWAITING_EVIDENCE_STATUSES, status);
}

/** Whether a milestone may go from `from` to `to`. */
export function canTransition(from: string, to: MilestoneStatus): boolean {
  const next = MILESTONE_TRANSITIONS[from as MilestoneStatus];
  return next !== undefined && next.includes(to);
}

/** The statuses a milestone may come from to reach `to` (optionally only among `among`): the guard of a status write. */
export function statusesLeadingTo(to: MilestoneStatus, among: readonly MilestoneStatus[] = Object.values(MilestoneStatus)): MilestoneStatus[] {
  return among.filter((from) => canTransition(from, to));
}
