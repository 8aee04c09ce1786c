import { In, Repository } from 'typeorm';
import { PlanStatus } from '@app/domain';
import type { ActionPlanEntity } from '@app/persistence';
import { notFound } from '../auth/access';

/** Plans anyone may read: active or closed (a draft is nobody's business but its coordinators'). */
export const PUBLISHED_PLAN_STATUSES = [PlanStatus.Active, PlanStatus.Closed];

/** The published plan `id`, or a 404 problem (a draft answers as if it did not exist). */
export async function findPublishedPlan(plans: Repository<ActionPlanEntity>, id: string): Promise<ActionPlanEntity> {
  const plan = await plans.findOneBy({ id, status: In(PUBLISHED_PLAN_STATUSES) });
  if (!plan) throw notFound('published action plan', id);
  return plan;
}
