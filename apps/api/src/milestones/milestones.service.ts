import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { canReplan, canTransition, checkMilestoneDates, MilestoneStatus, PlanStatus } from '@app/domain';
import { MilestoneReplanningEntity, MilestoneRepository, recordAudit } from '@app/persistence';
import { CommitmentWorkflows, MilestoneWorkflows } from '@app/temporal';
import { CreateMilestone, CreateMilestoneCommand, RuleViolationError, SyncPlanWorkflows, SyncPlanWorkflowsCommand } from '@app/application';
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
    private readonly milestones: MilestoneRepository,
    @InjectRepository(MilestoneReplanningEntity) private readonly replannings: Repository<MilestoneReplanningEntity>,
    private readonly scope: PlanScope,
    private readonly workflowSync: MilestoneWorkflowSync,
    private readonly workflows: MilestoneWorkflows,
    private readonly commitmentWorkflows: CommitmentWorkflows,
    private readonly syncPlanWorkflows: SyncPlanWorkflows,
    private readonly createMilestone: CreateMilestone,
  ) {}

  /** Creates the milestone and hands it to its workflow (CreateMilestone); a taken externalId is a 409. */
  async create(actor: Actor, commitmentId: string, dto: CreateMilestoneDto): Promise<MilestoneWriteResultDto> {
    const { plan } = await this.scope.commitment(actor, commitmentId, 'write');
    const command = CreateMilestoneCommand.create({ actor, plan, commitmentId, ...dto, startAt: new Date(dto.startAt), dueAt: new Date(dto.dueAt) });
    const { milestone, workflow, warnings } = await uniqueOr409('externalId', `A milestone with externalId "${dto.externalId}" exists already in this commitment.`, () => this.createMilestone.execute(command));
    return { ...mapMilestone(milestone), workflow, warnings };
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
    const [rows, total] = await this.milestones.search({
      visibleTo: { jurisdictionId: actor.role === Role.Admin ? undefined : actor.jurisdictionId, agencyId: actor.role === Role.Agency ? actor.agencyId : undefined },
      planId: planId ?? undefined,
      status: query.status,
      agencyId: query.agencyId,
      commitmentId: query.commitmentId,
      dueBefore: query.dueBefore ? new Date(query.dueBefore) : undefined,
      dueAfter: query.dueAfter ? new Date(query.dueAfter) : undefined,
      ...pageOf(query),
    });
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
        const updated = await this.milestones.withManager(manager).updateAtVersion(id, version, definedOnly(dto));
        if (!updated) throw staleVersion('milestone');
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
    const violations = checkMilestoneDates({ startAt: before.startAt, dueAt, periodStart: plan.periodStart, periodEnd: plan.periodEnd });
    if (violations.length > 0) throw new RuleViolationError(violations);
    // The workflow is told before the commit: if Temporal cannot be told, nothing is saved (503, try again).
    const { milestone, workflow } = await this.db.transaction(async (manager) => {
      const updated = await this.milestones.withManager(manager).updateAtVersion(id, version, { dueAt });
      if (!updated) throw staleVersion('milestone');
      const record = await manager.save(manager.create(MilestoneReplanningEntity, { milestoneId: id, previousDueAt: before.dueAt, newDueAt: dueAt, reason: dto.reason, actor: actor.label }));
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
      // The status the transition was checked from is still the row's: the version has not moved.
      const updated = await this.milestones.withManager(manager).updateAtVersion(id, version, { status: MilestoneStatus.Cancelled, cancelledReason: dto.reason });
      if (!updated) throw staleVersion('milestone');
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
