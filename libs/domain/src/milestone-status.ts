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

/** Statuses in which a milestone's workflow has ended for good. */
export const FINAL_MILESTONE_STATUSES: readonly MilestoneStatus[] = [MilestoneStatus.Completed, MilestoneStatus.ClosedWithoutEvidence, MilestoneStatus.Cancelled];
