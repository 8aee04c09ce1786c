import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo, allHandlersFinished } from '@temporalio/workflow';
import {
  cancelDigestSignal,
  DIGEST_BATCH_SIZE,
  DIGEST_BATCHES_PER_RUN,
  DigestActivities,
  DigestCounts,
  DigestProgress,
  DigestResult,
  DigestWorkflowInput,
  getDigestProgressQuery,
  pauseDigestSignal,
  resumeDigestSignal,
} from './digest.messages';

const activities = proxyActivities<DigestActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * A batch heartbeats its cursor every few seconds, so a dead worker is noticed within 20 s and the
 * retry resumes from the last heartbeat. A relay answering 4xx fails the attempt: retried with
 * backoff (up to 30 s apart) for as long as it takes, nobody lost. Every message is bounded by the
 * transport's 90 s deadline, so 10 minutes covers a batch at a slow relay's pace.
 */
const batches = proxyActivities<DigestActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const ZERO: DigestCounts = { sent: 0, skipped: 0, failed: 0 };

/**
 * One plan's digest of one month (`digest-<planId>-<month>`): composes and archives the issue once
 * per language, then sends it to every confirmed subscriber, a batch at a time in subscriber-id
 * order. The cursor and the counts live in this workflow (carried across continue-as-new every
 * `batchesPerRun` batches) and in each batch's heartbeats, so a worker killed mid-send resumes where
 * it stopped; the outbox key `digest:<plan>:<month>:<subscriber>` makes each email at most one.
 * Signals pause (after the current batch), resume and cancel; the query reports progress.
 */
export async function digestWorkflow(input: DigestWorkflowInput): Promise<DigestResult> {
  const { planId, month } = input;
  const batchSize = input.batchSize ?? DIGEST_BATCH_SIZE;
  const batchesPerRun = input.batchesPerRun ?? DIGEST_BATCHES_PER_RUN;
  let paused = input.carried?.paused ?? false;
  let cancelled = false;
  const progress: DigestProgress = {
    planId,
    month,
    status: input.carried ? (paused ? 'paused' : 'running') : 'preparing',
    total: input.carried?.total ?? 0,
    ...(input.carried?.counts ?? ZERO),
    cursor: input.carried?.cursor ?? null,
    batches: input.carried?.batches ?? 0,
    languages: [],
  };
  setHandler(pauseDigestSignal, () => {
    paused = true;
  });
  setHandler(resumeDigestSignal, () => {
    paused = false;
  });
  setHandler(cancelDigestSignal, () => {
    cancelled = true;
  });
  setHandler(getDigestProgressQuery, () => progress);

  const counts = (): DigestCounts => ({ sent: progress.sent, skipped: progress.skipped, failed: progress.failed });
  const result = (status: DigestResult['status']): DigestResult => ({ planId, month, status, total: progress.total, ...counts() });
  const record = (status: 'running' | 'paused' | 'cancelled' | 'completed') => activities.recordDigestSend({ planId, month, status, counts: counts(), cursor: progress.cursor });

  if (!input.carried) {
    const prepared = await activities.prepareDigest({ planId, month });
    if (!prepared.send) return result('not_sent');
    progress.total = prepared.total;
    progress.languages = prepared.languages;
    progress.cursor = prepared.cursor;
    Object.assign(progress, prepared.counts);
    if (prepared.status === 'cancelled' || prepared.status === 'completed') {
      progress.status = prepared.status;
      return result(prepared.status);
    }
    progress.status = 'running';
  }

  let batchesThisRun = 0;
  for (;;) {
    if (paused && !cancelled) {
      progress.status = 'paused';
      await record('paused');
      await condition(() => !paused || cancelled);
      if (!cancelled) {
        progress.status = 'running';
        await record('running');
      }
    }
    if (cancelled) {
      progress.status = 'cancelled';
      await record('cancelled');
      return result('cancelled');
    }
    if (batchesThisRun >= batchesPerRun || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof digestWorkflow>({
        planId,
        month,
        batchSize: input.batchSize,
        batchesPerRun: input.batchesPerRun,
        carried: { cursor: progress.cursor, counts: counts(), total: progress.total, paused, batches: progress.batches },
      });
    }
    const batch = await batches.sendDigestBatch({ planId, month, after: progress.cursor, limit: batchSize, countsBefore: counts() });
    batchesThisRun++;
    progress.batches++;
    progress.sent += batch.sent;
    progress.skipped += batch.skipped;
    progress.failed += batch.failed;
    progress.cursor = batch.cursor;
    if (batch.done) break;
  }
  progress.status = 'completed';
  await record('completed');
  return result('completed');
}
