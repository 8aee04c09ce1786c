/**
 * The housekeeping workflow's contract: its ids and the activities it calls. The worker imports this
 * file (not the workflow) to implement the activities and to create the schedule.
 */

export const HOUSEKEEPING_WORKFLOW_TYPE = 'housekeepingWorkflow';

/** The Temporal Schedule that runs housekeepingWorkflow; its runs are `ogp-housekeeping-<time>`. */
export const HOUSEKEEPING_SCHEDULE_ID = 'ogp-housekeeping';

/** Stored evidence bytes no evidence_file row refers to (an upload crashed before committing). */
export interface EvidenceSweepResult {
  /** Stored objects listed. */
  scanned: number;
  /** Older than the grace and referenced: kept. */
  referenced: number;
  /** Younger than the grace: kept without a look-up (their upload may still be committing). */
  keptYoung: number;
  deleted: number;
  /** Leftovers of writes that never finished, older than the grace: removed. */
  abandonedWrites: number;
}

export interface IdempotencyPruneResult {
  /** Idempotency records older than the retention that were removed. */
  deleted: number;
}

/** Active and recently closed plans made to match Temporal (the workflows a failed hand-over left out or behind). */
export interface WorkflowReconcileResult {
  plans: number;
  /** Followed milestones of active plans with no running workflow, handed to their commitment's workflow. */
  handedOver: number;
  /** Running milestone workflows of plans that are not active (or of cancelled milestones), told to end. */
  cancelled: number;
  /** Dialogue Board schedules created, updated or deleted (absent in runs before check-ins existed). */
  schedulesChanged?: number;
  /** Dialogue Board schedules triggered because no meeting was prepared ahead (absent in runs before check-ins existed). */
  schedulesTriggered?: number;
  /** Check-in workflows told again of a change, cancellation or closing the API may not have delivered (absent in earlier runs). */
  checkInsNudged?: number;
  /** Digest schedules created, brought in line or deleted (`digest-<planId>`). */
  digestSchedulesChanged?: number;
  /** Plans Temporal could not be asked about; tried again next run. */
  failed: number;
}

/** Evidence whose delivery (the `evidence-<id>` Update) was never answered, sent again. */
export interface EvidenceDeliveryResult {
  pending: number;
  delivered: number;
  /** Refused by the workflow: removed with their files. */
  refused: number;
  stillPending: number;
}

export interface HousekeepingResult {
  evidence: EvidenceSweepResult;
  idempotency: IdempotencyPruneResult;
  /** Runs started before the `reconcile-workflows` patch have neither. */
  workflows?: WorkflowReconcileResult;
  evidenceDeliveries?: EvidenceDeliveryResult;
  /** Runs started before the `purge-unconfirmed-subscribers` patch do not purge. */
  unconfirmedSubscribers?: UnconfirmedSubscribersPurgeResult;
}

export interface UnconfirmedSubscribersPurgeResult {
  /** Subscribers who never confirmed, deleted once past the retention. */
  purged: number;
  /** Their outbox messages, whose address was overwritten. */
  outboxMessagesRedacted: number;
}

/** I/O of the housekeeping workflow; grace and retention come from the worker's configuration. */
export interface HousekeepingActivities {
  sweepOrphanedEvidence(): Promise<EvidenceSweepResult>;
  /** Deletes subscribers who never confirmed once past SUBSCRIBER_UNCONFIRMED_RETENTION_DAYS (personal data kept no longer than needed). */
  purgeUnconfirmedSubscribers(): Promise<UnconfirmedSubscribersPurgeResult>;
  pruneIdempotencyRecords(): Promise<IdempotencyPruneResult>;
  reconcileWorkflows(): Promise<WorkflowReconcileResult>;
  deliverPendingEvidence(): Promise<EvidenceDeliveryResult>;
}
