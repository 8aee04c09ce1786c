import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { ConsentSource, SubscriberStatus } from '@app/domain';

/**
 * A member of the public who subscribed (double opt-in) to a plan's monthly digest, or to some of
 * its commitments. The address is personal data: never in a log, a public answer or an audit event.
 * One row per plan and address (unique on `lower(email)`); `(plan_id, status, id)` is the digest
 * fan-out's cursor.
 */
@Entity('subscriber')
export class SubscriberEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'plan_id' })
  planId!: string;

  /** Personal data: never in anything public, nor in logs or audit events. */
  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  language!: string;

  /** Commitments followed; empty means the whole plan. */
  @Column({ type: 'jsonb', name: 'commitment_ids', default: () => `'[]'` })
  commitmentIds!: string[];

  @Column({ type: 'text' })
  status!: SubscriberStatus;

  @Column({ type: 'text', name: 'consent_source' })
  consentSource!: ConsentSource;

  /** When the person consented: the confirmation click, or the date an import states. */
  @Column({ type: 'timestamptz', name: 'consented_at', nullable: true })
  consentedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'confirmation_sent_at', nullable: true })
  confirmationSentAt!: Date | null;

  /** How many confirmation emails were sent: the outbox key's last part. */
  @Column({ type: 'int', name: 'confirmations_sent', default: 0 })
  confirmationsSent!: number;

  @Column({ type: 'timestamptz', name: 'confirm_expires_at', nullable: true })
  confirmExpiresAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'confirmed_at', nullable: true })
  confirmedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'unsubscribed_at', nullable: true })
  unsubscribedAt!: Date | null;

  @Column({ type: 'int', name: 'bounce_count', default: 0 })
  bounceCount!: number;

  @Column({ type: 'timestamptz', name: 'last_bounce_at', nullable: true })
  lastBounceAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @VersionColumn()
  version!: number;
}
