import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PlanStatus } from '@app/domain';
import { commitPlanStatus } from '../../plan-status';
import { handOver, PlanStatusChanged } from '../activate-plan/activate-plan.usecase';
import { SyncPlanCheckIns, syncCheckInsAfterCommit } from '../sync-plan-check-ins';
import { SyncPlanDigests, syncDigestsAfterCommit } from '../sync-plan-digests';
import { SyncPlanWorkflows } from '../sync-plan-workflows';
import { ClosePlanCommand } from './close-plan.command';

/**
 * active → closed (read-only from then on). The status is committed first, then every milestone
 * workflow of the plan is told to end through its commitment's workflow, and its Dialogue Board
 * schedule and its digest schedule are deleted (check-ins already prepared keep their workflows); a hand-over that fails
 * after the commit is finished by housekeeping, which reconciles recently closed plans too.
 */
@Injectable()
export class ClosePlan {
  private readonly logger = new Logger(ClosePlan.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly syncPlanWorkflows: SyncPlanWorkflows,
    private readonly syncPlanCheckIns: SyncPlanCheckIns,
    private readonly syncPlanDigests: SyncPlanDigests,
  ) {}

  async execute(command: ClosePlanCommand): Promise<PlanStatusChanged> {
    const { after } = await commitPlanStatus(this.db, { ...command, from: PlanStatus.Active, to: PlanStatus.Closed, action: 'action_plan.closed' });
    const milestones = await handOver(this.syncPlanWorkflows, this.logger, after, 'cancelled', 'The plan is closed, but its milestone workflows could not be told to end yet');
    const checkIns = await syncCheckInsAfterCommit(this.syncPlanCheckIns, this.logger, after.id, 'The plan is closed, but its Dialogue Board schedule could not be deleted yet', 'leave');
    const digests = await syncDigestsAfterCommit(this.syncPlanDigests, this.logger, after.id, 'The plan is closed, but its digest schedule could not be deleted yet', 'leave');
    return { ...milestones, warnings: [...milestones.warnings, ...checkIns.warnings, ...digests.warnings] };
  }
}
