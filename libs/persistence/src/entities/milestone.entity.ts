import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

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

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
