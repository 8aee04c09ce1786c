import { IsBoolean, IsOptional } from 'class-validator';
import { SyncPlanScheduleCommand } from '../../plan-calendar-schedule-sync';

/** `withoutSettings`: a plan without check-in settings (see SyncPlanScheduleCommand). */
export class SyncPlanCheckInsCommand extends SyncPlanScheduleCommand {
  /**
   * Housekeeping: also nudges the workflows of the plan's check-ins not yet finished (an active plan
   * only), as their status says, so a signal the API could not send after its commit reaches them.
   */
  @IsOptional() @IsBoolean()
  nudgeCheckIns?: boolean;
}
