import { IsInt, Max, Min } from 'class-validator';
import { BaseCommand } from '../../base-command';

export class ReconcileWorkflowsCommand extends BaseCommand {
  /** Closed plans are reconciled for this many days after closing (their workflows' cancellation may have failed). */
  @IsInt() @Min(0) @Max(3650)
  closedWithinDays!: number;
}
