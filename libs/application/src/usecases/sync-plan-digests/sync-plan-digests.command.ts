import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { BaseCommand } from '../../base-command';

export class SyncPlanDigestsCommand extends BaseCommand {
  @IsUUID()
  planId!: string;

  /**
   * A plan without digest settings: `delete` (default) makes sure it has no schedule (housekeeping,
   * the API after deleting the settings); `leave` asks Temporal nothing, for activation and closing of
   * a plan that has never had settings to schedule from.
   */
  @IsOptional() @IsIn(['delete', 'leave'])
  withoutSettings?: 'delete' | 'leave';
}
