import { isMilestoneOverdueForAgenda } from '../check-ins/agenda';
import { MilestoneStatus } from '../milestone-status';

/** What the public progress feed reports. */
export enum ProgressEventKind {
  MilestoneCompleted = 'milestone_completed',
  MilestoneOverdue = 'milestone_overdue',
  MilestoneReplanned = 'milestone_replanned',
  Escalated = 'escalated',
  AssessmentPublished = 'assessment_published',
}

/** The facts of a published plan the feed is made of: public fields only (no actors, reviewers, contacts). */
export interface ProgressFacts {
  commitments: { id: string; title: string }[];
  milestones: {
    id: string;
    commitmentId: string;
    title: string;
    status: string;
    dueAt: Date;
    /** The OGP completion level accepted, null without evidence. */
    completion: string | null;
    /** When accepted evidence completed it (the committee's review), null otherwise. */
    completedAt: Date | null;
  }[];
  replannings: { id: string; milestoneId: string; previousDueAt: Date; newDueAt: Date; reason: string; changedAt: Date }[];
  escalations: { id: string; milestoneId: string; level: number; raisedAt: Date; status: 'open' | 'acknowledged' | 'resolved'; recommendation: string | null }[];
  assessments: { id: string; commitmentId: string; assessor: 'government' | 'imb'; completion: string; narrative: string; assessedAt: Date }[];
}

/** One thing that happened to a plan, as the public sees it. */
export interface ProgressEvent {
  /**
   * Stable and unique within the plan, whatever else changes: `milestone/<id>/completed`,
   * `milestone/<id>/overdue/<due instant ms>` (a milestone replanned and overdue again is a new event),
   * `replanning/<id>`, `escalation/<id>`, `assessment/<id>`. Feeds build entry ids from it.
   */
  key: string;
  kind: ProgressEventKind;
  at: Date;
  commitment: { id: string; title: string };
  milestone: { id: string; title: string } | null;
  /** Completed: the level; replanned: from, to and the reason; escalated: the level, status and the IMB's recommendation; assessment: who, the level and the narrative. */
  details:
    | { kind: ProgressEventKind.MilestoneCompleted; completion: string | null }
    | { kind: ProgressEventKind.MilestoneOverdue; dueAt: Date }
    | { kind: ProgressEventKind.MilestoneReplanned; previousDueAt: Date; newDueAt: Date; reason: string }
    | { kind: ProgressEventKind.Escalated; level: number; status: 'open' | 'acknowledged' | 'resolved'; recommendation: string | null }
    | { kind: ProgressEventKind.AssessmentPublished; assessor: 'government' | 'imb'; completion: string; narrative: string };
}

/** Entries a feed carries at most (the newest). */
export const PROGRESS_EVENT_LIMIT = 100;

/**
 * The plan's progress events at `now`, newest first (ties by key), at most `limit`:
 * - a milestone completed, when its accepted evidence completed it;
 * - a milestone overdue, at its due date: one still awaiting evidence past it, one completed after
 *   it, or one closed without evidence (cancelled milestones are never overdue);
 * - every replanning (from, to, reason);
 * - every escalation to the IMB (level, where it stands, the IMB's recommendation);
 * - every assessment published, the government's and the IMB's.
 * Deterministic: the same facts and `now` give the same events.
 */
export function progressEvents(facts: ProgressFacts, now: Date, limit = PROGRESS_EVENT_LIMIT): ProgressEvent[] {
  const commitments = new Map(facts.commitments.map((c) => [c.id, c]));
  const milestones = new Map(facts.milestones.map((m) => [m.id, m]));
  const events: ProgressEvent[] = [];
  const commitmentOf = (id: string) => {
    const c = commitments.get(id);
    return c ? { id: c.id, title: c.title } : null;
  };
  const milestoneRef = (id: string) => {
    const m = milestones.get(id);
    const c = m && commitmentOf(m.commitmentId);
    return m && c ? { milestone: { id: m.id, title: m.title }, commitment: c } : null;
  };

  for (const m of facts.milestones) {
    const ref = milestoneRef(m.id);
    if (!ref) continue;
    if (m.status === MilestoneStatus.Completed && m.completedAt) {
      events.push({ key: `milestone/${m.id}/completed`, kind: ProgressEventKind.MilestoneCompleted, at: m.completedAt, ...ref, details: { kind: ProgressEventKind.MilestoneCompleted, completion: m.completion } });
    }
    const wasOverdue =
      isMilestoneOverdueForAgenda(m, now) ||
      (m.status === MilestoneStatus.Completed && m.completedAt !== null && m.completedAt.getTime() > m.dueAt.getTime()) ||
      (m.status === MilestoneStatus.ClosedWithoutEvidence && m.dueAt.getTime() < now.getTime());
    if (wasOverdue && m.dueAt.getTime() <= now.getTime()) {
      events.push({ key: `milestone/${m.id}/overdue/${m.dueAt.getTime()}`, kind: ProgressEventKind.MilestoneOverdue, at: m.dueAt, ...ref, details: { kind: ProgressEventKind.MilestoneOverdue, dueAt: m.dueAt } });
    }
  }
  for (const r of facts.replannings) {
    const ref = milestoneRef(r.milestoneId);
    if (!ref) continue;
    events.push({ key: `replanning/${r.id}`, kind: ProgressEventKind.MilestoneReplanned, at: r.changedAt, ...ref, details: { kind: ProgressEventKind.MilestoneReplanned, previousDueAt: r.previousDueAt, newDueAt: r.newDueAt, reason: r.reason } });
  }
  for (const e of facts.escalations) {
    const ref = milestoneRef(e.milestoneId);
    if (!ref) continue;
    events.push({ key: `escalation/${e.id}`, kind: ProgressEventKind.Escalated, at: e.raisedAt, ...ref, details: { kind: ProgressEventKind.Escalated, level: e.level, status: e.status, recommendation: e.recommendation } });
  }
  for (const a of facts.assessments) {
    const commitment = commitmentOf(a.commitmentId);
    if (!commitment) continue;
    events.push({ key: `assessment/${a.id}`, kind: ProgressEventKind.AssessmentPublished, at: a.assessedAt, commitment, milestone: null, details: { kind: ProgressEventKind.AssessmentPublished, assessor: a.assessor, completion: a.completion, narrative: a.narrative } });
  }
  return events
    .filter((e) => e.at.getTime() <= now.getTime())
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit);
}
