import { CompletionLevel } from '../ogp-vocabulary';
import { commitmentProgress, planProgress, type MilestoneProgressInput } from '../progress';
import type { MilestoneStatus } from '../milestone-status';
import { isMilestoneOverdueForAgenda } from '../check-ins/agenda';
import { zonedParts, localDateTime } from '../check-ins/local-time';

/**
 * The monthly public digest of one plan: what happened in a calendar month of the jurisdiction's
 * zone, as data. Language-neutral: every fact is a value (ids, titles as written in the plan, ISO
 * instants, enum values); the mail templates (libs/mail/src/templates/digest.ts) say it in each
 * reader's language. Public: no names of people, no e-mail addresses.
 */
export interface DigestContent {
  /** Version of this shape, so an archived issue can be read back by later code. */
  schema: 1;
  planId: string;
  planTitle: string;
  jurisdictionName: string;
  /** `YYYY-MM`, a month of `timeZone`. */
  month: string;
  /** The jurisdiction's IANA zone; `period` and every `*Local` field are in it. */
  timeZone: string;
  /** The month as instants: [start, end) in ISO 8601 UTC. */
  period: { start: string; end: string };
  /** Plan progress: the mean of the commitments with evidence; null = no evidence yet (not 0 %). */
  plan: { progress: number | null; completion: CompletionLevel; commitments: number; commitmentsWithoutEvidence: number };
  /** One entry per non-cancelled commitment, in the plan's order. */
  commitments: DigestCommitment[];
  /** Decisions recorded at check-ins held this month whose minutes are approved (public). */
  checkIns: DigestCheckIn[];
  /** The next Dialogue Board check-in after the digest was composed, or null when none is planned. */
  nextCheckIn: { startsAt: string; startsAtLocal: string } | null;
  /** True when the month had nothing to report beyond progress (templates may say "a quiet month"). */
  quiet: boolean;
}

export interface DigestCommitment {
  id: string;
  title: string;
  /** 0..1, or null when no milestone has accepted evidence ("no evidence" is not 0 %). */
  progress: number | null;
  completion: CompletionLevel;
  /** Non-cancelled milestones, and how many of them have no evidence yet. */
  milestones: number;
  milestonesWithoutEvidence: number;
  /** Milestones completed (evidence accepted) this month, with the public evidence's links. */
  completed: DigestCompletedMilestone[];
  /** Milestones overdue at the end of the month (or when composed, if earlier). */
  overdue: DigestOverdueMilestone[];
  /** Due dates moved this month, with the public reason. */
  replanned: DigestReplanning[];
  /** Escalations to the IMB raised this month or still open, with the IMB's recommendation. */
  escalations: DigestEscalation[];
}

export interface DigestCompletedMilestone {
  id: string;
  title: string;
  completedAt: string;
  completedAtLocal: string;
  completion: CompletionLevel;
  /** Public links of the accepted evidence (URLs the agency gave and public file URLs). */
  evidenceLinks: string[];
}

export interface DigestOverdueMilestone {
  id: string;
  title: string;
  dueAt: string;
  dueAtLocal: string;
}

export interface DigestReplanning {
  id: string;
  milestoneId: string;
  milestoneTitle: string;
  previousDueAt: string;
  newDueAt: string;
  /** Dates as `YYYY-MM-DD` in the zone. */
  previousDueDate: string;
  newDueDate: string;
  reason: string;
  replannedAt: string;
}

export interface DigestEscalation {
  id: string;
  milestoneId: string;
  milestoneTitle: string;
  level: number;
  status: 'open' | 'acknowledged' | 'resolved';
  raisedAt: string;
  /** The IMB's recommendation, null while it has none. */
  recommendation: string | null;
}

export interface DigestCheckIn {
  id: string;
  startsAt: string;
  startsAtLocal: string;
  decisions: string[];
}

