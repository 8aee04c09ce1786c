import { IsDate, IsInt, Max, Min } from 'class-validator';
import { BaseCommand } from '../../base-command';

export class PurgeUnconfirmedSubscribersCommand extends BaseCommand {
  @IsDate()
  now!: Date;

  /** Unconfirmed subscribers whose last confirmation email is older than this are purged (SUBSCRIBER_UNCONFIRMED_RETENTION_DAYS). */
  @IsInt() @Min(1) @Max(3650)
  retentionDays!: number;

  /** At most this many per run; the next run takes the rest. */
  @IsInt() @Min(1) @Max(100_000)
  limit!: number;
}
