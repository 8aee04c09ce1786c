import { Context } from '@temporalio/activity';

/**
 * How often an activity heartbeats while it waits on something slow (an email: the outbox's lock,
 * then the SMTP server). Email activities declare a 15 s heartbeat timeout
 * (workflows/src/milestone/milestone.workflow.ts): without heartbeats the server timed out any send
 * slower than that and retried it while it was still going (the retry queued on the outbox's lock,
 * holding a database connection and an activity slot, and a worker lost meanwhile left the message
 * `unconfirmed`). 3 s is well under 15 s even on a busy event loop; calling often costs nothing, since
 * the SDK forwards at most one heartbeat per 80% of the timeout (12 s) to the server.
 */
export const ACTIVITY_HEARTBEAT_INTERVAL_MS = 3_000;

/**
 * Runs `work` and, while it is pending, heartbeats the current activity (at the start, then every
 * ACTIVITY_HEARTBEAT_INTERVAL_MS); stops when it settles. The server then times the activity out
 * within its heartbeat timeout only if this worker is gone, not because the work is slow; the work
 * itself must bound its own duration (the mail transport has SMTP_SEND_DEADLINE_MS). Heartbeats do
 * not cancel the work: a cancellation delivered with them is left for the work to finish first.
 * Outside an activity (e.g. the API's resend) it runs `work` alone.
 */
export async function heartbeatWhile<T>(work: () => Promise<T>, intervalMs: number = ACTIVITY_HEARTBEAT_INTERVAL_MS): Promise<T> {
  const context = currentActivity();
  if (!context) return work();
  const beat = () => context.heartbeat();
  beat();
  const timer = setInterval(beat, intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // not inside an activity
  }
}
