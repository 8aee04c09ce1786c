import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { MeetingCalendar } from '@app/domain';

/**
 * When a plan's monthly digest goes out: a calendar in the jurisdiction's time zone (the 1st of each
 * month at 09:00 is `{ dayOfMonth: [{ start: 1 }], hour: [{ start: 9 }], minute: [{ start: 0 }] }`).
 * The Temporal Schedule `digest-<planId>` runs from it while the plan is active.
 */
@Entity('digest_schedule')
export class DigestScheduleEntity {
  @PrimaryColumn({ type: 'uuid', name: 'plan_id' })
  planId!: string;

  @Column({ type: 'jsonb' })
  calendar!: MeetingCalendar;

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
