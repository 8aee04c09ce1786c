import { cycleDeadline, evidenceEmailKey, firstEscalationAt, milestoneTimeline, nextReminderAt, requestCycleTimers, resubmissionDeadline, secondLevelEscalationAt, uploadLinkExpiresAt } from './milestone-timeline';
import { resolvePolicy } from './monitoring-policy';

const DAY = 24 * 3600 * 1000;

describe('milestoneTimeline', () => {
  const policy = resolvePolicy({ evidenceRequestLeadSeconds: 14 * 86400, uploadLinkValidityAfterDueSeconds: 60 * 86400 });

  it('asks for evidence the lead time before the due date', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    const due = new Date('2026-06-30T23:59:00Z');
    const timeline = milestoneTimeline(start, due, policy);
    expect(timeline.evidenceRequestAt.toISOString()).toBe('2026-06-16T23:59:00.000Z');
    expect(timeline.uploadLinkExpiresAt.getTime()).toBe(due.getTime() + 60 * DAY);
  });

  it('never asks before the milestone has started', () => {
    const start = new Date('2026-06-25T00:00:00Z');
    const due = new Date('2026-06-30T00:00:00Z');
    expect(milestoneTimeline(start, due, policy).evidenceRequestAt).toEqual(start);
  });
});

describe('nextReminderAt', () => {
  const policy = resolvePolicy({ reminderIntervalSeconds: 7 * 86400, maxReminders: 3 });
  const sent = new Date('2026-03-01T12:00:00Z');

  it('comes one interval after the last email', () => {
    expect(nextReminderAt(sent, 0, policy)?.toISOString()).toBe('2026-03-08T12:00:00.000Z');
    expect(nextReminderAt(sent, 2, policy)?.toISOString()).toBe('2026-03-08T12:00:00.000Z');
  });

  it('stops once the limit of reminders is reached', () => {
    expect(nextReminderAt(sent, 3, policy)).toBeNull();
  });
});

describe('deadlines', () => {
  const policy = resolvePolicy({ escalationGraceSeconds: 7 * 86400, secondLevelEscalationSeconds: 30 * 86400, resubmissionSeconds: 14 * 86400, uploadLinkValidityAfterDueSeconds: 60 * 86400 });
  const due = new Date('2026-06-30T00:00:00Z');

  it('expires an upload link the validity after the request due date', () => {
    expect(uploadLinkExpiresAt(due, policy).toISOString()).toBe('2026-08-29T00:00:00.000Z');
    expect(uploadLinkExpiresAt(due, { uploadLinkValidityAfterDueSeconds: 60 }).toISOString()).toBe('2026-06-30T00:01:00.000Z');
  });

  it('gives a returned request the resubmission window from the return, 14 days when the policy predates it', () => {
    expect(resubmissionDeadline(due, policy).toISOString()).toBe('2026-07-14T00:00:00.000Z');
    expect(resubmissionDeadline(due, { resubmissionSeconds: 60 }).toISOString()).toBe('2026-06-30T00:01:00.000Z');
    expect(resubmissionDeadline(due, {}).toISOString()).toBe('2026-07-14T00:00:00.000Z');
  });

  it.each([
    [null, '2026-06-30T00:00:00.000Z'],
    ['2026-06-01T00:00:00Z', '2026-06-30T00:00:00.000Z'],
    ['2026-07-10T00:00:00Z', '2026-07-10T00:00:00.000Z'],
  ])('ends a cycle at the later of due date and resubmission deadline (%p)', (resubmission, expected) => {
    expect(cycleDeadline(due, resubmission ? new Date(resubmission) : null).toISOString()).toBe(expected);
  });

  it('escalates the grace period after the deadline and goes to level 2 the policy after the escalation', () => {
    expect(firstEscalationAt(due, policy).toISOString()).toBe('2026-07-07T00:00:00.000Z');
    expect(secondLevelEscalationAt(new Date('2026-07-07T00:00:00Z'), policy).toISOString()).toBe('2026-08-06T00:00:00.000Z');
  });

  it('keys each request email and reminder once per cycle', () => {
    expect(evidenceEmailKey('m', 2, 0)).toBe('evidence-request:m:2');
    expect(evidenceEmailKey('m', 2, 3)).toBe('evidence-reminder:m:2:3');
  });
});

describe('requestCycleTimers', () => {
  const policy = resolvePolicy({ reminderIntervalSeconds: 10, maxReminders: 2, escalationGraceSeconds: 100, secondLevelEscalationSeconds: 1000 });
  const t0 = new Date('2026-01-01T00:00:00Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  const base = { lastSentAt: t0, remindersSent: 0, overdue: false, cycleDueAt: at(50), escalation: null, escalates: true, policy };

  it.each<[string, Partial<Parameters<typeof requestCycleTimers>[0]>, { purpose: string; at: Date } | undefined, Partial<Record<'reminderAt' | 'overdueAt' | 'escalateAt' | 'secondLevelAt', Date | null>>]>([
    ['a reminder before the due date', {}, { purpose: 'reminder', at: at(10) }, { overdueAt: at(50), escalateAt: null, secondLevelAt: null }],
    ['the due date once the reminders are spent', { remindersSent: 2 }, { purpose: 'due_date', at: at(50) }, { reminderAt: null }],
    ['the due date when it comes before the reminder', { cycleDueAt: at(5) }, { purpose: 'due_date', at: at(5) }, { reminderAt: at(10) }],
    ['the escalation when overdue and not escalated', { overdue: true, remindersSent: 2 }, { purpose: 'escalation', at: at(150) }, { overdueAt: null, escalateAt: at(150) }],
    ['a reminder before the escalation', { overdue: true }, { purpose: 'reminder', at: at(10) }, { escalateAt: at(150) }],
    ['no escalation for runs without escalations', { overdue: true, remindersSent: 2, escalates: false }, undefined, { escalateAt: null }],
    [
      'the second level of an open level-1 escalation',
      { overdue: true, remindersSent: 2, escalation: { level: 1, status: 'acknowledged', raisedAt: at(150).toISOString() } },
      { purpose: 'second_level_escalation', at: at(1150) },
      { escalateAt: null, secondLevelAt: at(1150) },
    ],
    ['nothing after a resolved escalation', { overdue: true, remindersSent: 2, escalation: { level: 1, status: 'resolved', raisedAt: at(150).toISOString() } }, undefined, { secondLevelAt: null }],
    ['nothing after a level-2 escalation', { overdue: true, remindersSent: 2, escalation: { level: 2, status: 'open', raisedAt: at(150).toISOString() } }, undefined, { secondLevelAt: null }],
    ['the reminder on a tie with the due date', { cycleDueAt: at(10) }, { purpose: 'reminder', at: at(10) }, {}],
  ])('waits for %s', (_, given, next, timers) => {
    const result = requestCycleTimers({ ...base, ...given });
    expect(result.next).toEqual(next);
    expect(result).toMatchObject(timers);
  });
});
