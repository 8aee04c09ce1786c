import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export enum EvidenceRequestStatus {
  Open = 'open',
  Fulfilled = 'fulfilled',
  Closed = 'closed',
}

/** One cycle of asking an agency for a milestone's evidence; reminders count against it. */
@Entity('evidence_request')
@Unique('uq_evidence_request_cycle', ['milestoneId', 'cycle'])
export class EvidenceRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'milestone_id' })
  milestoneId!: string;

  @Column({ type: 'int' })
  cycle!: number;

  @Column({ type: 'text' })
  status!: EvidenceRequestStatus;

  @Column({ type: 'timestamptz', name: 'due_at' })
  dueAt!: Date;

  @Column({ type: 'timestamptz', name: 'link_expires_at' })
  linkExpiresAt!: Date;

  @Column({ type: 'int', name: 'reminders_sent', default: 0 })
  remindersSent!: number;

  @Column({ type: 'timestamptz', name: 'fulfilled_at', nullable: true })
  fulfilledAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'requested_at' })
  requestedAt!: Date;
}
