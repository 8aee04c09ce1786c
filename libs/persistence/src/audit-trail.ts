import type { EntityManager } from 'typeorm';
import { AuditEventEntity } from './entities/audit-event.entity';

export interface AuditedChange {
  jurisdictionId: string | null;
  actor: { label: string; role: string };
  /** `<entity>.<verb>`, e.g. `milestone.replanned`. */
  action: string;
  entityType: string;
  entityId: string;
  before?: object | null;
  after?: object | null;
}

/**
 * Records a write in the audit trail, inside the caller's transaction so the change and its record
 * are committed together or not at all.
 */
export async function recordAudit(manager: EntityManager, change: AuditedChange): Promise<void> {
  const event: Partial<AuditEventEntity> = {
    jurisdictionId: change.jurisdictionId,
    actor: change.actor.label,
    actorRole: change.actor.role,
    action: change.action,
    entityType: change.entityType,
    entityId: change.entityId,
    before: change.before ? snapshot(change.before) : null,
    after: change.after ? snapshot(change.after) : null,
  };
  await manager.getRepository(AuditEventEntity).save(manager.getRepository(AuditEventEntity).create(event), { reload: false });
}

/** A JSON copy of an entity as it is now (dates as ISO strings), safe from later mutation. */
export function snapshot(entity: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(entity)) as Record<string, unknown>;
}
