import { milestoneTimeline, nextReminderAt } from './milestone-timeline';
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
