import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/** A dated, verifiable step of a commitment, followed by its own workflow (`milestone-<id>`). */
@Entity('milestone')
export class MilestoneEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'commitment_id' })
  commitmentId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', name: 'expected_output', nullable: true })
  expectedOutput!: string | null;

  @Column({ type: 'timestamptz', name: 'start_at' })
  startAt!: Date;

  @Column({ type: 'timestamptz', name: 'due_at' })
  dueAt!: Date;

  @Column({ type: 'uuid', name: 'responsible_agency_id' })
  responsibleAgencyId!: string;

  /** A MilestoneStatus; written by the milestone's workflow through activities. */
  @Column({ type: 'text' })
  status!: string;

  /** Share of the commitment, 0..1; null on every milestone of a commitment means equal shares. */
  @Column({ type: 'numeric', precision: 6, scale: 5, nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  weight!: number | null;

  /** OGP: a milestone that cannot be verified cannot be assessed. */
  @Column({ type: 'boolean' })
  verifiable!: boolean;

  /** The plan's own reference (e.g. "C1.2"), unique within the commitment; used by imports to upsert. */
  @Column({ type: 'text', name: 'external_id', nullable: true })
  externalId!: string | null;

  /** The CompletionLevel the follow-up committee accepted; null while no evidence was accepted. */
  @Column({ type: 'text', nullable: true })
  completion!: string | null;

  /** The due date the plan was approved with; replanning keeps it and records each change. */
  @Column({ type: 'timestamptz', name: 'original_due_at' })
  originalDueAt!: Date;

  @Column({ type: 'text', name: 'cancelled_reason', nullable: true })
  cancelledReason!: string | null;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
