import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PlanStatus } from '@app/domain';
import type { ActionPlanEntity } from '@app/persistence';
import { WorkflowEngineUnavailableError } from '@app/temporal';
import { commitPlanStatus } from '../../plan-status';
import { SyncPlanCheckIns, syncCheckInsAfterCommit } from '../sync-plan-check-ins';
import { SyncPlanDigests, syncDigestsAfterCommit } from '../sync-plan-digests';
import { SyncPlanWorkflows, SyncPlanWorkflowsCommand } from '../sync-plan-workflows';
import { ActivatePlanCommand } from './activate-plan.command';

export interface PlanStatusChanged {
  plan: ActionPlanEntity;
  /** Milestone workflows handed over (activation) or told to end (closing); 0 when the hand-over failed. */
  workflowsChanged: number;
  /** The hand-over failed after the commit: housekeeping (or POST /plans/{id}/workflows/sync) finishes it. */
  warnings: { field: string; message: string }[];
}

/**
 * draft → active. The status is committed first, then the followed milestones are handed to their
 * commitment workflows (signal-with-start, idempotent) and, when the plan has check-in settings, its
 * Dialogue Board schedule is created and triggered once (SyncPlanCheckIns) and, with digest
 * settings, its digest schedule is created (SyncPlanDigests). No workflow ever runs for
 * a plan that did not become active; a hand-over that fails after the commit is finished by
 * housekeeping's reconcile.
 */
@Injectable()
export class ActivatePlan {
  private readonly logger = new Logger(ActivatePlan.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly syncPlanWorkflows: SyncPlanWorkflows,
    private readonly syncPlanCheckIns: SyncPlanCheckIns,
    private readonly syncPlanDigests: SyncPlanDigests,
  ) {}

  async execute(command: ActivatePlanCommand): Promise<PlanStatusChanged> {
    const { after } = await commitPlanStatus(this.db, { ...command, from: PlanStatus.Draft, to: PlanStatus.Active, action: 'action_plan.activated' });
    const milestones = await handOver(this.syncPlanWorkflows, this.logger, after, 'handedOver', 'The plan is active, but its milestones could not be handed to their workflows yet');
    const checkIns = await syncCheckInsAfterCommit(this.syncPlanCheckIns, this.logger, after.id, 'The plan is active, but its Dialogue Board schedule could not be created yet', 'leave');
    const digests = await syncDigestsAfterCommit(this.syncPlanDigests, this.logger, after.id, 'The plan is active, but its digest schedule could not be created yet', 'leave');
    return { ...milestones, warnings: [...milestones.warnings, ...checkIns.warnings, ...digests.warnings] };
  }
}

/** After the commit: reconciles the plan's workflows; Temporal out of reach is a warning, not an error. */
export async function handOver(sync: SyncPlanWorkflows, logger: Logger, plan: ActionPlanEntity, count: 'handedOver' | 'cancelled', notYet: string): Promise<PlanStatusChanged> {
  try {
    const synced = await sync.execute(SyncPlanWorkflowsCommand.create({ planId: plan.id, scope: 'all' }));
    return { plan, workflowsChanged: synced[count], warnings: [] };
  } catch (error) {
    if (!(error instanceof WorkflowEngineUnavailableError)) throw error;
    logger.warn({ msg: 'hand-over to the workflows failed after the commit; housekeeping will finish it', planId: plan.id, status: plan.status, error: error.message });
    return {
      plan,
      workflowsChanged: 0,
      warnings: [
        {
          field: 'status',
          message: `${notYet} (the workflow engine did not answer). Housekeeping hands them over on its next run, or call POST /plans/${plan.id}/workflows/sync once the engine is reachable.`,
        },
      ],
    };
  }
}
