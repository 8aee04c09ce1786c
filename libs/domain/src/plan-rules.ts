/**
 * Rules that keep an action plan true to OGP Local. They return data instead of throwing so the
 * API can turn each one into a 4xx problem that names the offending field.
 */

/** Refuses the change. */
export interface RuleViolation {
  field: string;
  message: string;
}

/** Accepts the change but tells the coordinator it departs from OGP Local's guidance. */
export interface RuleWarning {
  field: string;
  message: string;
}

export interface RuleCheck {
  violations: RuleViolation[];
  warnings: RuleWarning[];
}

/** OGP Local allows up to five commitments at any one point. */
export const MAX_ACTIVE_COMMITMENTS = 5;

/** OGP Local asks a plan to end this many calendar months before the government's term ends. */
export const PLAN_END_MONTHS_BEFORE_TERM_END = 2;

const WEIGHT_SUM_TOLERANCE = 1e-6;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** @param activeCount active commitments of the plan before the one being added or activated. */
export function checkActiveCommitmentLimit(activeCount: number): RuleViolation | null {
  if (activeCount + 1 <= MAX_ACTIVE_COMMITMENTS) return null;
  return {
    field: 'status',
    message: `OGP Local allows at most ${MAX_ACTIVE_COMMITMENTS} commitments at a time; this plan already has ${activeCount} active. Complete or cancel one first.`,
  };
}

/** Midnight UTC of a YYYY-MM-DD date, or null when the text is not a real calendar date. */
function parseIsoDate(text: string): Date | null {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2027-02-30 over to March; a round trip catches it.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date;
}

function formatIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The same day some months earlier, clamped to the month's last day (04-30 minus 2 months is 02-28). */
function monthsBefore(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() - months;
  const lastDayOfTargetMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), lastDayOfTargetMonth)));
}

/** The latest end date OGP Local recommends for a plan, as YYYY-MM-DD. */
export function latestRecommendedPlanEnd(termEnd: string): string | null {
  const term = parseIsoDate(termEnd);
  return term ? formatIsoDate(monthsBefore(term, PLAN_END_MONTHS_BEFORE_TERM_END)) : null;
}

/** Checks a plan's period against itself and against the government's term (dates as YYYY-MM-DD). */
export function checkPlanPeriod(period: { periodStart: string; periodEnd: string; termEnd: string }): RuleCheck {
  const violations: RuleViolation[] = [];
  const warnings: RuleWarning[] = [];
  const dates = {
    periodStart: parseIsoDate(period.periodStart),
    periodEnd: parseIsoDate(period.periodEnd),
    termEnd: parseIsoDate(period.termEnd),
  };
  for (const [field, date] of Object.entries(dates)) {
    if (!date) violations.push({ field, message: `${field} must be a calendar date written YYYY-MM-DD` });
  }
  const { periodStart, periodEnd, termEnd } = dates;
  if (!periodStart || !periodEnd || !termEnd) return { violations, warnings };

  if (periodEnd <= periodStart) {
    violations.push({ field: 'periodEnd', message: `periodEnd (${period.periodEnd}) must be after periodStart (${period.periodStart})` });
  }
  if (periodEnd > termEnd) {
    violations.push({
      field: 'periodEnd',
      message: `The plan may not outlast the government's term: periodEnd (${period.periodEnd}) is after the term ends (${period.termEnd})`,
    });
    return { violations, warnings };
  }
  const latestEnd = monthsBefore(termEnd, PLAN_END_MONTHS_BEFORE_TERM_END);
  if (periodEnd > latestEnd) {
    warnings.push({
      field: 'periodEnd',
      message: `OGP Local asks plans to end two months before the government's term ends: periodEnd should be on or before ${formatIsoDate(latestEnd)}`,
    });
  }
  return { violations, warnings };
}

/** A commitment's milestone weights: all unset (equal shares), or all set within [0, 1] adding up to 1. */
export function checkMilestoneWeights(weights: (number | null)[]): RuleViolation | null {
  const set = weights.filter((w): w is number => w !== null);
  if (set.length === 0) return null;
  if (set.length !== weights.length) {
    return {
      field: 'weight',
      message: `Set a weight on every milestone of the commitment or on none (equal shares); ${set.length} of ${weights.length} are set`,
    };
  }
  const outOfRange = set.find((w) => !Number.isFinite(w) || w < 0 || w > 1);
  if (outOfRange !== undefined) {
    return { field: 'weight', message: `Each weight must be between 0 and 1; got ${outOfRange}` };
  }
  const sum = set.reduce((total, w) => total + w, 0);
  if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
    // Rounded so float noise (0.30000000000000004) does not reach the reader.
    return { field: 'weight', message: `Milestone weights must add up to 1; they add up to ${Number(sum.toFixed(6))}, not 1` };
  }
  return null;
}

/** A milestone must start before it is due and lie within its plan's period (dates in UTC). */
export function checkMilestoneDates(milestone: { startAt: Date; dueAt: Date; periodStart: string; periodEnd: string }): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const { startAt, dueAt } = milestone;
  if (Number.isNaN(startAt.getTime())) violations.push({ field: 'startAt', message: 'startAt must be a valid date' });
  if (Number.isNaN(dueAt.getTime())) violations.push({ field: 'dueAt', message: 'dueAt must be a valid date' });
  if (violations.length > 0) return violations;

  if (dueAt < startAt) {
    violations.push({ field: 'dueAt', message: `dueAt (${dueAt.toISOString()}) must not be before startAt (${startAt.toISOString()})` });
  }
  const planPeriod = `the plan's period (${milestone.periodStart} to ${milestone.periodEnd}, UTC)`;
  const periodFirstMoment = parseIsoDate(milestone.periodStart);
  const periodEndDay = parseIsoDate(milestone.periodEnd);
  // A broken plan period is reported rather than letting every milestone date through unchecked.
  if (!periodFirstMoment) violations.push({ field: 'periodStart', message: 'periodStart must be a calendar date written YYYY-MM-DD' });
  if (!periodEndDay) violations.push({ field: 'periodEnd', message: 'periodEnd must be a calendar date written YYYY-MM-DD' });
  if (periodFirstMoment && startAt < periodFirstMoment) {
    violations.push({ field: 'startAt', message: `startAt (${startAt.toISOString()}) is before ${planPeriod}` });
  }
  if (periodEndDay) {
    const periodLastMoment = new Date(periodEndDay.getTime() + 24 * 60 * 60 * 1000 - 1);
    if (dueAt > periodLastMoment) {
      violations.push({ field: 'dueAt', message: `dueAt (${dueAt.toISOString()}) is after ${planPeriod}` });
    }
  }
  return violations;
}
