import type { EntityManager } from 'typeorm';
import { AgencyEntity } from '@app/persistence';
import { ruleViolation } from '../auth/plan-scope.service';

/** The agency named in `field` must belong to the jurisdiction (422 naming the field otherwise). */
export async function assertAgencyOf(manager: EntityManager, jurisdictionId: string, agencyId: string, field: string): Promise<AgencyEntity> {
  const agency = await manager.findOneBy(AgencyEntity, { id: agencyId, jurisdictionId });
  if (!agency) throw ruleViolation(field, `${field} must name an agency of the plan's jurisdiction`);
  return agency;
}
