import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { AgendaItem, CheckInStatus, MeetingMode } from '@app/domain';

/** One Dialogue Board meeting: its agenda, invitations, and afterwards its minutes. */
@Entity('check_in')
export class CheckInEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'plan_id' })
  planId!: string;

  /**
   * The calendar occurrence a schedule run prepared this check-in for; never changes (unique per
   * plan), so a run repeated for the same occurrence finds this check-in instead of making another.
   */
  @Column({ type: 'timestamptz', name: 'scheduled_for' })
  scheduledFor!: Date;

  /** When the meeting starts; moved by the coordinator (an update to the invitations). */
  @Column({ type: 'timestamptz', name: 'starts_at' })
  startsAt!: Date;

  @Column({ type: 'int', name: 'duration_minutes' })
  durationMinutes!: number;

  @Column({ type: 'text' })
  mode!: MeetingMode;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ type: 'text', name: 'online_url', nullable: true })
  onlineUrl!: string | null;

  @Column({ type: 'text' })
  status!: CheckInStatus;

  /** iCalendar SEQUENCE of the invitation: raised on every change of date, place or status. */
  @Column({ type: 'int', default: 0 })
  sequence!: number;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  agenda!: AgendaItem[];

  /** Set when the coordinator edited the agenda: it is no longer rebuilt from the plan's state. */
  @Column({ type: 'timestamptz', name: 'agenda_edited_at', nullable: true })
  agendaEditedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'invitations_sent_at', nullable: true })
  invitationsSentAt!: Date | null;

  /** The closing report. */
  @Column({ type: 'text', nullable: true })
  minutes!: string | null;

  @Column({ type: 'int', name: 'attendance_count', nullable: true })
  attendanceCount!: number | null;

  @Column({ type: 'jsonb', name: 'organisations_present', default: () => `'[]'` })
  organisationsPresent!: string[];

  @Column({ type: 'jsonb', default: () => `'[]'` })
  decisions!: string[];

  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true })
  closedAt!: Date | null;

  /** Minutes are public once approved. */
  @Column({ type: 'timestamptz', name: 'minutes_approved_at', nullable: true })
  minutesApprovedAt!: Date | null;

  @Column({ type: 'text', name: 'cancelled_reason', nullable: true })
  cancelledReason!: string | null;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
