import { isAwaitingEvidence, isFinal, MilestoneStatus } from '../milestone-status';
import { ActionItemStatus, type AgendaItem, type AgendaItemKind, type AgendaLink, type CheckInPolicy } from './check-in-types';
import { isActionItemOverdue } from './action-items';
import { localDateTime } from './local-time';

/** The plan's state an agenda is built from, read at the moment the check-in is prepared. */
export interface PlanStateForAgenda {
  /** The plan's commitments, in the order the agenda lists them. */
  commitments: CommitmentStateForAgenda[];
  /** Every open action item of the plan's earlier check-ins. */
  openActionItems: OpenActionItemForAgenda[];
}

export interface CommitmentStateForAgenda {
  id: string;
  title: string;
  milestones: { id: string; title: string; status: MilestoneStatus; dueAt: Date }[];
  evidenceUnderReview: { id: string; milestoneId: string; milestoneTitle: string }[];
  openEscalations: { id: string; milestoneId: string; milestoneTitle: string; level: number; recommendation: string | null }[];
  /** Replannings recorded since the previous check-in (the caller picks them). */
  replanningsSince: { id: string; milestoneId: string; milestoneTitle: string; previousDueAt: Date; newDueAt: Date; reason: string }[];
}

export interface OpenActionItemForAgenda {
  id: string;
  title: string;
  ownerName: string;
  dueAt: Date;
  commitmentId: string | null;
  checkInId: string;
}

/** How long an agenda item takes: a base, some minutes per thing it concerns, and a cap. */
export const AGENDA_ITEM_MINUTES = { base: 5, perLink: 2, max: 20 } as const;

/** The minutes an agenda item with `linkCount` links gets: 5 + 2 per link, at most 20. */
export function agendaItemMinutes(linkCount: number): number {
  return Math.min(AGENDA_ITEM_MINUTES.max, AGENDA_ITEM_MINUTES.base + AGENDA_ITEM_MINUTES.perLink * linkCount);
}

/** The order of the per-commitment items in an agenda. */
export const COMMITMENT_AGENDA_KINDS: readonly AgendaItemKind[] = ['milestones_due_soon', 'milestones_overdue', 'evidence_under_review', 'open_escalations', 'replannings'];

/** Whether a milestone counts as overdue on an agenda: marked overdue, or evidence asked for and its date passed. */
export function isMilestoneOverdueForAgenda(milestone: { status: MilestoneStatus | string; dueAt: Date }, now: Date): boolean {
  return milestone.status === MilestoneStatus.Overdue || (isAwaitingEvidence(milestone.status) && milestone.dueAt.getTime() < now.getTime());
}