/** The plan's state a digest is composed from, read once when the run composes it. */
export interface PlanStateForDigest {
  planId: string;
  planTitle: string;
  jurisdictionName: string;
  /** The plan's commitments in order (cancelled ones are left out of the digest). */
  commitments: CommitmentStateForDigest[];
  /** The plan's check-ins (any month; the composer picks this month's closed ones with approved minutes). */
  checkIns: { id: string; startsAt: Date; status: string; decisions: string[]; minutesApprovedAt: Date | null }[];
  /** The next check-in's start after `now`, null when none is planned. */
  nextCheckInAt: Date | null;
}

export interface CommitmentStateForDigest {
  id: string;
  title: string;
  cancelled: boolean;
  milestones: MilestoneStateForDigest[];
  /** Replannings of the commitment's milestones (any date; the composer picks this month's). */
  replannings: { id: string; milestoneId: string; previousDueAt: Date; newDueAt: Date; reason: string; changedAt: Date }[];
  /** Escalations of the commitment's milestones (the composer picks those raised this month or not resolved before it). */
  escalations: { id: string; milestoneId: string; level: number; status: 'open' | 'acknowledged' | 'resolved'; raisedAt: Date; resolvedAt: Date | null; recommendation: string | null }[];
}

export interface MilestoneStateForDigest extends MilestoneProgressInput {
  title: string;
  status: MilestoneStatus;
  dueAt: Date;
  /** When accepted evidence completed it; null otherwise. */
  completedAt: Date | null;
  /** Public links of its accepted evidence. */
  evidenceLinks: string[];
}

