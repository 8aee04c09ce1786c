import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { MilestoneStatus, PlanStatus } from '@app/domain';
import { ActionPlanEntity, MilestoneRepository } from '@app/persistence';
import { CommitmentWorkflows } from '@app/temporal';
import { MilestoneWorkflowSync } from '../../milestone-workflow-sync.service';
import { SyncPlanWorkflowsCommand } from './sync-plan-workflows.command';

export interface PlanWorkflowsSynced {
  planId: string;
  planStatus: string;
  /** Milestones handed to their commitment's workflow (follow; a no-op for one already followed). */
  handedOver: number;
  /** Milestone workflows told to end (through their commitment's workflow). */
  cancelled: number;
}

/**
 * Makes Temporal match the plan, idempotently: in an active plan every followed milestone is
 * followed by a running workflow; in a plan that is not active (draft, closed) no milestone workflow
 * runs; in either, a milestone cancelled in the database has no running workflow. Activation and
 * closing run it after their commit; housekeeping runs it for active and recently closed plans, so a
 * hand-over that failed heals itself. Errors are the gateway's (WorkflowEngineUnavailableError).
 */
@Injectable()
export class SyncPlanWorkflows {
  private readonly logger = new Logger(SyncPlanWorkflows.name);

  constructor(
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    private readonly milestones: MilestoneRepository,
    private readonly sync: MilestoneWorkflowSync,
    private readonly workflows: CommitmentWorkflows,
  ) {}

  async execute(command: SyncPlanWorkflowsCommand): Promise<PlanWorkflowsSynced> {
    const plan = await this.plans.findOneByOrFail({ id: command.planId });
    const followed = await this.milestones.followedOfPlan(plan.id);
    // Listed from Temporal's visibility (a little behind): a follow sent twice is a no-op, and a cancellation of an ended workflow too.
    const running = command.scope === 'missing' || plan.status !== PlanStatus.Active ? await this.workflows.runningMilestones(plan.id) : [];
    const runningIds = new Set(running.map((r) => r.milestoneId));
    const result: PlanWorkflowsSynced = { planId: plan.id, planStatus: plan.status, handedOver: 0, cancelled: 0 };

    if (plan.status === PlanStatus.Active) {
      for (const milestone of followed) {
        if (command.scope === 'missing' && runningIds.has(milestone.id)) continue;
        await this.sync.follow(milestone, plan);
        result.handedOver++;
      }
      // A cancellation that never reached its workflow (the row says cancelled, Temporal still runs it).
      const cancelledRows = await this.milestones.findByIds([...runningIds], MilestoneStatus.Cancelled);
      for (const milestone of cancelledRows) {
        await this.sync.cancelWorkflow(milestone.id, milestone.commitmentId, milestone.cancelledReason ?? 'The milestone was cancelled');
        result.cancelled++;
      }
    } else {
      const reason = command.reason ?? (plan.status === PlanStatus.Closed ? 'The action plan was closed' : 'The action plan is not active');
      const targets = new Map<string, string>(); // milestone id → commitment id
      if (command.scope === 'all') for (const milestone of followed) targets.set(milestone.id, milestone.commitmentId);
      const unknown = [...runningIds].filter((id) => !targets.has(id));
      for (const milestone of await this.milestones.findByIds(unknown)) targets.set(milestone.id, milestone.commitmentId);
      for (const [milestoneId, commitmentId] of targets) {
        await this.sync.cancelWorkflow(milestoneId, commitmentId, reason);
        result.cancelled++;
      }
    }
    if (command.scope === 'missing' && (result.handedOver > 0 || result.cancelled > 0)) this.logger.log({ msg: 'plan workflows reconciled', ...result });
    return result;
  }
}