/** Whether a milestone is due within the window: still followed (not final, not under review) and due in [now, now + window]. */
export function isMilestoneDueSoon(milestone: { status: MilestoneStatus | string; dueAt: Date }, now: Date, upcomingWindowSeconds: number): boolean {
  if (isFinal(milestone.status) || milestone.status === MilestoneStatus.UnderReview || isMilestoneOverdueForAgenda(milestone, now)) return false;
  const due = milestone.dueAt.getTime();
  return due >= now.getTime() && due <= now.getTime() + upcomingWindowSeconds * 1000;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A check-in's agenda from the plan's state at `now`: per commitment (in the given order) one item
 * for each kind that has something (milestones due within the policy's window, overdue milestones,
 * evidence waiting for review, open escalations with the IMB's recommendation, replannings), then
 * one item listing every open action item of earlier check-ins (overdue ones marked). Titles and
 * labels are English (the API shows them); each link carries its facts in `details` for emails.
 * Dates in labels are written in `timeZone` (default UTC). The same state gives the same agenda.
 */
export function composeAgenda(state: PlanStateForAgenda, options: { now: Date; policy: CheckInPolicy; timeZone?: string }): AgendaItem[] {
  const { now, policy } = options;
  const day = (date: Date) => localDateTime(date, options.timeZone ?? 'UTC').slice(0, 10);
  const items: AgendaItem[] = [];
  const item = (kind: AgendaItemKind, title: string, commitmentId: string | null, links: AgendaLink[]) => {
    if (links.length) items.push({ kind, title, durationMinutes: agendaItemMinutes(links.length), commitmentId, links });
  };
  const milestoneOrder = (a: { dueAt: Date; title: string; id: string }, b: { dueAt: Date; title: string; id: string }) =>
    a.dueAt.getTime() - b.dueAt.getTime() || byText(a.title, b.title) || byText(a.id, b.id);

  for (const commitment of state.commitments) {
    const milestones = [...commitment.milestones].sort(milestoneOrder);
    item(
      'milestones_due_soon',
      `Milestones due soon: ${commitment.title}`,
      commitment.id,
      milestones
        .filter((m) => isMilestoneDueSoon(m, now, policy.upcomingWindowSeconds))
        .map((m) => ({ type: 'milestone', id: m.id, label: `${m.title} (due ${day(m.dueAt)})`, details: { milestoneTitle: m.title, dueAt: m.dueAt.toISOString() } })),
    );
    item(
      'milestones_overdue',
      `Overdue milestones: ${commitment.title}`,
      commitment.id,
      milestones
        .filter((m) => isMilestoneOverdueForAgenda(m, now))
        .map((m) => ({ type: 'milestone', id: m.id, label: `${m.title} (due ${day(m.dueAt)})`, details: { milestoneTitle: m.title, dueAt: m.dueAt.toISOString(), overdue: true } })),
    );
    item(
      'evidence_under_review',
      `Evidence waiting for review: ${commitment.title}`,
      commitment.id,
      [...commitment.evidenceUnderReview]
        .sort((a, b) => byText(a.milestoneTitle, b.milestoneTitle) || byText(a.id, b.id))
        .map((e) => ({ type: 'evidence', id: e.id, label: e.milestoneTitle, details: { milestoneTitle: e.milestoneTitle } })),
    );
    item(
      'open_escalations',
      `Open escalations to the IMB: ${commitment.title}`,
      commitment.id,
      [...commitment.openEscalations]
        .sort((a, b) => b.level - a.level || byText(a.milestoneTitle, b.milestoneTitle) || byText(a.id, b.id))
        .map((e) => ({
          type: 'escalation',
          id: e.id,
          label: `${e.milestoneTitle} (level ${e.level}): ${e.recommendation ? `IMB recommends: ${e.recommendation}` : 'no recommendation yet'}`,
          details: { milestoneTitle: e.milestoneTitle, level: e.level, recommendation: e.recommendation },
        })),
    );
    item(
      'replannings',
      `Replannings since the last check-in: ${commitment.title}`,
      commitment.id,
      [...commitment.replanningsSince]
        .sort((a, b) => byText(a.milestoneTitle, b.milestoneTitle) || a.newDueAt.getTime() - b.newDueAt.getTime() || byText(a.id, b.id))
        .map((r) => ({
          type: 'replanning',
          id: r.id,
          label: `${r.milestoneTitle}: ${day(r.previousDueAt)} → ${day(r.newDueAt)} (${r.reason})`,
          details: { milestoneTitle: r.milestoneTitle, previousDueAt: r.previousDueAt.toISOString(), newDueAt: r.newDueAt.toISOString(), reason: r.reason },
        })),
    );
  }

  item(
    'open_action_items',
    'Open action items from earlier check-ins',
    null,
    [...state.openActionItems]
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || byText(a.title, b.title) || byText(a.id, b.id))
      .map((a) => {
        const overdue = isActionItemOverdue({ status: ActionItemStatus.Open, dueAt: a.dueAt }, now);
        return {
          type: 'action_item',
          id: a.id,
          label: `${a.title} (${a.ownerName}, due ${day(a.dueAt)}${overdue ? ', OVERDUE' : ''})`,
          details: { title: a.title, ownerName: a.ownerName, dueAt: a.dueAt.toISOString(), overdue },
        };
      }),
  );
  return items;
}

/** The commitments an agenda is about (whose follow-up committees are invited), each once, in agenda order. */
export function agendaCommitmentIds(agenda: readonly AgendaItem[]): string[] {
  return [...new Set(agenda.map((item) => item.commitmentId).filter((id): id is string => id !== null))];
}

/** The whole agenda's length in minutes. */
export function agendaMinutes(agenda: readonly AgendaItem[]): number {
  return agenda.reduce((sum, item) => sum + item.durationMinutes, 0);
}
