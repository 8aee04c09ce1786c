import type { DataSource } from 'typeorm';
import { PlanStatus } from '@app/domain';
import { ActionPlanEntity, recordAudit } from '@app/persistence';
import { PlanTransitionError, StaleVersionError } from './errors';

/** Who acts, as the audit trail records it. */
export interface AuditActor {
  label: string;
  role: string;
}

/** Fields of a plan a status change may carry along (the rest of the same PATCH). */
export type PlanChanges = Partial<Omit<ActionPlanEntity, 'id' | 'jurisdictionId' | 'status' | 'version' | 'createdAt' | 'closedAt'>>;

/**
 * Moves the plan from `from` to `to` with the other changes, at the version the caller read, and
 * records it in the audit trail, in one transaction that is committed when this returns.
 */
export async function commitPlanStatus(
  db: DataSource,
  change: { actor: AuditActor; planId: string; version: number; changes: PlanChanges; from: PlanStatus; to: PlanStatus; action: string },
): Promise<{ before: ActionPlanEntity; after: ActionPlanEntity }> {
  return db.transaction(async (manager) => {
    const before = await manager.findOneByOrFail(ActionPlanEntity, { id: change.planId });
    if (before.status !== change.from) throw new PlanTransitionError(`A ${before.status} plan cannot become ${change.to} (draft → active → closed).`);
    const set: Partial<ActionPlanEntity> = { ...change.changes, status: change.to };
    if (change.to === PlanStatus.Closed) set.closedAt = new Date();
    const result = await manager.createQueryBuilder().update(ActionPlanEntity).set(set).where('id = :id AND version = :version', { id: change.planId, version: change.version }).execute();
    if (!result.affected) throw new StaleVersionError('action plan');
    const after = await manager.findOneByOrFail(ActionPlanEntity, { id: change.planId });
    await recordAudit(manager, { jurisdictionId: after.jurisdictionId, actor: change.actor, action: change.action, entityType: 'action_plan', entityId: after.id, before, after });
    return { before, after };
  });
}