export interface ComposeDigestOptions {
  /** `YYYY-MM`: the month reported. */
  month: string;
  /** The jurisdiction's IANA zone. */
  timeZone: string;
  /** When it is composed: overdue milestones are those overdue at min(end of month, now). Default: end of month. */
  now?: Date;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Whether `value` is a month as digests name them (`YYYY-MM`). */
export function isDigestMonth(value: string): boolean {
  return MONTH.test(value);
}

/** The instant a local wall-clock time in `timeZone` stands for (the first, when the hour repeats). */
function zonedInstant(year: number, month: number, day: number, timeZone: string): Date {
  let guess = Date.UTC(year, month - 1, day);
  for (let i = 0; i < 3; i++) {
    const offset = zonedParts(new Date(guess), timeZone).offsetMinutes;
    const next = Date.UTC(year, month - 1, day) - offset * 60_000;
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess);
}

/** The month [start, end) in `timeZone`, as instants. */
export function digestPeriod(month: string, timeZone: string): { start: Date; end: Date } {
  const match = MONTH.exec(month);
  if (!match) throw new RangeError(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
  const year = Number(match[1]);
  const m = Number(match[2]);
  return { start: zonedInstant(year, m, 1, timeZone), end: zonedInstant(m === 12 ? year + 1 : year, m === 12 ? 1 : m + 1, 1, timeZone) };
}

/** The month (`YYYY-MM`) `instant` falls in, in `timeZone`. */
export function monthOf(instant: Date, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}`;
}

/** The month before `month` (`2026-01` → `2025-12`). */
export function previousMonth(month: string): string {
  const match = MONTH.exec(month);
  if (!match) throw new RangeError(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
  const year = Number(match[1]);
  const m = Number(match[2]);
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The digest of `options.month` from the plan's state: progress per commitment (the domain roll-up),
 * milestones completed in the month with their public evidence links, milestones overdue at the end
 * of the month (or at `now` when composed earlier), replannings and escalations of the month (open
 * escalations from before too), decisions of the month's check-ins with approved minutes, and the
 * next check-in. Deterministic: the same state and options give the same content.
 */
export function composeDigest(state: PlanStateForDigest, options: ComposeDigestOptions): DigestContent {
  const { month, timeZone } = options;
  const period = digestPeriod(month, timeZone);
  const inMonth = (d: Date) => d.getTime() >= period.start.getTime() && d.getTime() < period.end.getTime();
  const asOf = options.now && options.now.getTime() < period.end.getTime() ? options.now : period.end;
  const local = (d: Date) => localDateTime(d, timeZone);
  const day = (d: Date) => local(d).slice(0, 10);

  const live = state.commitments.filter((c) => !c.cancelled);
  const plan = planProgress(live);
  let anything = false;

  const commitments: DigestCommitment[] = live.map((commitment) => {
    const roll = commitmentProgress(commitment);
    const titles = new Map(commitment.milestones.map((m) => [m.id, m.title]));
    const milestones = commitment.milestones.filter((m) => !m.cancelled);
    const completed = milestones
      .filter((m) => m.completedAt !== null && inMonth(m.completedAt))
      .sort((a, b) => a.completedAt!.getTime() - b.completedAt!.getTime() || byText(a.title, b.title) || byText(a.id, b.id))
      .map((m) => ({
        id: m.id,
        title: m.title,
        completedAt: m.completedAt!.toISOString(),
        completedAtLocal: local(m.completedAt!),
        completion: m.completion ?? CompletionLevel.NoEvidenceAvailable,
        evidenceLinks: [...new Set(m.evidenceLinks)],
      }));
    const overdue = milestones
      .filter((m) => isMilestoneOverdueForAgenda(m, asOf))
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || byText(a.title, b.title) || byText(a.id, b.id))
      .map((m) => ({ id: m.id, title: m.title, dueAt: m.dueAt.toISOString(), dueAtLocal: local(m.dueAt) }));
    const replanned = commitment.replannings
      .filter((r) => inMonth(r.changedAt))
      .sort((a, b) => a.changedAt.getTime() - b.changedAt.getTime() || byText(a.id, b.id))
      .map((r) => ({
        id: r.id,
        milestoneId: r.milestoneId,
        milestoneTitle: titles.get(r.milestoneId) ?? '',
        previousDueAt: r.previousDueAt.toISOString(),
        newDueAt: r.newDueAt.toISOString(),
        previousDueDate: day(r.previousDueAt),
        newDueDate: day(r.newDueAt),
        reason: r.reason,
        replannedAt: r.changedAt.toISOString(),
      }));
    const escalations = commitment.escalations
      .filter((e) => e.raisedAt.getTime() < period.end.getTime() && (inMonth(e.raisedAt) || e.resolvedAt === null || e.resolvedAt.getTime() >= period.start.getTime()))
      .sort((a, b) => b.level - a.level || a.raisedAt.getTime() - b.raisedAt.getTime() || byText(a.id, b.id))
      .map((e) => ({
        id: e.id,
        milestoneId: e.milestoneId,
        milestoneTitle: titles.get(e.milestoneId) ?? '',
        level: e.level,
        status: e.status,
        raisedAt: e.raisedAt.toISOString(),
        recommendation: e.recommendation,
      }));
    if (completed.length || overdue.length || replanned.length || escalations.length) anything = true;
    return {
      id: commitment.id,
      title: commitment.title,
      progress: roll.progress,
      completion: roll.completion,
      milestones: roll.milestones,
      milestonesWithoutEvidence: roll.milestonesWithoutEvidence,
      completed,
      overdue,
      replanned,
      escalations,
    };
  });

  const checkIns = state.checkIns
    .filter((c) => c.status === 'closed' && c.minutesApprovedAt !== null && inMonth(c.startsAt))
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || byText(a.id, b.id))
    .map((c) => ({ id: c.id, startsAt: c.startsAt.toISOString(), startsAtLocal: local(c.startsAt), decisions: [...c.decisions] }));
  if (checkIns.some((c) => c.decisions.length)) anything = true;

  return {
    schema: 1,
    planId: state.planId,
    planTitle: state.planTitle,
    jurisdictionName: state.jurisdictionName,
    month,
    timeZone,
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    plan: { progress: plan.progress, completion: plan.completion, commitments: plan.commitments, commitmentsWithoutEvidence: plan.commitmentsWithoutEvidence },
    commitments,
    checkIns,
    nextCheckIn: state.nextCheckInAt ? { startsAt: state.nextCheckInAt.toISOString(), startsAtLocal: local(state.nextCheckInAt) } : null,
    quiet: !anything,
  };
}
