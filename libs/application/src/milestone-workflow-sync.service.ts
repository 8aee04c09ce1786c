import { Injectable } from '@nestjs/common';
import { effectivePolicy, PlanStatus } from '@app/domain';
import { ActionPlanEntity, CommitmentEntity, CommitmentRepository, MilestoneEntity, MilestoneRepository } from '@app/persistence';
import { CommitmentRef, CommitmentWorkflows, reasonOf, WorkflowEngineUnavailableError } from '@app/temporal';
import { commitmentWorkflowId, milestoneWorkflowId } from '@app/workflows';

/** Which workflows a change reached, and how (the `workflow` of a milestone write's response). */
export interface WorkflowEffect {
  workflowId: string;
  commitmentWorkflowId: string;
  effect: 'following' | 'signalled' | 'none';
  detail?: string;
}

/**
 * Carries changes of the plan to the workflows: the commitment's workflow is told (signal-with-start),
 * and it starts, replans or cancels the milestone's workflow. `start`, `replan` and `cancel` are for
 * callers that tell it inside their transaction, before the commit, so a change Temporal did not take
 * is not saved either (WorkflowEngineUnavailableError saying so). `follow` and `cancelWorkflow` hand
 * over after a commit: their errors are the gateway's. Workflows run only while their plan is active.
 */
@Injectable()
export class MilestoneWorkflowSync {
  constructor(
    private readonly workflows: CommitmentWorkflows,
    private readonly commitments: CommitmentRepository,
    private readonly milestones: MilestoneRepository,
  ) {}

  /** Has the milestone of an active plan followed by its commitment's workflow. */
  async start(milestone: MilestoneEntity, plan: ActionPlanEntity): Promise<WorkflowEffect> {
    if (plan.status !== PlanStatus.Active) return noEffect(milestone, 'The plan is not active: the workflow starts when it is activated.');
    return this.beforeCommit(milestone, 'following', () => this.follow(milestone, plan));
  }

  async replan(milestone: MilestoneEntity, plan: ActionPlanEntity, replanningId: string, reason: string): Promise<WorkflowEffect> {
    if (plan.status !== PlanStatus.Active) return noEffect(milestone, 'The plan is not active.');
    const commitment = await this.commitments.getById(milestone.commitmentId);
    return this.beforeCommit(milestone, 'signalled', () => this.workflows.replan(refOf(commitment), milestone.id, replanningId, milestone.dueAt, reason));
  }

  async cancel(milestone: MilestoneEntity, plan: ActionPlanEntity, reason: string): Promise<WorkflowEffect> {
    if (plan.status !== PlanStatus.Active) return noEffect(milestone, 'The plan is not active.');
    return this.beforeCommit(milestone, 'signalled', () => this.cancelWorkflow(milestone.id, milestone.commitmentId, reason));
  }

  /** Cancels the workflows of milestones the caller has just marked cancelled (a cancelled commitment). */
  async cancelMany(milestones: MilestoneEntity[], plan: ActionPlanEntity, reason: string): Promise<void> {
    for (const milestone of milestones) await this.cancel(milestone, plan, reason);
  }

  /** Every milestone of an active plan still to follow. Hands each to its commitment's workflow (a no-op for one followed already). */
  async startAll(plan: ActionPlanEntity): Promise<number> {
    const milestones = await this.milestones.followedOfPlan(plan.id);
    for (const milestone of milestones) await this.follow(milestone, plan);
    return milestones.length;
  }

  /** Signal-with-start `followMilestone`, with the commitment's effective policy. Gateway errors as they are. */
  async follow(milestone: MilestoneEntity, plan: ActionPlanEntity): Promise<void> {
    const commitment = await this.commitments.getById(milestone.commitmentId);
    await this.workflows.follow(refOf(commitment), milestone, effectivePolicy(plan.policy, commitment.policyOverrides));
  }

  /** Signal-with-start `cancelMilestone` through the commitment's workflow. Gateway errors as they are. */
  async cancelWorkflow(milestoneId: string, commitmentId: string, reason: string): Promise<void> {
    const commitment = await this.commitments.getById(commitmentId);
    await this.workflows.cancel(refOf(commitment), milestoneId, reason);
  }

  /** Tells the workflow before the caller commits: when Temporal does not take it, the caller saves nothing (503, try again). */
  private async beforeCommit(milestone: MilestoneEntity, effect: 'following' | 'signalled', send: () => Promise<unknown>): Promise<WorkflowEffect> {
    const ids = { workflowId: milestoneWorkflowId(milestone.id), commitmentWorkflowId: commitmentWorkflowId(milestone.commitmentId) };
    try {
      await send();
      return { ...ids, effect };
    } catch (error) {
      if (!(error instanceof WorkflowEngineUnavailableError)) throw error;
      throw new WorkflowEngineUnavailableError(`The workflow engine could not be told about the change, so nothing was saved; try again. (${reasonOf(error.cause ?? error)})`, error.outcomeUnknown, { cause: error });
    }
  }
}

function noEffect(milestone: MilestoneEntity, detail: string): WorkflowEffect {
  return { workflowId: milestoneWorkflowId(milestone.id), commitmentWorkflowId: commitmentWorkflowId(milestone.commitmentId), effect: 'none', detail };
}

export function refOf(commitment: CommitmentEntity): CommitmentRef {
  return { commitmentId: commitment.id, planId: commitment.planId, leadAgencyId: commitment.leadAgencyId };
}
