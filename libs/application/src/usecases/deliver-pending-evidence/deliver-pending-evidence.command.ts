import { IsInt, Max, Min } from 'class-validator';
import { BaseCommand } from '../../base-command';

export class DeliverPendingEvidenceCommand extends BaseCommand {
  /** Only evidence submitted at least this long ago: younger uploads may still be waiting for their own answer. */
  @IsInt() @Min(0)
  olderThanSeconds!: number;

  @IsInt() @Min(1) @Max(10_000)
  limit!: number;
}
