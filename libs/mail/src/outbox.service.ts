import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, QueryRunner } from 'typeorm';
import { OutboxMessageEntity, OutboxStatus } from '@app/persistence';
import { CalendarEventAttachment, isPermanentSmtpFailure, MailTransport, SmtpDeadlineExceededError } from './mail-transport';
import type { RenderedEmail } from './templates';

export interface EmailToSend extends RenderedEmail {
  /** Deterministic key, e.g. `evidence-request:<milestone>:<cycle>`: one key, at most one email. */
  idempotencyKey: string;
  to: string;
  /** Whose coordinators see this message if it fails. */
  jurisdictionId?: string | null;
  /** A calendar invitation (METHOD:REQUEST) or cancellation (METHOD:CANCEL) sent with the email, and again with a resend. */
  calendarEvent?: CalendarEventAttachment;
}

export type SendOutcome = 'sent' | 'already_sent' | 'failed_permanently' | 'unconfirmed';

/** Raised for failures worth retrying (server down, timeouts); the caller's retry policy applies. */
export class TransientMailError extends Error {}

/**
 * Sends each email at most once, and says so when it cannot know.
 *
 * The row is found (or created) by its idempotency key. While one caller sends a key, it holds a
 * PostgreSQL advisory lock on that key, so concurrent callers wait and then see `sent`. Before the
 * message goes to the SMTP server the row is marked `sending` (committed). A caller that finds a row
 * still `sending` knows the previous attempt died mid-send (the lock was released with its
 * connection): the server may or may not have the message, so it is not sent again but marked
 * `unconfirmed` for the coordinator to check and resend. A permanent refusal is recorded as
 * `failed`, not retried. A transient failure resets the row to `pending` and throws, for a retry.
 * A send the SMTP server has not confirmed within SMTP_SEND_DEADLINE_MS may still be delivered
 * after it, so it is recorded `unconfirmed` too, at once, rather than sent twice.
 *
 * `send` may wait: for the key's lock while another caller sends it, then for the SMTP server. A
 * Temporal activity calling it heartbeats meanwhile (apps/worker/src/activities/heartbeat.ts).
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger(OutboxService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
  ) {}

  async send(email: EmailToSend): Promise<SendOutcome> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(hashtext($1))', [email.idempotencyKey]);
      try {
        return await this.sendLocked(runner, email);
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [email.idempotencyKey]);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * A coordinator's decision to send a failed or unconfirmed message again (e.g. after checking with
   * the recipient). Returns null when the message is not in one of those states. `onReset` runs in the
   * transaction that puts the message back to `pending` (the caller's audit record), so the decision
   * is recorded exactly when it is taken, whatever the SMTP server does next.
   */
  async resend(id: string, onReset?: (manager: EntityManager, before: OutboxMessageEntity) => Promise<void>): Promise<SendOutcome | null> {
    const row = await this.dataSource.transaction(async (manager) => {
      const before = await manager.findOneBy(OutboxMessageEntity, { id });
      if (!before) return null;
      const reset = await manager.update(OutboxMessageEntity, { id, status: In([OutboxStatus.Failed, OutboxStatus.Unconfirmed]) }, { status: OutboxStatus.Pending });
      if (!reset.affected) return null;
      await onReset?.(manager, before);
      return before;
    });
    if (!row) return null;
    return this.send({ idempotencyKey: row.idempotencyKey, to: row.toAddress, subject: row.subject, text: row.textBody, html: row.htmlBody ?? '', jurisdictionId: row.jurisdictionId, calendarEvent: row.calendarEvent ?? undefined });
  }

  private async sendLocked(runner: QueryRunner, email: EmailToSend): Promise<SendOutcome> {
    const repo = runner.manager.getRepository(OutboxMessageEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        idempotencyKey: email.idempotencyKey,
        toAddress: email.to,
        subject: email.subject,
        textBody: email.text,
        htmlBody: email.html,
        status: OutboxStatus.Pending,
        messageId: `<${createHash('sha256').update(email.idempotencyKey).digest('hex').slice(0, 32)}@ogp-monitor>`,
        jurisdictionId: email.jurisdictionId ?? null,
        calendarEvent: email.calendarEvent ?? null,
      })
      .orIgnore()
      .execute();
    const row = await repo.findOneByOrFail({ idempotencyKey: email.idempotencyKey });
    switch (row.status) {
      case OutboxStatus.Sent:
        return 'already_sent';
      case OutboxStatus.Failed:
        return 'failed_permanently';
      case OutboxStatus.Unconfirmed:
        return 'unconfirmed';
      case OutboxStatus.Sending:
        await repo.update({ id: row.id }, { status: OutboxStatus.Unconfirmed, lastError: 'An earlier attempt stopped while sending; the message may or may not have been delivered.' });
        this.logger.warn({ msg: 'email unconfirmed: an earlier attempt died mid-send; not sent again', idempotencyKey: row.idempotencyKey });
        return 'unconfirmed';
    }

    await repo.update({ id: row.id }, { status: OutboxStatus.Sending, attempts: row.attempts + 1 });
    try {
      await this.transport.send({ to: row.toAddress, subject: row.subject, text: row.textBody, html: row.htmlBody, messageId: row.messageId, calendarEvent: row.calendarEvent });
    } catch (error) {
      const lastError = String((error as Error).message ?? error).slice(0, 2000);
      if (error instanceof SmtpDeadlineExceededError) {
        await repo.update({ id: row.id }, { status: OutboxStatus.Unconfirmed, lastError: `${lastError}; the message may or may not have been delivered.` });
        this.logger.warn({ msg: 'email unconfirmed: the SMTP server did not confirm it in time; not sent again', idempotencyKey: row.idempotencyKey });
        return 'unconfirmed';
      }
      if (isPermanentSmtpFailure(error)) {
        await repo.update({ id: row.id }, { status: OutboxStatus.Failed, lastError });
        this.logger.warn({ msg: 'email refused permanently', idempotencyKey: row.idempotencyKey, error: lastError });
        return 'failed_permanently';
      }
      await repo.update({ id: row.id }, { status: OutboxStatus.Pending, lastError });
      throw new TransientMailError(`sending ${row.idempotencyKey} failed: ${lastError}`);
    }
    await repo.update({ id: row.id }, { status: OutboxStatus.Sent, sentAt: new Date(), lastError: null });
    this.logger.log({ msg: 'email sent', idempotencyKey: row.idempotencyKey });
    return 'sent';
  }
}
