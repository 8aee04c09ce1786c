import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PlanStatus } from '@app/domain';
import { commitPlanStatus } from '../../plan-status';
import { handOver, PlanStatusChanged } from '../activate-plan/activate-plan.usecase';
import { SyncPlanWorkflows } from '../sync-plan-workflows';
import { ClosePlanCommand } from './close-plan.command';

/**
 * active → closed (read-only from then on). The status is committed first, then every milestone
 * workflow of the plan is told to end through its commitment's workflow; a hand-over that fails
 * after the commit is finished by housekeeping, which reconciles recently closed plans too.
 */
@Injectable()
export class ClosePlan {
  private readonly logger = new Logger(ClosePlan.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly syncPlanWorkflows: SyncPlanWorkflows,
  ) {}

  async execute(command: ClosePlanCommand): Promise<PlanStatusChanged> {
    const { after } = await commitPlanStatus(this.db, { ...command, from: PlanStatus.Active, to: PlanStatus.Closed, action: 'action_plan.closed' });
    return handOver(this.syncPlanWorkflows, this.logger, after, 'cancelled', 'The plan is closed, but its milestone workflows could not be told to end yet');
  }
}
