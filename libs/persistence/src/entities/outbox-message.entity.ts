import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum OutboxStatus {
  Pending = 'pending',
  /**
   * Taken by a batch that will hand it over shortly (sendBatch claims a group ahead). Never handed
   * over yet, so an attempt that died leaves it safe to send: it counts as pending.
   */
  Claimed = 'claimed',
  /** Handed to the SMTP server right now (committed before the hand-over). */
  Sending = 'sending',
  Sent = 'sent',
  /** The server refused the address permanently; a coordinator must fix it. */
  Failed = 'failed',
  /** An attempt died while sending: delivery unknown, so not sent again; a coordinator decides. */
  Unconfirmed = 'unconfirmed',
}

/**
 * Every email the system sends, keyed by a deterministic idempotency key
 * (e.g. `evidence-request:<milestone>:<cycle>`). The unique key is what makes a retried send a no-op.
 */
@Entity('outbox_message')
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', name: 'idempotency_key', unique: true })
  idempotencyKey!: string;

  @Column({ type: 'text', name: 'to_address' })
  toAddress!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text', name: 'text_body' })
  textBody!: string;

  @Column({ type: 'text', name: 'html_body', nullable: true })
  htmlBody!: string | null;

  @Column({ type: 'text' })
  status!: OutboxStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError!: string | null;

  /** RFC 5322 Message-ID given to the message, derived from the key. */
  @Column({ type: 'text', name: 'message_id' })
  messageId!: string;

  /** The jurisdiction whose coordinators see the message when it fails. */
  /** A calendar invitation sent with the email (iCalendar text, METHOD:REQUEST or CANCEL); null for plain emails. */
  @Column({ type: 'jsonb', name: 'calendar_event', nullable: true })
  calendarEvent!: { method: 'REQUEST' | 'CANCEL'; content: string; filename: string } | null;

  /** Extra headers sent with the message (List-Unsubscribe, List-Unsubscribe-Post); null for none. */
  @Column({ type: 'jsonb', nullable: true })
  headers!: Record<string, string> | null;

  /**
   * A digest's body: the archived issue (digest_issue) whose text and HTML, filled with
   * `templateValues` (`%%name%%` markers), are the message; `text_body` is then empty.
   */
  @Column({ type: 'uuid', name: 'digest_issue_id', nullable: true })
  digestIssueId!: string | null;

  @Column({ type: 'jsonb', name: 'template_values', nullable: true })
  templateValues!: Record<string, string> | null;

  @Column({ type: 'uuid', name: 'jurisdiction_id', nullable: true })
  jurisdictionId!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'sent_at', nullable: true })
  sentAt!: Date | null;
}
