import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { ActionItemStatus } from '@app/domain';

/** Something a check-in decided someone must do by a date; carried on every next agenda until closed. */
@Entity('action_item')
export class ActionItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'check_in_id' })
  checkInId!: string;

  @Column({ type: 'uuid', name: 'plan_id' })
  planId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', name: 'owner_name' })
  ownerName!: string;

  /** Personal data: never in anything public. */
  @Column({ type: 'text', name: 'owner_email' })
  ownerEmail!: string;

  @Column({ type: 'text', name: 'owner_language' })
  ownerLanguage!: string;

  @Column({ type: 'timestamptz', name: 'due_at' })
  dueAt!: Date;

  @Column({ type: 'uuid', name: 'commitment_id', nullable: true })
  commitmentId!: string | null;

  @Column({ type: 'uuid', name: 'milestone_id', nullable: true })
  milestoneId!: string | null;

  @Column({ type: 'text' })
  status!: ActionItemStatus;

  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'text', name: 'closing_note', nullable: true })
  closingNote!: string | null;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
