import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { WorkflowNotFoundError } from '@temporalio/client';
import { In, Repository } from 'typeorm';
import { MilestoneStatus, PlanStatus, resolvePolicy } from '@app/domain';
import { ActionPlanEntity, CommitmentEntity, MilestoneEntity } from '@app/persistence';
import { MilestoneWorkflows } from '@app/temporal';
import { milestoneWorkflowId } from '@app/workflows';
import { ProblemException } from '../common/problem-details.filter';
import type { WorkflowEffectDto } from './dto/milestone.dto';

/** Milestones whose workflow is (or should be) still running. */
const FOLLOWED = [MilestoneStatus.NotStarted, MilestoneStatus.Open, MilestoneStatus.EvidenceRequested, MilestoneStatus.Overdue];

/**
 * Carries changes of the plan to the milestone workflows: the database is written first, then the
 * workflow is started, updated or ended. Workflows run only while their plan is active.
 */
@Injectable()
export class MilestoneWorkflowSync {
  private readonly logger = new Logger(MilestoneWorkflowSync.name);

  constructor(
    private readonly workflows: MilestoneWorkflows,
    @InjectRepository(CommitmentEntity) private readonly commitments: Repository<CommitmentEntity>,
    @InjectRepository(MilestoneEntity) private readonly milestones: Repository<MilestoneEntity>,
  ) {}

  /** Starts the workflow of a milestone of an active plan. Throws 503 when Temporal refuses. */
  async start(milestone: MilestoneEntity, plan: ActionPlanEntity): Promise<WorkflowEffectDto> {
    const workflowId = milestoneWorkflowId(milestone.id);
    if (plan.status !== PlanStatus.Active) return { workflowId, effect: 'none', detail: 'The plan is not active: the workflow starts when it is activated.' };
    try {
      const commitment = await this.commitments.findOneByOrFail({ id: milestone.commitmentId });
      const result = await this.workflows.start(milestone, plan.id, resolvePolicy({ ...plan.policy, ...(commitment.policyOverrides ?? {}) }));
      return { workflowId, effect: result.started ? 'started' : 'already_running' };
    } catch (error) {
      throw new ProblemException(503, 'Service Unavailable', `The workflow engine did not accept the milestone's workflow. Try again. (${String(error)})`);
    }
  }

  async replan(milestone: MilestoneEntity, plan: ActionPlanEntity, replanningId: string, reason: string): Promise<WorkflowEffectDto> {
    if (plan.status !== PlanStatus.Active) return { workflowId: milestoneWorkflowId(milestone.id), effect: 'none', detail: 'The plan is not active.' };
    return this.deliver(milestone.id, () => this.workflows.replan(milestone.id, replanningId, milestone.dueAt, reason));
  }

  async cancel(milestone: MilestoneEntity, plan: ActionPlanEntity, reason: string): Promise<WorkflowEffectDto> {
    if (plan.status !== PlanStatus.Active) return { workflowId: milestoneWorkflowId(milestone.id), effect: 'none', detail: 'The plan is not active.' };
    return this.deliver(milestone.id, () => this.workflows.cancel(milestone.id, reason));
  }

  /** On activation: a workflow for every milestone still to follow. Returns how many were started. */
  async startAll(plan: ActionPlanEntity): Promise<number> {
    let started = 0;
    for (const milestone of await this.followed(plan)) {
      const effect = await this.start(milestone, plan);
      if (effect.effect === 'started') started += 1;
    }
    return started;
  }

  /** On closing: ends every running workflow of the plan. Returns how many were ended. */
  async endAll(plan: ActionPlanEntity, reason: string): Promise<number> {
    let ended = 0;
    for (const milestone of await this.followed(plan)) {
      const effect = await this.deliver(milestone.id, () => this.workflows.cancel(milestone.id, reason));
      if (effect.effect === 'signalled') ended += 1;
    }
    return ended;
  }

  private async followed(plan: ActionPlanEntity): Promise<MilestoneEntity[]> {
    const commitments = await this.commitments.find({ where: { planId: plan.id }, select: { id: true } });
    if (commitments.length === 0) return [];
    return this.milestones.find({ where: { commitmentId: In(commitments.map((c) => c.id)), status: In(FOLLOWED) } });
  }

  /** Sends an update; a workflow that has already ended (or refuses) is reported, not an error. */
  private async deliver(milestoneId: string, send: () => Promise<unknown>): Promise<WorkflowEffectDto> {
    const workflowId = milestoneWorkflowId(milestoneId);
    try {
      await send();
      return { workflowId, effect: 'signalled' };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || isClosedWorkflowError(error)) {
        return { workflowId, effect: 'not_running', detail: (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message };
      }
      this.logger.error({ msg: 'workflow update failed', workflowId, error: String(error) });
      throw new ProblemException(503, 'Service Unavailable', `The change was saved, but the workflow engine could not be told; it will be retried by calling again. (${String(error)})`);
    }
  }
}

function isClosedWorkflowError(error: unknown): boolean {
  return /workflow execution already completed|already completed/i.test(String((error as Error)?.message ?? ''));
}
