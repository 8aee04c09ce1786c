import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

export enum EscalationStatus {
  Open = 'open',
  Acknowledged = 'acknowledged',
  Resolved = 'resolved',
}

/** An overdue or twice-returned milestone raised to the Independent Monitoring Body. */
@Entity('escalation')
export class EscalationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'milestone_id' })
  milestoneId!: string;

  /** The evidence request cycle that went overdue (or whose evidence was returned again). */
  @Column({ type: 'int' })
  cycle!: number;

  /** 1 for the first escalation, 2 when it stayed open past the second-level period. */
  @Column({ type: 'int' })
  level!: number;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text' })
  status!: EscalationStatus;

  @Column({ type: 'text', nullable: true })
  recommendation!: string | null;

  @Column({ type: 'text', nullable: true })
  resolution!: string | null;

  @Column({ type: 'timestamptz', name: 'raised_at', default: () => 'now()' })
  raisedAt!: Date;

  @Column({ type: 'timestamptz', name: 'acknowledged_at', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'resolved_at', nullable: true })
  resolvedAt!: Date | null;

  @VersionColumn()
  version!: number;
}
