import { MonitoringPolicy } from './monitoring-policy';

/** The moments at which a milestone's workflow acts, derived from its dates and the plan's policy. */
export interface MilestoneTimeline {
  startAt: Date;
  /** When the evidence request goes out: a lead time before the due date, never before the start. */
  evidenceRequestAt: Date;
  dueAt: Date;
  /** When the upload link of a request stops working. */
  uploadLinkExpiresAt: Date;
}

export function milestoneTimeline(startAt: Date, dueAt: Date, policy: MonitoringPolicy): MilestoneTimeline {
  const requestAt = dueAt.getTime() - policy.evidenceRequestLeadSeconds * 1000;
  return {
    startAt,
    evidenceRequestAt: new Date(Math.max(requestAt, startAt.getTime())),
    dueAt,
    uploadLinkExpiresAt: new Date(dueAt.getTime() + policy.uploadLinkValidityAfterDueSeconds * 1000),
  };
}

/**
 * When the next reminder of an open request is due, or null when no more reminders are sent.
 * Reminders are counted from the moment the request (or the previous reminder) went out.
 */
export function nextReminderAt(lastSentAt: Date, remindersSent: number, policy: MonitoringPolicy): Date | null {
  if (remindersSent >= policy.maxReminders) return null;
  return new Date(lastSentAt.getTime() + policy.reminderIntervalSeconds * 1000);
}
