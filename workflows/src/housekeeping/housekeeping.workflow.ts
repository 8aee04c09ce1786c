import { patched, proxyActivities } from '@temporalio/workflow';
import type { HousekeepingActivities, HousekeepingResult } from './housekeeping.messages';

/**
 * Bounded retries: the schedule skips a run while the previous one is open (overlap SKIP), so a run
 * retrying forever would stop housekeeping altogether. A failed run is simply done again next time.
 */
const { sweepOrphanedEvidence, pruneIdempotencyRecords, reconcileWorkflows, deliverPendingEvidence, purgeUnconfirmedSubscribers } = proxyActivities<HousekeepingActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});

/**
 * One round of clean-up, started by the `ogp-housekeeping` schedule. The two clean-up steps are
 * independent; then the workflows are reconciled with the database (hand-overs that failed after a
 * commit, evidence whose delivery was never answered), which runs started before the
 * `reconcile-workflows` patch do not do; last, subscribers who never confirmed are purged (runs
 * started before the `purge-unconfirmed-subscribers` patch do not).
 */
export async function housekeepingWorkflow(): Promise<HousekeepingResult> {
  const [evidence, idempotency] = await Promise.all([sweepOrphanedEvidence(), pruneIdempotencyRecords()]);
  if (!patched('reconcile-workflows')) return { evidence, idempotency };
  const [workflows, evidenceDeliveries] = await Promise.all([reconcileWorkflows(), deliverPendingEvidence()]);
  if (!patched('purge-unconfirmed-subscribers')) return { evidence, idempotency, workflows, evidenceDeliveries };
  const unconfirmedSubscribers = await purgeUnconfirmedSubscribers();
  return { evidence, idempotency, workflows, evidenceDeliveries, unconfirmedSubscribers };
}
