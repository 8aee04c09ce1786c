import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { CheckInPolicy, MeetingCalendar, MeetingMode } from '@app/domain';

/**
 * A plan's Dialogue Board check-in settings: when the board meets (a calendar in the jurisdiction's
 * time zone), where, and the durations of its check-ins. The Temporal Schedule
 * `dialogue-board-<planId>` runs from it while the plan is active.
 */
@Entity('check_in_schedule')
export class CheckInScheduleEntity {
  @PrimaryColumn({ type: 'uuid', name: 'plan_id' })
  planId!: string;

  @Column({ type: 'jsonb' })
  calendar!: MeetingCalendar;

  @Column({ type: 'text' })
  mode!: MeetingMode;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ type: 'text', name: 'online_url', nullable: true })
  onlineUrl!: string | null;

  @Column({ type: 'jsonb' })
  policy!: CheckInPolicy;

  /** The coordinator paused the schedule: no run starts until resumed. */
  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
