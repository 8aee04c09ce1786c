import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { canReplan, canTransition, checkMilestoneDates, MilestoneStatus, PlanStatus, RuleViolation } from '@app/domain';
import { CommitmentEntity, MilestoneEntity, MilestoneReplanningEntity, recordAudit } from '@app/persistence';
import { CommitmentWorkflows, MilestoneWorkflows } from '@app/temporal';
import { SyncPlanWorkflows, SyncPlanWorkflowsCommand } from '@app/application';
import type { MilestoneState } from '@app/workflows';
import { Actor, Role } from '../auth/actor';
import { staleVersion } from '../common/etag';
import { Page, pageOf, toPage } from '../common/pagination';
import { ProblemException } from '../common/problem-details.filter';
import { definedOnly, requireChanges, uniqueOr409 } from '../common/unique';
import { assertAgencyOf } from '../jurisdictions/assert-agency-of';
import {
  CancelMilestoneDto,
  CreateMilestoneDto,
  ListMilestonesQueryDto,
  mapMilestone,
  mapReplanning,
  MilestoneDto,
  MilestoneWriteResultDto,
  PlanWorkflowDto,
  PlanWorkflowsQueryDto,
  WorkflowSyncResultDto,
  ReplanMilestoneDto,
  ReplanningDto,
  UpdateMilestoneDto,
} from './dto/milestone.dto';
import { MilestoneWorkflowSync } from './milestone-workflow-sync.service';
import { PlanScope } from '../auth/plan-scope.service';

