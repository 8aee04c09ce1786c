import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One change of a milestone's due date: kept for ever and public. */
@Entity('milestone_replanning')
export class MilestoneReplanningEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'milestone_id' })
  milestoneId!: string;

  @Column({ type: 'timestamptz', name: 'previous_due_at' })
  previousDueAt!: Date;

  @Column({ type: 'timestamptz', name: 'new_due_at' })
  newDueAt!: Date;

  @Column({ type: 'text' })
  reason!: string;

  /** Who replanned: the label of the API token used. */
  @Column({ type: 'text' })
  actor!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'changed_at' })
  changedAt!: Date;
}
