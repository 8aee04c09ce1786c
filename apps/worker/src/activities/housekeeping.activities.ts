import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { heartbeat } from '@temporalio/activity';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig, subscriberConfig } from '@app/config';
import { EvidenceFileEntity, IdempotencyRecordEntity } from '@app/persistence';
import { EVIDENCE_STORAGE, EvidenceStorage, sweepOrphanedObjects } from '@app/storage';
import { DeliverPendingEvidence, DeliverPendingEvidenceCommand, PurgeUnconfirmedSubscribers, PurgeUnconfirmedSubscribersCommand, ReconcileWorkflows, ReconcileWorkflowsCommand } from '@app/application';
import type { EvidenceDeliveryResult, EvidenceSweepResult, HousekeepingActivities as HousekeepingActivitiesContract, IdempotencyPruneResult, UnconfirmedSubscribersPurgeResult, WorkflowReconcileResult } from '@app/workflows';

/** Rows deleted per statement, so a large backlog never holds one long lock on the table. */
const PRUNE_BATCH = 1000;
/** Closed plans are reconciled this long after closing: a cancellation that failed then is retried meanwhile. */
export const RECENTLY_CLOSED_DAYS = 30;
/** Evidence is delivered again once this much older than the API's own wait for the Update's answer. */
const PENDING_EVIDENCE_GRACE_SECONDS = 60;
/** Evidence deliveries per run at most (the rest waits for the next run). */
const PENDING_EVIDENCE_BATCH = 500;
/** Unconfirmed subscribers deleted per run at most (one transaction; the rest waits for the next run). */
const PURGE_BATCH = 1000;

/** I/O of the housekeeping workflow. Each is safe to run again: they remove only what is due for removal, and reconciling is idempotent. */
@Injectable()
export class HousekeepingActivities implements HousekeepingActivitiesContract {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(EVIDENCE_STORAGE) private readonly storage: EvidenceStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reconcile: ReconcileWorkflows,
    private readonly deliverPending: DeliverPendingEvidence,
    private readonly purgeUnconfirmed: PurgeUnconfirmedSubscribers,
  ) {}

  async purgeUnconfirmedSubscribers(): Promise<UnconfirmedSubscribersPurgeResult> {
    const { unconfirmedRetentionDays } = subscriberConfig(this.config);
    return this.purgeUnconfirmed.execute(PurgeUnconfirmedSubscribersCommand.create({ now: new Date(), retentionDays: unconfirmedRetentionDays, limit: PURGE_BATCH }));
  }

  /** Active and recently closed plans: starts the workflows a failed hand-over left out, ends those a closed plan left behind. */
  async reconcileWorkflows(): Promise<WorkflowReconcileResult> {
    return this.reconcile.execute(ReconcileWorkflowsCommand.create({ closedWithinDays: RECENTLY_CLOSED_DAYS }), (plans) => heartbeat({ plans }));
  }

  /** Evidence whose Update was never answered: the same Update again (taken → kept; refused → removed). */
  async deliverPendingEvidence(): Promise<EvidenceDeliveryResult> {
    const grace = (this.config.temporal.updateTimeoutSeconds ?? 15) + PENDING_EVIDENCE_GRACE_SECONDS;
    return this.deliverPending.execute(DeliverPendingEvidenceCommand.create({ olderThanSeconds: grace, limit: PENDING_EVIDENCE_BATCH }), (done) => heartbeat({ done }));
  }

  /** Removes stored evidence bytes that no evidence_file row refers to, once older than the grace. */
  async sweepOrphanedEvidence(): Promise<EvidenceSweepResult> {
    const graceMs = this.config.housekeeping.orphanedEvidenceGraceMinutes * 60_000;
    const files = this.db.getRepository(EvidenceFileEntity);
    return sweepOrphanedObjects(this.storage, {
      olderThan: new Date(Date.now() - graceMs),
      referenced: async (keys) => new Set((await files.find({ select: { storageKey: true }, where: { storageKey: In(keys) } })).map((file) => file.storageKey)),
      onBatch: (progress) => heartbeat(progress),
    });
  }

  /** Removes idempotency records older than the retention; younger ones (in flight or replayable) stay. */
  async pruneIdempotencyRecords(): Promise<IdempotencyPruneResult> {
    const hours = this.config.housekeeping.idempotencyRetentionHours;
    const records = this.db.getRepository(IdempotencyRecordEntity);
    let deleted = 0;
    for (;;) {
      // created_at is stamped by the database, so the database's clock decides what is old.
      const batch = await records
        .createQueryBuilder()
        .delete()
        .where('ctid IN (SELECT ctid FROM idempotency_record WHERE created_at < now() - make_interval(hours => :hours) LIMIT :limit)', { hours, limit: PRUNE_BATCH })
        .execute();
      deleted += batch.affected ?? 0;
      heartbeat({ deleted });
      if ((batch.affected ?? 0) < PRUNE_BATCH) return { deleted };
    }
  }
}
