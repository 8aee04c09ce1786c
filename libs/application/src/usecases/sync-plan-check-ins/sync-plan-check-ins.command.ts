import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { BaseCommand } from '../../base-command';

export class SyncPlanCheckInsCommand extends BaseCommand {
  @IsUUID()
  planId!: string;

  /**
   * A plan without check-in settings: `delete` (default) makes sure it has no schedule (housekeeping,
   * the API after deleting the settings); `leave` asks Temporal nothing, for activation and closing of
   * a plan that has never had settings to schedule from.
   */
  @IsOptional() @IsIn(['delete', 'leave'])
  withoutSettings?: 'delete' | 'leave';

  /**
   * Housekeeping: also nudges the workflows of the plan's check-ins not yet finished (an active plan
   * only), as their status says, so a signal the API could not send after its commit reaches them.
   */
  @IsOptional() @IsBoolean()
  nudgeCheckIns?: boolean;
}
