import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import { checkPlanPeriod, PlanStatus, resolvePolicy, RuleWarning } from '@app/domain';
import { ActionPlanEntity, MilestoneRepository, recordAudit } from '@app/persistence';
import { canSeeJurisdiction, notFound } from '../auth/access';
import { Actor, Role } from '../auth/actor';
import { mapContacts } from '../common/contact.dto';
import { staleVersion } from '../common/etag';
import { Page, pageOf, toPage } from '../common/pagination';
import { ProblemException } from '../common/problem-details.filter';
import { definedOnly, requireChanges } from '../common/unique';
import { JurisdictionsService } from '../jurisdictions/jurisdictions.service';
import { CreatePlanDto, ListPlansQueryDto, mapPlan, PlanDto, PlanWriteResultDto, UpdatePlanDto } from './dto/plan.dto';
import { ActivatePlan, ActivatePlanCommand, ClosePlan, ClosePlanCommand, PlanChanges } from '@app/application';
import { assertWritable, PlanScope, ruleViolation } from '../auth/plan-scope.service';

const TRANSITIONS: Record<string, PlanStatus[]> = {
  [PlanStatus.Draft]: [PlanStatus.Active],
  [PlanStatus.Active]: [PlanStatus.Closed],
  [PlanStatus.Closed]: [],
};

/** Action plans: their period rules, their status (draft → active → closed) and what it does to workflows. */
@Injectable()
export class PlansService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    private readonly milestones: MilestoneRepository,
    private readonly jurisdictions: JurisdictionsService,
    private readonly scope: PlanScope,
    private readonly activatePlan: ActivatePlan,
    private readonly closePlan: ClosePlan,
  ) {}

  async create(actor: Actor, dto: CreatePlanDto): Promise<PlanWriteResultDto> {
    await this.jurisdictions.require(actor, dto.jurisdictionId);
    const warnings = checkPeriod(dto);
    const plan = await this.db.transaction(async (manager) => {
      const saved = await manager.save(
        manager.create(ActionPlanEntity, {
          jurisdictionId: dto.jurisdictionId,
          title: dto.title,
          periodStart: dto.periodStart,
          periodEnd: dto.periodEnd,
          termEnd: dto.termEnd,
          strategicVision: dto.strategicVision ?? null,
          status: dto.status ?? PlanStatus.Draft,
          policy: resolvePolicy({ ...dto.policy }),
          imbName: dto.imb?.name ?? null,
          imbContacts: mapContacts(dto.imb?.contacts ?? []),
          endorsingStakeholders: dto.endorsingStakeholders ?? [],
        }),
      );
      await recordAudit(manager, { jurisdictionId: saved.jurisdictionId, actor, action: 'action_plan.created', entityType: 'action_plan', entityId: saved.id, after: saved });
      return saved;
    });
    return { ...mapPlan(plan), warnings, workflowsChanged: 0 };
  }

  async list(actor: Actor, query: ListPlansQueryDto): Promise<Page<PlanDto>> {
    if (query.jurisdictionId && !canSeeJurisdiction(actor, query.jurisdictionId)) throw notFound('jurisdiction', query.jurisdictionId);
    const where: FindOptionsWhere<ActionPlanEntity> = {};
    if (actor.role !== Role.Admin) where.jurisdictionId = actor.jurisdictionId!;
    if (query.jurisdictionId) where.jurisdictionId = query.jurisdictionId;
    if (query.status) where.status = query.status;
    const [rows, total] = await this.plans.findAndCount({ where, order: { periodStart: 'DESC', title: 'ASC' }, ...pageOf(query) });
    return toPage(rows.map(mapPlan), total, query);
  }

  async get(actor: Actor, id: string): Promise<PlanDto> {
    return mapPlan(await this.scope.plan(actor, id));
  }

  async update(actor: Actor, id: string, version: number, dto: UpdatePlanDto): Promise<PlanWriteResultDto> {
    requireChanges(dto);
    const before = await this.scope.plan(actor, id);
    if (before.status === PlanStatus.Closed) assertWritable(before);
    const next = { periodStart: dto.periodStart ?? before.periodStart, periodEnd: dto.periodEnd ?? before.periodEnd, termEnd: dto.termEnd ?? before.termEnd };
    const warnings = checkPeriod(next);
    if (dto.status && dto.status !== before.status && !TRANSITIONS[before.status].includes(dto.status)) {
      throw ruleViolation('status', `A ${before.status} plan cannot become ${dto.status} (draft → active → closed).`);
    }

    const changes: PlanChanges & { status?: PlanStatus } = { ...next };
    if (dto.title !== undefined) changes.title = dto.title;
    if (dto.strategicVision !== undefined) changes.strategicVision = dto.strategicVision;
    if (dto.status !== undefined) changes.status = dto.status;
    if (dto.policy !== undefined) changes.policy = resolvePolicy({ ...before.policy, ...definedOnly(dto.policy) });
    if (dto.imb !== undefined) {
      changes.imbName = dto.imb.name;
      changes.imbContacts = mapContacts(dto.imb.contacts);
    }
    if (dto.endorsingStakeholders !== undefined) changes.endorsingStakeholders = dto.endorsingStakeholders;

    const periodChanged = dto.periodStart !== undefined || dto.periodEnd !== undefined;
    // Activating and closing commit first, then hand the plan's milestones over to (or take them from) their
    // workflows; a hand-over that fails is a warning, and housekeeping finishes it (see ActivatePlan, ClosePlan).
    const transition = dto.status !== undefined && dto.status !== before.status ? dto.status : undefined;
    if (transition === PlanStatus.Active || transition === PlanStatus.Closed) {
      if (periodChanged) await this.assertMilestonesInside(this.milestones, id, next);
      const { status: _status, ...others } = changes;
      const command = { actor, planId: id, version, changes: others };
      const done = transition === PlanStatus.Active ? await this.activatePlan.execute(ActivatePlanCommand.create(command)) : await this.closePlan.execute(ClosePlanCommand.create(command));
      return { ...mapPlan(done.plan), warnings: [...warnings, ...done.warnings], workflowsChanged: done.workflowsChanged };
    }

    const after = await this.db.transaction(async (manager) => {
      if (periodChanged) await this.assertMilestonesInside(this.milestones.withManager(manager), id, next);
      const result = await manager.createQueryBuilder().update(ActionPlanEntity).set(changes).where('id = :id AND version = :version', { id, version }).execute();
      if (!result.affected) throw staleVersion('action plan');
      const updated = await manager.findOneByOrFail(ActionPlanEntity, { id });
      await recordAudit(manager, { jurisdictionId: updated.jurisdictionId, actor, action: 'action_plan.updated', entityType: 'action_plan', entityId: id, before, after: updated });
      return updated;
    });
    return { ...mapPlan(after), warnings, workflowsChanged: 0 };
  }

  private async assertMilestonesInside(milestones: MilestoneRepository, planId: string, period: { periodStart: string; periodEnd: string }): Promise<void> {
    const outside = await milestones.countOutsidePeriod(planId, period);
    if (outside > 0) throw ruleViolation('periodEnd', `${outside} milestone(s) would fall outside the new period; replan them first.`);
  }
}

/** Refuses a period that breaks OGP Local's rules; returns the warnings of one that bends them. */
function checkPeriod(period: { periodStart: string; periodEnd: string; termEnd: string }): RuleWarning[] {
  const check = checkPlanPeriod(period);
  if (check.violations.length > 0) throw new ProblemException(422, 'Unprocessable Entity', check.violations.map((v) => v.message).join(' '), check.violations);
  return check.warnings;
}
