import { ProblemException } from '../common/problem-details.filter';
import { Actor, Role } from './actor';

/**
 * Row-level access. Out-of-scope rows answer 404, exactly as missing ones do, so one jurisdiction
 * cannot learn what another holds. Role-level refusals (403) happen earlier, in the AuthGuard.
 */
export function canSeeJurisdiction(actor: Actor, jurisdictionId: string): boolean {
  return actor.role === Role.Admin || (actor.jurisdictionId !== null && actor.jurisdictionId === jurisdictionId);
}

/** Agencies see only work assigned to them; every other role of the jurisdiction sees it all. */
export function canSeeAgencyWork(actor: Actor, jurisdictionId: string, agencyId: string): boolean {
  if (!canSeeJurisdiction(actor, jurisdictionId)) return false;
  return actor.role !== Role.Agency || actor.agencyId === agencyId;
}

export function notFound(what: string, id: string): ProblemException {
  return new ProblemException(404, 'Not Found', `No ${what} ${id}.`);
}
