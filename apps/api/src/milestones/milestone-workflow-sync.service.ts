import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { MilestoneStatus, PlanStatus, resolvePolicy } from '@app/domain';
import { ActionPlanEntity, CommitmentEntity, MilestoneEntity } from '@app/persistence';
import { CommitmentRef, MilestoneWorkflows } from '@app/temporal';
import { commitmentWorkflowId, milestoneWorkflowId } from '@app/workflows';
import { ProblemException } from '../common/problem-details.filter';
import type { WorkflowEffectDto } from './dto/milestone.dto';

/** Milestones whose workflow is (or should be) still running. */
export const FOLLOWED_MILESTONE_STATUSES = [MilestoneStatus.NotStarted, MilestoneStatus.Open, MilestoneStatus.EvidenceRequested, MilestoneStatus.Overdue];

/**
 * Carries changes of the plan to the workflows: the commitment's workflow is told (signal-with-start),
 * and it starts, replans or cancels the milestone's workflow. Callers tell it inside their
 * transaction, before the commit, so a change Temporal did not take is not saved either; a new
 * milestone is the exception (its row must be visible to the workflow's activities): it is
 * committed first and deleted again when the signal fails. Workflows run only while their plan is active.
 */
@Injectable()
export class MilestoneWorkflowSync {
  private readonly logger = new Logger(MilestoneWorkflowSync.name);

  constructor(
    private readonly workflows: MilestoneWorkflows,
    @InjectRepository(CommitmentEntity) private readonly commitments: Repository<CommitmentEntity>,
    @InjectRepository(MilestoneEntity) private readonly milestones: Repository<MilestoneEntity>,
  ) {}

  /** Has the milestone of an active plan followed by its commitment's workflow. Throws 503 when Temporal refuses. */
  async start(milestone: MilestoneEntity, plan: ActionPlanEntity): Promise<WorkflowEffectDto> {
    if (plan.status !== PlanStatus.Active) return this.noEffect(milestone, 'The plan is not active: the workflow starts when it is activated.');
    const commitment = await this.commitments.findOneByOrFail({ id: milestone.commitmentId });
    const policy = resolvePolicy({ ...plan.policy, ...(commitment.policyOverrides ?? {}) });
    return this.tell(milestone, 'following', () => this.workflows.follow(refOf(commitment), milestone, policy));
  }

  async replan(milestone: MilestoneEntity, plan: ActionPlanEntity, replanningId: string, reason: string): Promise<WorkflowEffectDto> {
    if (plan.status !== PlanStatus.Active) return this.noEffect(milestone, 'The plan is not active.');
    const commitment = await this.commitments.findOneByOrFail({ id: milestone.commitmentId });
    return this.tell(milestone, 'signalled', () => this.workflows.replan(refOf(commitment), milestone.id, replanningId, milestone.dueAt, reason));
  }

  async cancel(milestone: MilestoneEntity, plan: ActionPlanEntity, reason: string): Promise<WorkflowEffectDto> {
    if (plan.status !== PlanStatus.Active) return this.noEffect(milestone, 'The plan is not active.');
    return this.cancelWorkflow(milestone, reason);
  }

  /** On activation: every milestone still to follow is handed to its commitment's workflow. Returns how many. */
  async startAll(plan: ActionPlanEntity): Promise<number> {
    const milestones = await this.followed(plan.id);
    for (const milestone of milestones) await this.start(milestone, plan);
    return milestones.length;
  }

  /** On closing (the plan is closed already): every running milestone workflow of the plan is cancelled. Returns how many were told. */
  async endAll(plan: ActionPlanEntity, reason: string): Promise<number> {
    const milestones = await this.followed(plan.id);
    for (const milestone of milestones) await this.cancelWorkflow(milestone, reason);
    return milestones.length;
  }

  /** Cancels the workflows of milestones the caller has just marked cancelled (a cancelled commitment). */
  async cancelMany(milestones: MilestoneEntity[], plan: ActionPlanEntity, reason: string): Promise<void> {
    for (const milestone of milestones) await this.cancel(milestone, plan, reason);
  }

  private async followed(planId: string): Promise<MilestoneEntity[]> {
    const commitments = await this.commitments.find({ where: { planId }, select: { id: true } });
    if (commitments.length === 0) return [];
    return this.milestones.find({ where: { commitmentId: In(commitments.map((c) => c.id)), status: In(FOLLOWED_MILESTONE_STATUSES) }, order: { dueAt: 'ASC' } });
  }

  private async cancelWorkflow(milestone: MilestoneEntity, reason: string): Promise<WorkflowEffectDto> {
    const commitment = await this.commitments.findOneByOrFail({ id: milestone.commitmentId });
    return this.tell(milestone, 'signalled', () => this.workflows.cancel(refOf(commitment), milestone.id, reason));
  }

  private noEffect(milestone: MilestoneEntity, detail: string): WorkflowEffectDto {
    return { workflowId: milestoneWorkflowId(milestone.id), commitmentWorkflowId: commitmentWorkflowId(milestone.commitmentId), effect: 'none', detail };
  }

  /** Signals the commitment's workflow; Temporal being unreachable is a 503 the caller can retry. */
  private async tell(milestone: MilestoneEntity, effect: 'following' | 'signalled', send: () => Promise<unknown>): Promise<WorkflowEffectDto> {
    const ids = { workflowId: milestoneWorkflowId(milestone.id), commitmentWorkflowId: commitmentWorkflowId(milestone.commitmentId) };
    try {
      await send();
      return { ...ids, effect };
    } catch (error) {
      this.logger.error({ msg: 'signal to the commitment workflow failed', ...ids, error: String(error) });
      throw new ProblemException(503, 'Service Unavailable', `The workflow engine could not be told about the change, so nothing was saved; try again. (${String(error)})`);
    }
  }
}

function refOf(commitment: CommitmentEntity): CommitmentRef {
  return { commitmentId: commitment.id, planId: commitment.planId, leadAgencyId: commitment.leadAgencyId };
}
