import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum DigestSendStatus {
  Running = 'running',
  Paused = 'paused',
  Cancelled = 'cancelled',
  Completed = 'completed',
}

/**
 * The fan-out of one plan's digest of one month, as the digest workflow reports it: counts so far,
 * the cursor (the last subscriber id handled, in id order) and the state. One row per plan and month.
 */
@Entity('digest_send')
export class DigestSendEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'plan_id' })
  planId!: string;

  @Column({ type: 'text' })
  month!: string;

  @Column({ type: 'text' })
  status!: DigestSendStatus;

  /** Confirmed recipients when the send started (those who joined later are counted as they are reached). */
  @Column({ type: 'int', default: 0 })
  total!: number;

  @Column({ type: 'int', default: 0 })
  sent!: number;

  /** Unsubscribed or bounced meanwhile, or already handled (another language's batch, an earlier run). */
  @Column({ type: 'int', default: 0 })
  skipped!: number;

  /** Refused permanently (5xx) or unconfirmed (delivery unknown, not sent again). */
  @Column({ type: 'int', default: 0 })
  failed!: number;

  /** The last subscriber id handled; null before the first batch. */
  @Column({ type: 'uuid', nullable: true })
  cursor!: string | null;

  @Column({ type: 'timestamptz', name: 'started_at', default: () => 'now()' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}
