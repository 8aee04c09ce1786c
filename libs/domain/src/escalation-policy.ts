import type { EscalationTimerState, RequestCycleTimers } from './milestone-timeline';

/**
 * When a milestone goes to the Independent Monitoring Body, at which level, and who is told. The
 * dates themselves are in milestone-timeline.ts (firstEscalationAt, secondLevelEscalationAt).
 */

export type EscalationState = EscalationTimerState['status'];
export type EscalationAction = 'acknowledge' | 'recommend' | 'resolve';

/** The escalation level that is due at `now` given the cycle's timers: 1, 2, or null. */
export function escalationLevelDue(timers: Pick<RequestCycleTimers, 'escalateAt' | 'secondLevelAt'>, now: number): 1 | 2 | null {
  if (timers.escalateAt && now >= timers.escalateAt.getTime()) return 1;
  if (timers.secondLevelAt && now >= timers.secondLevelAt.getTime()) return 2;
  return null;
}

/** Evidence returned a second time goes to the IMB (level 1), unless an escalation is still open. */
export function escalatesReturnedEvidence(returns: number, escalation: Pick<EscalationTimerState, 'status'> | null | undefined): boolean {
  return returns >= 2 && (!escalation || escalation.status === 'resolved');
}

/** Who is told of an escalation: the plan's IMB contacts and the jurisdiction's office contacts, each address once. */
export function escalationRecipients(imbContacts: readonly { email: string }[], officeContacts: readonly { email: string }[]): string[] {
  return [...new Set([...imbContacts, ...officeContacts].map((c) => c.email))];
}

/** The outbox key of an escalation email to one recipient: sent once per milestone, cycle, level and address. */
export function escalationEmailKey(milestoneId: string, cycle: number, level: number, to: string): string {
  return `escalation:${milestoneId}:${cycle}:${level}:${to}`;
}

/** In which escalation statuses the IMB may take each action. */
const ALLOWED_FROM: Record<EscalationAction, readonly EscalationState[]> = {
  acknowledge: ['open'],
  recommend: ['open', 'acknowledged'],
  resolve: ['open', 'acknowledged'],
};

/** Why the IMB may not take `action` on an escalation in `status` (null: it may), and the text it needs. */
export function escalationActionRefusal(action: EscalationAction, status: EscalationState, text: string | undefined): string | null {
  if (!ALLOWED_FROM[action].includes(status)) return `The escalation is ${status}`;
  if (action !== 'acknowledge' && !text) return `To ${action}, send the text`;
  return null;
}

const ORDER: readonly EscalationState[] = ['open', 'acknowledged', 'resolved'];

/** The escalation's status once `action` is taken; an escalation never goes back (a late acknowledgement leaves it resolved). */
export function escalationStatusAfter(action: EscalationAction, status: EscalationState): EscalationState {
  const target: EscalationState = action === 'acknowledge' ? 'acknowledged' : action === 'resolve' ? 'resolved' : status;
  return laterEscalationState(target, status);
}

/** The further of two statuses of one escalation (open, then acknowledged, then resolved). */
export function laterEscalationState(a: EscalationState, b: EscalationState): EscalationState {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}
