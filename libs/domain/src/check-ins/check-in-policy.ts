import { InvalidPolicyError } from '../monitoring-policy';
import type { RuleViolation } from '../plan-rules';
import { type CalendarField, type CheckInPolicy, DAYS_OF_WEEK, type MeetingCalendar } from './check-in-types';

const DAY = 24 * 60 * 60;

/** Defaults for a real plan: a two-hour monthly meeting, invitations a week ahead. */
export const DEFAULT_CHECK_IN_POLICY: Readonly<CheckInPolicy> = Object.freeze({
  durationMinutes: 120,
  invitationLeadSeconds: 7 * DAY,
  closeReminderAfterSeconds: 3 * DAY,
  actionItemReminderLeadSeconds: 3 * DAY,
  upcomingWindowSeconds: 30 * DAY,
});

/** The longest meeting a policy may set: one day. */
export const MAX_MEETING_DURATION_MINUTES = 24 * 60;

const POLICY_FIELDS = Object.keys(DEFAULT_CHECK_IN_POLICY) as (keyof CheckInPolicy)[];

/**
 * A plan's check-in policy: the fields it leaves unset (or undefined, or null) take the defaults,
 * every value is checked. Throws InvalidPolicyError naming the field (`policy.<name>`).
 */
export function resolveCheckInPolicy(overrides: Partial<CheckInPolicy> = {}): CheckInPolicy {
  const given = Object.fromEntries(Object.entries(overrides ?? {}).filter(([, value]) => value !== undefined && value !== null));
  const policy = { ...DEFAULT_CHECK_IN_POLICY, ...given } as CheckInPolicy;
  for (const field of POLICY_FIELDS) {
    const value = policy[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new InvalidPolicyError(`policy.${field}`, `policy.${field} must be a whole number of 0 or more`);
    }
  }
  if (policy.durationMinutes < 1 || policy.durationMinutes > MAX_MEETING_DURATION_MINUTES) {
    throw new InvalidPolicyError('policy.durationMinutes', `policy.durationMinutes must be between 1 and ${MAX_MEETING_DURATION_MINUTES}`);
  }
  return { durationMinutes: policy.durationMinutes, invitationLeadSeconds: policy.invitationLeadSeconds, closeReminderAfterSeconds: policy.closeReminderAfterSeconds, actionItemReminderLeadSeconds: policy.actionItemReminderLeadSeconds, upcomingWindowSeconds: policy.upcomingWindowSeconds };
}

/** The bounds of each numeric calendar field (as Temporal's calendar spec reads them). */
export const CALENDAR_FIELD_BOUNDS = {
  second: { min: 0, max: 59 },
  minute: { min: 0, max: 59 },
  hour: { min: 0, max: 23 },
  dayOfMonth: { min: 1, max: 31 },
  month: { min: 1, max: 12 },
} as const;

type NumericCalendarField = keyof typeof CALENDAR_FIELD_BOUNDS;

/** Every mistake in a meeting calendar, each naming its field (`calendar.hour`, `calendar.dayOfWeek`…); empty when it is right. */
export function checkMeetingCalendar(calendar: MeetingCalendar): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (calendar === null || typeof calendar !== 'object') {
    return [{ field: 'calendar', message: 'calendar must be an object with at least minute and hour' }];
  }
  const required: NumericCalendarField[] = ['minute', 'hour'];
  for (const name of Object.keys(CALENDAR_FIELD_BOUNDS) as NumericCalendarField[]) {
    const value = calendar[name];
    if (value === undefined && !required.includes(name)) continue;
    violations.push(...checkField(`calendar.${name}`, value, CALENDAR_FIELD_BOUNDS[name]));
  }
  const days = calendar.dayOfWeek;
  if (days !== undefined && days !== '*') {
    if (!Array.isArray(days) || days.length === 0) {
      violations.push({ field: 'calendar.dayOfWeek', message: "calendar.dayOfWeek must be '*' or a list of at least one day (SUNDAY…SATURDAY)" });
    } else {
      const wrong = days.filter((day) => !(DAYS_OF_WEEK as readonly string[]).includes(day));
      if (wrong.length) violations.push({ field: 'calendar.dayOfWeek', message: `calendar.dayOfWeek has unknown days (${wrong.map(String).join(', ')}); use ${DAYS_OF_WEEK.join(', ')}` });
    }
  }
  return violations;
}

function checkField(field: string, value: CalendarField | undefined, bounds: { min: number; max: number }): RuleViolation[] {
  if (value === '*') return [];
  if (!Array.isArray(value) || value.length === 0) {
    return [{ field, message: `${field} must be '*' or a list of at least one range ({ start, end?, step? })` }];
  }
  const violations: RuleViolation[] = [];
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);
  value.forEach((range, index) => {
    const at = `${field}[${index}]`;
    if (range === null || typeof range !== 'object' || !whole(range.start)) {
      violations.push({ field, message: `${at} needs a whole-number start` });
      return;
    }
    const end = range.end ?? range.start;
    if (!whole(end)) violations.push({ field, message: `${at}.end must be a whole number` });
    else if (range.start < bounds.min || range.start > bounds.max || end < bounds.min || end > bounds.max) {
      violations.push({ field, message: `${at} must lie within ${bounds.min}-${bounds.max}` });
    } else if (range.start > end) {
      violations.push({ field, message: `${at} starts (${range.start}) after it ends (${end})` });
    }
    if (range.step !== undefined && (!whole(range.step) || range.step < 1)) {
      violations.push({ field, message: `${at}.step must be a whole number of 1 or more` });
    }
  });
  return violations;
}
