import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PlanStatus } from '@app/domain';
import { ActionPlanEntity, CommitmentEntity, CommitmentRepository, MilestoneEntity, MilestoneRepository } from '@app/persistence';
import { canSeeAgencyWork, canSeeJurisdiction, notFound } from '../auth/access';
import { Actor } from '../auth/actor';
import { ProblemException } from '../common/problem-details.filter';

/**
 * Loads a plan, commitment or milestone for an actor: 404 when it does not exist or lies outside
 * the actor's jurisdiction (or agency), and 409 for a write to a closed, read-only plan.
 */
@Injectable()
export class PlanScope {
  constructor(
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    private readonly commitments: CommitmentRepository,
    private readonly milestones: MilestoneRepository,
  ) {}

  async plan(actor: Actor, id: string, access: Access = 'read'): Promise<ActionPlanEntity> {
    const plan = await this.plans.findOneBy({ id });
    if (!plan || !canSeeJurisdiction(actor, plan.jurisdictionId)) throw notFound('action plan', id);
    if (access === 'write') assertWritable(plan);
    return plan;
  }

  async commitment(actor: Actor, id: string, access: Access = 'read'): Promise<{ commitment: CommitmentEntity; plan: ActionPlanEntity }> {
    const commitment = await this.commitments.findById(id);
    if (!commitment) throw notFound('commitment', id);
    const plan = await this.plans.findOneByOrFail({ id: commitment.planId });
    if (!canSeeJurisdiction(actor, plan.jurisdictionId)) throw notFound('commitment', id);
    if (access === 'write') assertWritable(plan);
    return { commitment, plan };
  }

  async milestone(actor: Actor, id: string, access: Access = 'read'): Promise<{ milestone: MilestoneEntity; commitment: CommitmentEntity; plan: ActionPlanEntity }> {
    const milestone = await this.milestones.findById(id);
    if (!milestone) throw notFound('milestone', id);
    const commitment = await this.commitments.getById(milestone.commitmentId);
    const plan = await this.plans.findOneByOrFail({ id: commitment.planId });
    if (!canSeeAgencyWork(actor, plan.jurisdictionId, milestone.responsibleAgencyId)) throw notFound('milestone', id);
    if (access === 'write') assertWritable(plan);
    return { milestone, commitment, plan };
  }
}

export type Access = 'read' | 'write';

export function assertWritable(plan: ActionPlanEntity): void {
  if (plan.status === PlanStatus.Closed) {
    throw new ProblemException(409, 'Conflict', 'The action plan is closed and read-only.', [{ field: 'status', message: 'the plan is closed' }]);
  }
}

export function ruleViolation(field: string, message: string): ProblemException {
  return new ProblemException(422, 'Unprocessable Entity', message, [{ field, message }]);
}
