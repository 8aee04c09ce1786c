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
  Completed = 'completed',
  Cancelled = 'cancelled',
}
