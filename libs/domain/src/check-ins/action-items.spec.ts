import { actionItemReminderAt, actionItemReminderKey, isActionItemOverdue } from './action-items';
import { DEFAULT_CHECK_IN_POLICY } from './check-in-policy';
import { ActionItemStatus } from './check-in-types';

describe('actionItemReminderAt', () => {
  it('is the policy lead before the due date', () => {
    expect(actionItemReminderAt(new Date('2027-03-10T12:00:00Z'), DEFAULT_CHECK_IN_POLICY)).toEqual(new Date('2027-03-07T12:00:00Z'));
    expect(actionItemReminderAt(new Date('2027-03-10T12:00:00Z'), { ...DEFAULT_CHECK_IN_POLICY, actionItemReminderLeadSeconds: 5 })).toEqual(new Date('2027-03-10T11:59:55Z'));
  });
});

describe('isActionItemOverdue', () => {
  const dueAt = new Date('2027-03-10T12:00:00Z');
  it('is overdue only when open and past its due date', () => {
    expect(isActionItemOverdue({ status: ActionItemStatus.Open, dueAt }, new Date('2027-03-10T12:00:00.001Z'))).toBe(true);
    expect(isActionItemOverdue({ status: ActionItemStatus.Open, dueAt }, dueAt)).toBe(false);
    expect(isActionItemOverdue({ status: ActionItemStatus.Closed, dueAt }, new Date('2028-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('actionItemReminderKey', () => {
  it('is one per item and due date', () => {
    expect(actionItemReminderKey('a1', new Date('2027-03-10T12:00:00Z'))).toBe('action-item-reminder:a1:2027-03-10T12:00:00.000Z');
  });
});
