import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One write: who did what to which entity, with the entity before and after. Append-only. */
@Entity('audit_event')
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid', name: 'jurisdiction_id', nullable: true })
  jurisdictionId!: string | null;

  /** The label of the token used (or "system" for workflow activities). */
  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text', name: 'actor_role' })
  actorRole!: string;

  /** e.g. "milestone.replanned". */
  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text', name: 'entity_type' })
  entityType!: string;

  @Column({ type: 'text', name: 'entity_id' })
  entityId!: string;

  @Column({ type: 'jsonb', nullable: true })
  before!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after!: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}
