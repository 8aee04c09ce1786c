import { InvalidPolicyError } from '../monitoring-policy';
import { checkMeetingCalendar, DEFAULT_CHECK_IN_POLICY, resolveCheckInPolicy } from './check-in-policy';
import type { MeetingCalendar } from './check-in-types';

const DAY = 24 * 3600;

describe('resolveCheckInPolicy', () => {
  it('fills unset, undefined and null fields with the defaults of a real plan', () => {
    expect(DEFAULT_CHECK_IN_POLICY).toEqual({ durationMinutes: 120, invitationLeadSeconds: 7 * DAY, closeReminderAfterSeconds: 3 * DAY, actionItemReminderLeadSeconds: 3 * DAY, upcomingWindowSeconds: 30 * DAY });
    expect(resolveCheckInPolicy()).toEqual(DEFAULT_CHECK_IN_POLICY);
    expect(resolveCheckInPolicy({ durationMinutes: 90, invitationLeadSeconds: undefined, upcomingWindowSeconds: null as unknown as number })).toEqual({ ...DEFAULT_CHECK_IN_POLICY, durationMinutes: 90 });
  });

  it('accepts seconds-level policies, as tests and the demo use', () => {
    expect(resolveCheckInPolicy({ invitationLeadSeconds: 0, closeReminderAfterSeconds: 5, durationMinutes: 1 })).toMatchObject({ invitationLeadSeconds: 0, closeReminderAfterSeconds: 5, durationMinutes: 1 });
  });

  it('keeps only the policy fields', () => {
    expect(Object.keys(resolveCheckInPolicy({ extra: 1 } as never)).sort()).toEqual(Object.keys(DEFAULT_CHECK_IN_POLICY).sort());
  });

  it.each([
    ['invitationLeadSeconds', -1],
    ['closeReminderAfterSeconds', 1.5],
    ['actionItemReminderLeadSeconds', Number.NaN],
    ['upcomingWindowSeconds', '30' as unknown as number],
    ['durationMinutes', 0],
    ['durationMinutes', 1441],
  ])('refuses %s = %p and names the field', (field, value) => {
    let thrown: unknown;
    try {
      resolveCheckInPolicy({ [field]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidPolicyError);
    expect((thrown as InvalidPolicyError).field).toBe(`policy.${field}`);
  });
});

describe('checkMeetingCalendar', () => {
  const firstTuesday: MeetingCalendar = { dayOfMonth: [{ start: 1, end: 7 }], dayOfWeek: ['TUESDAY'], hour: [{ start: 18 }], minute: [{ start: 0 }] };

  it('accepts the first Tuesday of each month at 18:00 and a seconds-level test calendar', () => {
    expect(checkMeetingCalendar(firstTuesday)).toEqual([]);
    expect(checkMeetingCalendar({ second: [{ start: 0, end: 59, step: 20 }], minute: '*', hour: '*' })).toEqual([]);
    expect(checkMeetingCalendar({ minute: [{ start: 0 }], hour: [{ start: 9 }], month: [{ start: 1, end: 12, step: 3 }], dayOfWeek: '*' })).toEqual([]);
  });

  it.each<[string, MeetingCalendar, string]>([
    ['an hour past 23', { ...firstTuesday, hour: [{ start: 24 }] }, 'calendar.hour'],
    ['a minute past 59', { ...firstTuesday, minute: [{ start: 0, end: 60 }] }, 'calendar.minute'],
    ['a second below 0', { ...firstTuesday, second: [{ start: -1 }] }, 'calendar.second'],
    ['day 0 of a month', { ...firstTuesday, dayOfMonth: [{ start: 0, end: 7 }] }, 'calendar.dayOfMonth'],
    ['month 13', { ...firstTuesday, month: [{ start: 13 }] }, 'calendar.month'],
    ['a range ending before it starts', { ...firstTuesday, dayOfMonth: [{ start: 7, end: 1 }] }, 'calendar.dayOfMonth'],
    ['a step of 0', { ...firstTuesday, minute: [{ start: 0, end: 59, step: 0 }] }, 'calendar.minute'],
    ['a fractional start', { ...firstTuesday, hour: [{ start: 18.5 }] }, 'calendar.hour'],
    ['no values', { ...firstTuesday, hour: [] }, 'calendar.hour'],
    ['no hour at all', { minute: [{ start: 0 }] } as MeetingCalendar, 'calendar.hour'],
    ['an unknown day', { ...firstTuesday, dayOfWeek: ['TUESDAY', 'FUNDAY'] as never }, 'calendar.dayOfWeek'],
    ['no day of the week', { ...firstTuesday, dayOfWeek: [] }, 'calendar.dayOfWeek'],
  ])('refuses %s, naming the field', (_, calendar, field) => {
    const violations = checkMeetingCalendar(calendar);
    expect(violations.map((v) => v.field)).toEqual([field]);
    expect(violations[0]!.message).toContain(field);
  });
});
