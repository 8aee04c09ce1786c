/**
 * The monthly digest's contract: ids, inputs, signals, the progress query and the activities.
 *
 * - `digest-<planId>`: the plan's Temporal Schedule; each firing starts digestRunWorkflow
 *   (`digest-<planId>-<scheduled time>`), which works out the month and starts digestWorkflow.
 * - `digest-<planId>-<YYYY-MM>`: digestWorkflow, one per plan and month: composes and archives the
 *   issue once per language, then fans out to the confirmed subscribers in batches with a cursor.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const DIGEST_RUN_WORKFLOW_TYPE = 'digestRunWorkflow';
export const DIGEST_WORKFLOW_TYPE = 'digestWorkflow';

export function digestScheduleId(planId: string): string {
  return `digest-${planId}`;
}

export function digestWorkflowId(planId: string, month: string): string {
  return `digest-${planId}-${month}`;
}

/** The outbox key of one subscriber's digest of one month: at most one email each. */
export function digestEmailKey(planId: string, month: string, subscriberId: string): string {
  return `digest:${planId}:${month}:${subscriberId}`;
}

/** Subscribers per batch activity (each heartbeats its cursor), and batches per run before continue-as-new. */
export const DIGEST_BATCH_SIZE = 500;
export const DIGEST_BATCHES_PER_RUN = 20;

export interface DigestRunInput {
  planId: string;
  /** The time the run stands for (ISO 8601); absent in schedule runs (TemporalScheduledStartTime). */
  scheduledAt?: string;
}

export interface DigestCounts {
  sent: number;
  /** Unsubscribed or bounced since the send started. */
  skipped: number;
  /** Refused permanently (5xx) or unconfirmed (delivery unknown: not sent again). */
  failed: number;
}

export type DigestSendState = 'running' | 'paused' | 'cancelled' | 'completed';

export interface DigestWorkflowInput {
  planId: string;
  /** `YYYY-MM` of the jurisdiction's zone. */
  month: string;
  /** Carried across continue-as-new. */
  carried?: { cursor: string | null; counts: DigestCounts; total: number; paused: boolean; batches: number };
  /** Subscribers per batch (tests use small ones to force continue-as-new). */
  batchSize?: number;
  batchesPerRun?: number;
}

export interface DigestProgress {
  planId: string;
  month: string;
  status: DigestSendState | 'preparing';
  total: number;
  sent: number;
  skipped: number;
  failed: number;
  cursor: string | null;
  batches: number;
  /** Languages of the archived issues. */
  languages: string[];
}

export interface DigestResult extends DigestCounts {
  planId: string;
  month: string;
  status: DigestSendState | 'not_sent';
  total: number;
}

export const pauseDigestSignal = defineSignal('pauseDigest');
export const resumeDigestSignal = defineSignal('resumeDigest');
export const cancelDigestSignal = defineSignal('cancelDigest');
export const getDigestProgressQuery = defineQuery<DigestProgress>('getDigestProgress');

export interface PreparedDigest {
  /** False when the plan is not active (or gone): nothing is sent. */
  send: boolean;
  /** Languages composed and archived (those its subscribers read, and the jurisdiction's). */
  languages: string[];
  /** Confirmed recipients when the send started (from digest_send, kept on a repeat). */
  total: number;
  /** digest_send's state: a send cancelled or completed before is not started again. */
  status: DigestSendState;
  cursor: string | null;
  counts: DigestCounts;
}

export interface DigestBatchInput {
  planId: string;
  month: string;
  /** The last subscriber id handled (ids in order), null for the first batch. */
  after: string | null;
  limit: number;
  /** Counts before this batch: the activity writes the totals after it to digest_send. */
  countsBefore: DigestCounts;
}

export interface DigestBatchResult extends DigestCounts {
  /** The last subscriber id this batch handled (unchanged when there was none). */
  cursor: string | null;
  /** Subscribers read (fewer than `limit`: the last batch). */
  read: number;
  done: boolean;
}

/** I/O of the digest workflows; each is safe to run again (unique archive rows, outbox keys). */
export interface DigestActivities {
  /** The month a schedule run reports: the month before `scheduledAt`'s, in the jurisdiction's zone. */
  digestMonthOf(input: { planId: string; scheduledAt: string }): Promise<{ month: string } | null>;
  /** Composes and archives the month's issue once per language (idempotent), and opens digest_send. */
  prepareDigest(input: { planId: string; month: string }): Promise<PreparedDigest>;
  /**
   * Sends the digest to the next `limit` subscribers after `after` (confirmed ones; those who left
   * since the send started are skipped) through the outbox's batched path; heartbeats its cursor and
   * a retried attempt resumes from it. Throws (retryable) when the relay answers 4xx.
   */
  sendDigestBatch(input: DigestBatchInput): Promise<DigestBatchResult>;
  /** Writes the send's state and counts to digest_send. */
  recordDigestSend(input: { planId: string; month: string; status: DigestSendState; counts: DigestCounts; cursor: string | null }): Promise<void>;
}
