import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ERASED_ADDRESS, unconfirmedPurgeCutoff } from '@app/domain';
import { PurgeUnconfirmedSubscribersCommand } from './purge-unconfirmed-subscribers.command';

export interface UnconfirmedSubscribersPurged {
  /** Subscribers deleted: they never confirmed, and their last confirmation email is older than the retention. */
  purged: number;
  /** Their outbox messages, whose recipient was replaced by a placeholder. */
  outboxMessagesRedacted: number;
}

/**
 * Addresses that never confirmed are kept no longer than needed: housekeeping deletes subscribers
 * still `pending` whose last confirmation email (or creation) is older than the retention, and writes
 * a placeholder over the address in their outbox messages (keys `subscription-…:<subscriberId>:…`).
 * One transaction per run; safe to repeat.
 */
@Injectable()
export class PurgeUnconfirmedSubscribers {
  private readonly logger = new Logger(PurgeUnconfirmedSubscribers.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(command: PurgeUnconfirmedSubscribersCommand): Promise<UnconfirmedSubscribersPurged> {
    const cutoff = unconfirmedPurgeCutoff(command.now, command.retentionDays);
    const result = await this.dataSource.transaction(async (manager) => {
      const deleted: { id: string }[] = await manager.query(
        // A SELECT over the deletion, so the driver answers with the rows (a bare DELETE answers [rows, count]).
        `WITH gone AS (
           DELETE FROM subscriber WHERE id IN (
             SELECT id FROM subscriber WHERE status = 'pending' AND coalesce(confirmation_sent_at, created_at) < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED
           ) RETURNING id
         ) SELECT id FROM gone`,
        [cutoff, command.limit],
      );
      if (deleted.length === 0) return { purged: 0, outboxMessagesRedacted: 0 };
      const ids = deleted.map((row) => row.id);
      const [, redacted]: [unknown[], number] = await manager.query(
        `UPDATE outbox_message SET to_address = $1 WHERE idempotency_key LIKE 'subscription-%' AND split_part(idempotency_key, ':', 2) = ANY($2::text[]) AND to_address <> $1`,
        [ERASED_ADDRESS, ids],
      );
      return { purged: ids.length, outboxMessagesRedacted: redacted };
    });
    if (result.purged > 0) this.logger.log({ msg: 'unconfirmed subscribers purged', ...result });
    return result;
  }
}
