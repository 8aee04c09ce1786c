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
    uploadLinkExpiresAt: uploadLinkExpiresAt(dueAt, policy),
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

/** The outbox key of a request email (reminder 0) or of a reminder: each is sent once per request cycle. */
export function evidenceEmailKey(milestoneId: string, cycle: number, reminderNumber: number): string {
  return reminderNumber === 0 ? `evidence-request:${milestoneId}:${cycle}` : `evidence-reminder:${milestoneId}:${cycle}:${reminderNumber}`;
}

/** When an evidence request's upload link stops working: the policy's validity after the request's due date. */
export function uploadLinkExpiresAt(requestDueAt: Date, policy: Pick<MonitoringPolicy, 'uploadLinkValidityAfterDueSeconds'>): Date {
  return new Date(requestDueAt.getTime() + policy.uploadLinkValidityAfterDueSeconds * 1000);
}

/** Resubmission window used when a policy predates the field (runs started before it existed). */
const DEFAULT_RESUBMISSION_SECONDS = 14 * 24 * 3600;

/** Deadline of the new request cycle that starts when the committee returns the evidence at `returnedAt`. */
export function resubmissionDeadline(returnedAt: Date, policy: Partial<Pick<MonitoringPolicy, 'resubmissionSeconds'>>): Date {
  return new Date(returnedAt.getTime() + (policy.resubmissionSeconds ?? DEFAULT_RESUBMISSION_SECONDS) * 1000);
}

/** Deadline of the current request cycle: the due date, or the resubmission deadline when that is later. */
export function cycleDeadline(dueAt: Date, resubmissionDueAt: Date | null): Date {
  return resubmissionDueAt && resubmissionDueAt > dueAt ? resubmissionDueAt : dueAt;
}

/** When an overdue milestone goes to the IMB: the grace period after its cycle's deadline. */
export function firstEscalationAt(cycleDueAt: Date, policy: Pick<MonitoringPolicy, 'escalationGraceSeconds'>): Date {
  return new Date(cycleDueAt.getTime() + policy.escalationGraceSeconds * 1000);
}

/** When a first-level escalation still open goes to the second level. */
export function secondLevelEscalationAt(raisedAt: Date, policy: Pick<MonitoringPolicy, 'secondLevelEscalationSeconds'>): Date {
  return new Date(raisedAt.getTime() + policy.secondLevelEscalationSeconds * 1000);
}

/** The escalation of a milestone as the timers see it. */
export interface EscalationTimerState {
  level: number;
  status: 'open' | 'acknowledged' | 'resolved';
  /** ISO 8601 instant. */
  raisedAt: string;
}

export interface RequestCycleTimers {
  /** When the next reminder goes out; null when no more are sent. */
  reminderAt: Date | null;
  /** When the milestone becomes overdue; null once it is. */
  overdueAt: Date | null;
  /** When it goes to the IMB (level 1); null unless overdue and not escalated yet. */
  escalateAt: Date | null;
  /** When its open level-1 escalation goes to the second level; null otherwise. */
  secondLevelAt: Date | null;
  /** The earliest of these, and what it is for; undefined when the cycle waits only for messages. */
  next: { purpose: 'reminder' | 'due_date' | 'escalation' | 'second_level_escalation'; at: Date } | undefined;
}

/**
 * The timers of an open request cycle and the next one to wait for (earliest first; on a tie,
 * reminder, due date, escalation, second level). `escalates` is false for runs started before
 * escalations existed.
 */
export function requestCycleTimers(input: {
  lastSentAt: Date;
  remindersSent: number;
  overdue: boolean;
  cycleDueAt: Date;
  escalation: EscalationTimerState | null | undefined;
  escalates: boolean;
  policy: MonitoringPolicy;
}): RequestCycleTimers {
  const { overdue, escalation, escalates, policy } = input;
  const reminderAt = nextReminderAt(input.lastSentAt, input.remindersSent, policy);
  const overdueAt = overdue ? null : input.cycleDueAt;
  const escalateAt = escalates && overdue && !escalation ? firstEscalationAt(input.cycleDueAt, policy) : null;
  const secondLevelAt = escalates && escalation && escalation.level === 1 && escalation.status !== 'resolved' ? secondLevelEscalationAt(new Date(escalation.raisedAt), policy) : null;
  const next = (
    [
      reminderAt && { purpose: 'reminder', at: reminderAt },
      overdueAt && { purpose: 'due_date', at: overdueAt },
      escalateAt && { purpose: 'escalation', at: escalateAt },
      secondLevelAt && { purpose: 'second_level_escalation', at: secondLevelAt },
    ] as (RequestCycleTimers['next'] | null)[]
  )
    .filter((t): t is NonNullable<RequestCycleTimers['next']> => !!t)
    .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  return { reminderAt, overdueAt, escalateAt, secondLevelAt, next };
}
