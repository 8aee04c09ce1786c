import { IsIn, IsUUID } from 'class-validator';
import { BaseCommand } from '../../base-command';

export class SyncPlanWorkflowsCommand extends BaseCommand {
  @IsUUID()
  planId!: string;

  /**
   * `all`: every followed milestone of an active plan is handed over (activation, POST
   * /plans/{id}/workflows/sync), and in a plan that is not active every followed one is cancelled
   * (closing). `missing`: only what Temporal does not already run (housekeeping: it lists the plan's
   * running milestone workflows by `OgpPlanId` and signals the difference).
   */
  @IsIn(['all', 'missing'])
  scope!: 'all' | 'missing';

  /** Told to the workflows cancelled because their plan is not active. */
  reason?: string;
}
