import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OutboxMessageEntity, OutboxStatus } from '@app/persistence';
import { isPermanentSmtpFailure, MailTransport } from './mail-transport';
import type { RenderedEmail } from './templates';

export interface EmailToSend extends RenderedEmail {
  /** Deterministic key, e.g. `evidence-request:<milestone>:<cycle>`: one key, at most one email. */
  idempotencyKey: string;
  to: string;
}

export type SendOutcome = 'sent' | 'already_sent' | 'failed_permanently';

/** Raised for failures worth retrying (server down, timeouts); the caller's retry policy applies. */
export class TransientMailError extends Error {}

/**
 * Sends each email once. The row is created (or found) by its idempotency key and locked while the
 * message goes out, so a retried or concurrent send of the same key waits and then sees `sent`.
 * A permanent refusal is recorded as `failed` for the coordinator to see, and not retried.
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger(OutboxService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
  ) {}

  async send(email: EmailToSend): Promise<SendOutcome> {
    const messageId = `<${createHash('sha256').update(email.idempotencyKey).digest('hex').slice(0, 32)}@ogp-monitor>`;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(OutboxMessageEntity)
      .values({
        idempotencyKey: email.idempotencyKey,
        toAddress: email.to,
        subject: email.subject,
        textBody: email.text,
        htmlBody: email.html,
        status: OutboxStatus.Pending,
        messageId,
      })
      .orIgnore()
      .execute();

    const outcome = await this.dataSource.transaction(async (manager): Promise<SendOutcome | TransientMailError> => {
      const row = await manager
        .getRepository(OutboxMessageEntity)
        .createQueryBuilder('m')
        .setLock('pessimistic_write')
        .where('m.idempotency_key = :key', { key: email.idempotencyKey })
        .getOneOrFail();
      if (row.status === OutboxStatus.Sent) return 'already_sent';
      if (row.status === OutboxStatus.Failed) return 'failed_permanently';

      row.attempts += 1;
      try {
        await this.transport.send({ to: row.toAddress, subject: row.subject, text: row.textBody, html: row.htmlBody, messageId: row.messageId });
      } catch (error) {
        row.lastError = String((error as Error).message ?? error).slice(0, 2000);
        if (isPermanentSmtpFailure(error)) {
          row.status = OutboxStatus.Failed;
          await manager.save(row);
          this.logger.warn({ msg: 'email refused permanently', idempotencyKey: row.idempotencyKey, error: row.lastError });
          return 'failed_permanently';
        }
        await manager.save(row);
        // Returned, not thrown, so the attempt count and error are committed before the retry.
        return new TransientMailError(`sending ${row.idempotencyKey} failed: ${row.lastError}`);
      }
      row.status = OutboxStatus.Sent;
      row.sentAt = new Date();
      row.lastError = null;
      await manager.save(row);
      this.logger.log({ msg: 'email sent', idempotencyKey: row.idempotencyKey });
      return 'sent';
    });
    if (outcome instanceof TransientMailError) throw outcome;
    return outcome;
  }
}
