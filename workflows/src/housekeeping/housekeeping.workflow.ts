import { proxyActivities } from '@temporalio/workflow';
import type { HousekeepingActivities, HousekeepingResult } from './housekeeping.messages';

/**
 * Bounded retries: the schedule skips a run while the previous one is open (overlap SKIP), so a run
 * retrying forever would stop housekeeping altogether. A failed run is simply done again next time.
 */
const { sweepOrphanedEvidence, pruneIdempotencyRecords } = proxyActivities<HousekeepingActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});

/** One round of clean-up, started by the `ogp-housekeeping` schedule. The two steps are independent. */
export async function housekeepingWorkflow(): Promise<HousekeepingResult> {
  const [evidence, idempotency] = await Promise.all([sweepOrphanedEvidence(), pruneIdempotencyRecords()]);
  return { evidence, idempotency };
}