/** Milestones: creation, edits, replanning and cancellation, each carried to the milestone's workflow. */
@Injectable()
export class MilestonesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(MilestoneEntity) private readonly milestones: Repository<MilestoneEntity>,
    @InjectRepository(MilestoneReplanningEntity) private readonly replannings: Repository<MilestoneReplanningEntity>,
    private readonly scope: PlanScope,
    private readonly workflowSync: MilestoneWorkflowSync,
    private readonly workflows: MilestoneWorkflows,
    private readonly commitmentWorkflows: CommitmentWorkflows,
    private readonly syncPlanWorkflows: SyncPlanWorkflows,
  ) {}

  /**
   * Creates the milestone, then starts its workflow (when the plan is active). When Temporal refuses
   * the start, the milestone is removed again and the client gets a 503: nothing is left unfollowed.
   */
  async create(actor: Actor, commitmentId: string, dto: CreateMilestoneDto): Promise<MilestoneWriteResultDto> {
    const { plan } = await this.scope.commitment(actor, commitmentId, 'write');
    const startAt = new Date(dto.startAt);
    const dueAt = new Date(dto.dueAt);
    throwIfAny(checkMilestoneDates({ startAt, dueAt, periodStart: plan.periodStart, periodEnd: plan.periodEnd }));
    const warnings: { field: string; message: string }[] = [];

    const milestone = await uniqueOr409('externalId', `A milestone with externalId "${dto.externalId}" exists already in this commitment.`, () =>
      this.db.transaction(async (manager) => {
        await assertAgencyOf(manager, plan.jurisdictionId, dto.responsibleAgencyId, 'responsibleAgencyId');
        // Weighted commitment: the newcomer gets 0 so the weights still sum to 1 until they are set again.
        const weighted = (await manager.createQueryBuilder(MilestoneEntity, 'm').where('m.commitment_id = :commitmentId AND m.weight IS NOT NULL', { commitmentId }).getCount()) > 0;
        if (weighted) warnings.push({ field: 'weight', message: 'The commitment has weighted milestones: this one has weight 0 until the weights are set again (PUT /commitments/{id}/milestone-weights).' });
        const saved = await manager.save(
          manager.create(MilestoneEntity, {
            commitmentId,
            title: dto.title,
            expectedOutput: dto.expectedOutput ?? null,
            startAt,
            dueAt,
            originalDueAt: dueAt,
            responsibleAgencyId: dto.responsibleAgencyId,
            status: MilestoneStatus.NotStarted,
            weight: weighted ? 0 : null,
            verifiable: dto.verifiable ?? true,
            externalId: dto.externalId ?? null,
            completion: null,
            cancelledReason: null,
          }),
        );
        await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'milestone.created', entityType: 'milestone', entityId: saved.id, after: saved });
        return saved;
      }),
    );
    try {
      const workflow = await this.workflowSync.start(milestone, plan);
      return { ...mapMilestone(milestone), workflow, warnings };
    } catch (error) {
      // The signal may have reached Temporal although the call failed (a timeout): take it back, as far as possible.
      await this.workflowSync.cancel(milestone, plan, 'The milestone was not created').catch(() => undefined);
      await this.db.transaction(async (manager) => {
        await manager.delete(MilestoneEntity, { id: milestone.id });
        await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'milestone.creation_rolled_back', entityType: 'milestone', entityId: milestone.id, before: milestone });
      });
      throw error;
    }
  }

  /** Milestones of a plan, filtered; an agency sees its own only. */
  async listForPlan(actor: Actor, planId: string, query: ListMilestonesQueryDto): Promise<Page<MilestoneDto>> {
    await this.scope.plan(actor, planId);
    return this.search(actor, query, planId);
  }

  /** Milestones across the actor's jurisdiction (for an agency: its own work). */
  async list(actor: Actor, query: ListMilestonesQueryDto): Promise<Page<MilestoneDto>> {
    return this.search(actor, query, null);
  }

  private async search(actor: Actor, query: ListMilestonesQueryDto, planId: string | null): Promise<Page<MilestoneDto>> {
    const qb = this.milestones
      .createQueryBuilder('m')
      .innerJoin(CommitmentEntity, 'c', 'c.id = m.commitment_id')
      .innerJoin('action_plan', 'p', 'p.id = c.plan_id')
      .orderBy('m.due_at', 'ASC')
      .addOrderBy('m.id', 'ASC');
    if (planId) qb.andWhere('c.plan_id = :planId', { planId });
    if (actor.role !== Role.Admin) qb.andWhere('p.jurisdiction_id = :jurisdictionId', { jurisdictionId: actor.jurisdictionId });
    if (actor.role === Role.Agency) qb.andWhere('m.responsible_agency_id = :own', { own: actor.agencyId });
    if (query.status) qb.andWhere('m.status = :status', { status: query.status });
    if (query.agencyId) qb.andWhere('m.responsible_agency_id = :agencyId', { agencyId: query.agencyId });
    if (query.commitmentId) qb.andWhere('m.commitment_id = :commitmentId', { commitmentId: query.commitmentId });
    if (query.dueBefore) qb.andWhere('m.due_at < :dueBefore', { dueBefore: new Date(query.dueBefore) });
    if (query.dueAfter) qb.andWhere('m.due_at >= :dueAfter', { dueAfter: new Date(query.dueAfter) });
    const { take, skip } = pageOf(query);
    const [rows, total] = await qb.take(take).skip(skip).getManyAndCount();
    return toPage(rows.map(mapMilestone), total, query);
  }

  async get(actor: Actor, id: string): Promise<MilestoneDto> {
    return mapMilestone((await this.scope.milestone(actor, id)).milestone);
  }

  async update(actor: Actor, id: string, version: number, dto: UpdateMilestoneDto): Promise<MilestoneDto> {
    requireChanges(dto);
    const { milestone: before, plan } = await this.scope.milestone(actor, id, 'write');
    const after = await uniqueOr409('externalId', `A milestone with externalId "${dto.externalId}" exists already in this commitment.`, () =>
      this.db.transaction(async (manager) => {
        if (dto.responsibleAgencyId) await assertAgencyOf(manager, plan.jurisdictionId, dto.responsibleAgencyId, 'responsibleAgencyId');
        const result = await manager.createQueryBuilder().update(MilestoneEntity).set(definedOnly(dto)).where('id = :id AND version = :version', { id, version }).execute();
        if (!result.affected) throw staleVersion('milestone');
        const updated = await manager.findOneByOrFail(MilestoneEntity, { id });
        await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'milestone.updated', entityType: 'milestone', entityId: id, before, after: updated });
        return updated;
      }),
    );
    return mapMilestone(after);
  }

  /** Moves the due date: the history keeps the old date, the reason, who and when; the workflow re-arms its timers. */
  async replan(actor: Actor, id: string, version: number, dto: ReplanMilestoneDto): Promise<MilestoneWriteResultDto> {
    const { milestone: before, plan } = await this.scope.milestone(actor, id, 'write');
    if (!canReplan(before.status)) throw new ProblemException(409, 'Conflict', `A milestone that is ${before.status} cannot be replanned.`, [{ field: 'status', message: `milestone is ${before.status}` }]);
    const dueAt = new Date(dto.dueAt);
    throwIfAny(checkMilestoneDates({ startAt: before.startAt, dueAt, periodStart: plan.periodStart, periodEnd: plan.periodEnd }));
    // The workflow is told before the commit: if Temporal cannot be told, nothing is saved (503, try again).
    const { milestone, workflow } = await this.db.transaction(async (manager) => {
      const result = await manager.createQueryBuilder().update(MilestoneEntity).set({ dueAt }).where('id = :id AND version = :version', { id, version }).execute();
      if (!result.affected) throw staleVersion('milestone');
      const record = await manager.save(manager.create(MilestoneReplanningEntity, { milestoneId: id, previousDueAt: before.dueAt, newDueAt: dueAt, reason: dto.reason, actor: actor.label }));
      const updated = await manager.findOneByOrFail(MilestoneEntity, { id });
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'milestone.replanned', entityType: 'milestone', entityId: id, before, after: updated });
      return { milestone: updated, workflow: await this.workflowSync.replan(updated, plan, record.id, dto.reason) };
    });
    return { ...mapMilestone(milestone), workflow, warnings: [] };
  }

  async cancel(actor: Actor, id: string, version: number, dto: CancelMilestoneDto): Promise<MilestoneWriteResultDto> {
    const { milestone: before, plan } = await this.scope.milestone(actor, id, 'write');
    if (!canTransition(before.status, MilestoneStatus.Cancelled)) {
      throw new ProblemException(409, 'Conflict', `The milestone is ${before.status.replace(/_/g, ' ')}: it cannot be cancelled.`, [{ field: 'status', message: `milestone is ${before.status}` }]);
    }
    const { milestone, workflow } = await this.db.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(MilestoneEntity)
        .set({ status: MilestoneStatus.Cancelled, cancelledReason: dto.reason })
        .where('id = :id AND version = :version', { id, version })
        .execute();
      if (!result.affected) throw staleVersion('milestone');
      const updated = await manager.findOneByOrFail(MilestoneEntity, { id });
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'milestone.cancelled', entityType: 'milestone', entityId: id, before, after: updated });
      return { milestone: updated, workflow: await this.workflowSync.cancel(updated, plan, dto.reason) }; // before the commit, as replanning
    });
    return { ...mapMilestone(milestone), workflow, warnings: [] };
  }

  async replanningHistory(actor: Actor, id: string): Promise<ReplanningDto[]> {
    await this.scope.milestone(actor, id);
    return (await this.replannings.find({ where: { milestoneId: id }, order: { changedAt: 'ASC' } })).map(mapReplanning);
  }

  async planWorkflows(actor: Actor, planId: string, query: PlanWorkflowsQueryDto): Promise<PlanWorkflowDto[]> {
    await this.scope.plan(actor, planId);
    return this.commitmentWorkflows.listForPlan(planId, { status: query.status, type: query.type });
  }

  /** Hands every followed milestone of an active plan to its commitment workflow again; idempotent. */
  async syncWorkflows(actor: Actor, planId: string): Promise<WorkflowSyncResultDto> {
    const plan = await this.scope.plan(actor, planId, 'write');
    if (plan.status !== PlanStatus.Active) throw new ProblemException(409, 'Conflict', 'The plan is not active: its milestones have no workflows to follow them.', [{ field: 'status', message: `plan is ${plan.status}` }]);
    const synced = await this.syncPlanWorkflows.execute(SyncPlanWorkflowsCommand.create({ planId, scope: 'all' }));
    return { planId, milestonesHandedOver: synced.handedOver };
  }

  /** The workflow's own view: status, next timer, history. */
  async workflowState(actor: Actor, id: string): Promise<MilestoneState> {
    await this.scope.milestone(actor, id);
    return this.workflows.state(id);
  }
}

function throwIfAny(violations: RuleViolation[]): void {
  if (violations.length > 0) throw new ProblemException(422, 'Unprocessable Entity', violations.map((v) => v.message).join(' '), violations);
}
