import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { ActionItemStatus, canApproveMinutes, canCancelCheckIn, canCloseCheckIn, canEditAgenda, canReschedule, CheckInStatus } from '@app/domain';
import type { AgendaItem, MeetingMode } from '@app/domain';
import { ActionItemEntity, ActionPlanEntity, CheckInEntity, CommitmentEntity, JurisdictionEntity, MilestoneEntity, recordAudit } from '@app/persistence';
import { CheckInWorkflows, WorkflowEngineUnavailableError } from '@app/temporal';
import { RuleViolationError } from '@app/application';
import { canSeeJurisdiction, notFound } from '../auth/access';
import { Actor } from '../auth/actor';
import { Access, assertWritable, PlanScope } from '../auth/plan-scope.service';
import { staleVersion } from '../common/etag';
import { Page, pageOf, toPage } from '../common/pagination';
import { ProblemException } from '../common/problem-details.filter';
import { definedOnly, requireChanges } from '../common/unique';
import { FieldWarningDto, missingPlace } from './dto/check-in-schedule.dto';
import {
  CancelCheckInDto,
  CheckInDetailDto,
  CheckInDto,
  CheckInWriteResultDto,
  CloseCheckInDto,
  ListCheckInsQueryDto,
  mapActionItem,
  mapCheckIn,
  PutAgendaDto,
  UpdateCheckInDto,
} from './dto/check-in.dto';

/**
 * The Dialogue Board's check-ins: prepared by the plan's schedule runs, edited, moved, cancelled and
 * closed here. Every write is committed first (the check-in's workflow reads the row), then its
 * workflow is told; when the engine does not answer, the change stays and the answer carries a
 * `warnings` entry (the workflow reads the row again before anything it sends).
 */
@Injectable()
export class CheckInsService {
  private readonly logger = new Logger(CheckInsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(CheckInEntity) private readonly checkIns: Repository<CheckInEntity>,
    @InjectRepository(ActionItemEntity) private readonly actionItems: Repository<ActionItemEntity>,
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    private readonly scope: PlanScope,
    private readonly workflows: CheckInWorkflows,
  ) {}

  async list(actor: Actor, planId: string, query: ListCheckInsQueryDto): Promise<Page<CheckInDto>> {
    const plan = await this.scope.plan(actor, planId);
    const timeZone = await this.timeZoneOf(plan);
    const [rows, total] = await this.checkIns.findAndCount({ where: { planId, ...(query.status ? { status: query.status } : {}) }, order: { startsAt: 'DESC', id: 'ASC' }, ...pageOf(query) });
    return toPage(
      rows.map((c) => mapCheckIn(c, timeZone)),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<CheckInDetailDto> {
    const { checkIn, plan } = await this.load(actor, id);
    return this.detail(checkIn, plan);
  }

  /** Replaces the agenda while it is still a draft (before the invitations carry it). */
  async putAgenda(actor: Actor, id: string, version: number, dto: PutAgendaDto): Promise<CheckInDetailDto> {
    const { checkIn: before, plan } = await this.load(actor, id, 'write');
    if (!canEditAgenda(before.status)) throw conflict(`The agenda of a check-in that is ${before.status} cannot be edited: the invitations carried it.`, 'status', `check-in is ${before.status}`);
    const agenda: AgendaItem[] = dto.items.map((item) => ({ kind: item.kind, title: item.title, durationMinutes: item.durationMinutes, commitmentId: item.commitmentId ?? null, links: item.links.map((l) => ({ type: l.type, id: l.id, label: l.label })) }));
    await this.assertCommitmentsOfPlan(plan.id, agenda.map((item, i) => [`items.${i}.commitmentId`, item.commitmentId]));
    const after = await this.db.transaction(async (manager) => {
      const updated = await this.updateAtVersion(manager, id, version, { agenda, agendaEditedAt: new Date() }, statusesWhere(canEditAgenda));
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'check_in.agenda_edited', entityType: 'check_in', entityId: id, before, after: updated });
      return updated;
    });
    return this.detail(after, plan);
  }

  /** Moves the meeting or changes its place: SEQUENCE is raised, then the workflow sends an update. */
  async update(actor: Actor, id: string, version: number, dto: UpdateCheckInDto): Promise<CheckInWriteResultDto> {
    requireChanges(dto);
    const { checkIn: before, plan } = await this.load(actor, id, 'write');
    if (!canReschedule(before.status)) throw conflict(`A check-in that is ${before.status} cannot be moved.`, 'status', `check-in is ${before.status}`);
    const changes = definedOnly(dto);
    const next = {
      startsAt: changes.startsAt !== undefined ? new Date(changes.startsAt) : before.startsAt,
      durationMinutes: changes.durationMinutes ?? before.durationMinutes,
      mode: (changes.mode ?? before.mode) as MeetingMode,
      address: changes.address !== undefined ? changes.address : before.address,
      onlineUrl: changes.onlineUrl !== undefined ? changes.onlineUrl : before.onlineUrl,
    };
    const missing = missingPlace(next);
    if (missing.length > 0) throw new RuleViolationError(missing);
    if (changes.startsAt !== undefined && next.startsAt.getTime() <= Date.now()) throw new RuleViolationError([{ field: 'startsAt', message: 'startsAt must be in the future' }]);
    const after = await this.db.transaction(async (manager) => {
      const updated = await this.updateAtVersion(manager, id, version, { ...next }, statusesWhere(canReschedule), true);
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'check_in.rescheduled', entityType: 'check_in', entityId: id, before, after: updated });
      return updated;
    });
    const warnings = await this.tell(() => this.workflows.changed(id), 'The change is saved, but the check-in workflow could not be told yet: invitations already sent are updated once it is');
    return { ...(await this.detail(after, plan)), warnings };
  }

  async cancel(actor: Actor, id: string, version: number, dto: CancelCheckInDto): Promise<CheckInWriteResultDto> {
    const { checkIn: before, plan } = await this.load(actor, id, 'write');
    if (!canCancelCheckIn(before.status)) throw conflict(`A check-in that is ${before.status} cannot be cancelled.`, 'status', `check-in is ${before.status}`);
    const after = await this.db.transaction(async (manager) => {
      const updated = await this.updateAtVersion(manager, id, version, { status: CheckInStatus.Cancelled, cancelledReason: dto.reason }, statusesWhere(canCancelCheckIn), true);
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'check_in.cancelled', entityType: 'check_in', entityId: id, before, after: updated });
      return updated;
    });
    const warnings = await this.tell(() => this.workflows.cancelled(id), 'The check-in is cancelled, but its workflow could not be told yet: the cancellation goes to those invited once it is');
    return { ...(await this.detail(after, plan)), warnings };
  }

  /**
   * Records the closing report of a meeting that has started, with its action items; then the
   * check-in's workflow is told and each action item is followed by its own workflow.
   */
  async close(actor: Actor, id: string, version: number, dto: CloseCheckInDto): Promise<CheckInWriteResultDto> {
    const { checkIn: before, plan } = await this.load(actor, id, 'write');
    if (!canCloseCheckIn(before.status)) throw conflict(`A check-in that is ${before.status} cannot be closed.`, 'status', `check-in is ${before.status}`);
    if (before.startsAt.getTime() > Date.now()) throw conflict(`The meeting starts at ${before.startsAt.toISOString()}: it can be closed once it has started.`, 'startsAt', 'the meeting has not started yet');
    const items = await this.checkActionItems(plan.id, before, dto);
    const { after, created } = await this.db.transaction(async (manager) => {
      const updated = await this.updateAtVersion(
        manager,
        id,
        version,
        { status: CheckInStatus.Closed, closedAt: new Date(), minutes: dto.minutes, attendanceCount: dto.attendanceCount, organisationsPresent: dto.organisationsPresent, decisions: dto.decisions },
        statusesWhere(canCloseCheckIn),
      );
      const repo = manager.getRepository(ActionItemEntity);
      const saved = items.length ? await repo.save(items.map((item) => repo.create({ ...item, checkInId: id, planId: plan.id, status: ActionItemStatus.Open }))) : [];
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'check_in.closed', entityType: 'check_in', entityId: id, before, after: updated });
      for (const item of saved) await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'action_item.created', entityType: 'action_item', entityId: item.id, after: item });
      return { after: updated, created: saved };
    });
    const warnings = await this.tell(async () => {
      await this.workflows.closed(id);
      for (const item of created) await this.workflows.followActionItem(item.id);
    }, 'The check-in is closed, but its workflows could not be told yet: housekeeping hands the action items over on its next run');
    return { ...(await this.detail(after, plan)), warnings };
  }

  /** Publishes the minutes (with the decisions and the titles of the action items). */
  async approveMinutes(actor: Actor, id: string): Promise<CheckInDetailDto> {
    const { checkIn: before, plan } = await this.load(actor, id, 'write');
    if (!canApproveMinutes(before.status, before.minutesApprovedAt)) {
      throw conflict(before.minutesApprovedAt ? 'The minutes are approved already.' : `A check-in that is ${before.status} has no minutes to approve.`, 'status', before.minutesApprovedAt ? 'minutes approved already' : `check-in is ${before.status}`);
    }
    const after = await this.db.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(CheckInEntity)
        .set({ minutesApprovedAt: () => 'now()', version: () => 'version + 1' })
        .where('id = :id AND status = :closed AND minutes_approved_at IS NULL', { id, closed: CheckInStatus.Closed })
        .execute();
      if (!result.affected) throw conflict('The minutes are approved already.', 'status', 'minutes approved already');
      const updated = await manager.getRepository(CheckInEntity).findOneByOrFail({ id });
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'check_in.minutes_approved', entityType: 'check_in', entityId: id, before, after: updated });
      return updated;
    });
    return this.detail(after, plan);
  }

  /**
   * Writes at the version the client read, only while the status still allows it (a schedule run may
   * have sent the invitations meanwhile); 412 otherwise. `raiseSequence`: a change the invitations
   * must follow (date, place, cancellation).
   */
  private async updateAtVersion(manager: EntityManager, id: string, version: number, changes: Partial<CheckInEntity>, statuses: CheckInStatus[], raiseSequence = false): Promise<CheckInEntity> {
    const result = await manager
      .createQueryBuilder()
      .update(CheckInEntity)
      .set({ ...(changes as object), version: () => 'version + 1', ...(raiseSequence ? { sequence: () => 'sequence + 1' } : {}) })
      .where({ id, version, status: In(statuses) })
      .execute();
    if (!result.affected) throw staleVersion('check-in');
    return manager.getRepository(CheckInEntity).findOneByOrFail({ id });
  }

  /** Action items of a closing: due after the meeting started, linked to the plan's own commitments and milestones. */
  private async checkActionItems(planId: string, checkIn: CheckInEntity, dto: CloseCheckInDto): Promise<Omit<ActionItemEntity, 'id' | 'checkInId' | 'planId' | 'status' | 'closedAt' | 'closingNote' | 'version' | 'createdAt'>[]> {
    const violations: { field: string; message: string }[] = [];
    const milestoneIds = dto.actionItems.map((a) => a.milestoneId).filter((m): m is string => !!m);
    const commitmentIds = dto.actionItems.map((a) => a.commitmentId).filter((c): c is string => !!c);
    const commitments = commitmentIds.length ? await this.db.getRepository(CommitmentEntity).findBy({ id: In(commitmentIds), planId }) : [];
    const milestones = milestoneIds.length
      ? await this.db
          .getRepository(MilestoneEntity)
          .createQueryBuilder('m')
          .innerJoin(CommitmentEntity, 'c', 'c.id = m.commitment_id')
          .where('m.id IN (:...ids) AND c.plan_id = :planId', { ids: milestoneIds, planId })
          .getMany()
      : [];
    const items = dto.actionItems.map((a, i) => {
      const dueAt = new Date(a.dueAt);
      if (dueAt.getTime() <= checkIn.startsAt.getTime()) violations.push({ field: `actionItems.${i}.dueAt`, message: `actionItems.${i}.dueAt must be after the meeting started (${checkIn.startsAt.toISOString()})` });
      if (a.commitmentId && !commitments.some((c) => c.id === a.commitmentId)) violations.push({ field: `actionItems.${i}.commitmentId`, message: `actionItems.${i}.commitmentId is not a commitment of this plan` });
      const milestone = a.milestoneId ? milestones.find((m) => m.id === a.milestoneId) : undefined;
      if (a.milestoneId && !milestone) violations.push({ field: `actionItems.${i}.milestoneId`, message: `actionItems.${i}.milestoneId is not a milestone of this plan` });
      if (milestone && a.commitmentId && milestone.commitmentId !== a.commitmentId) violations.push({ field: `actionItems.${i}.milestoneId`, message: `actionItems.${i}.milestoneId belongs to another commitment than actionItems.${i}.commitmentId` });
      return { title: a.title, ownerName: a.ownerName, ownerEmail: a.ownerEmail, ownerLanguage: a.ownerLanguage, dueAt, commitmentId: a.commitmentId ?? milestone?.commitmentId ?? null, milestoneId: a.milestoneId ?? null };
    });
    if (violations.length > 0) throw new RuleViolationError(violations);
    return items;
  }

  private async assertCommitmentsOfPlan(planId: string, refs: [string, string | null][]): Promise<void> {
    const ids = [...new Set(refs.map(([, id]) => id).filter((id): id is string => !!id))];
    if (ids.length === 0) return;
    const found = new Set((await this.db.getRepository(CommitmentEntity).findBy({ id: In(ids), planId })).map((c) => c.id));
    const violations = refs.filter(([, id]) => id && !found.has(id)).map(([field]) => ({ field, message: `${field} is not a commitment of this plan` }));
    if (violations.length > 0) throw new RuleViolationError(violations);
  }

  /** Tells a workflow after the commit: the engine out of reach is a warning (the row is the truth), anything else an error. */
  private async tell(step: () => Promise<void>, notYet: string): Promise<FieldWarningDto[]> {
    try {
      await step();
      return [];
    } catch (error) {
      if (!(error instanceof WorkflowEngineUnavailableError)) throw error;
      this.logger.warn({ msg: 'a check-in workflow could not be told after the commit', error: error.message });
      return [{ field: 'workflow', message: `${notYet} (the workflow engine did not answer).` }];
    }
  }

  private async load(actor: Actor, id: string, access: Access = 'read'): Promise<{ checkIn: CheckInEntity; plan: ActionPlanEntity }> {
    const checkIn = await this.checkIns.findOneBy({ id });
    if (!checkIn) throw notFound('check-in', id);
    const plan = await this.plans.findOneByOrFail({ id: checkIn.planId });
    if (!canSeeJurisdiction(actor, plan.jurisdictionId)) throw notFound('check-in', id);
    if (access === 'write') assertWritable(plan);
    return { checkIn, plan };
  }

  private async detail(checkIn: CheckInEntity, plan: ActionPlanEntity): Promise<CheckInDetailDto> {
    const now = new Date();
    const items = await this.actionItems.find({ where: { checkInId: checkIn.id }, order: { dueAt: 'ASC', id: 'ASC' } });
    return { ...mapCheckIn(checkIn, await this.timeZoneOf(plan)), actionItems: items.map((a) => mapActionItem(a, now)) };
  }

  private async timeZoneOf(plan: ActionPlanEntity): Promise<string> {
    return (await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId })).timeZone;
  }
}

/** The statuses a rule of the domain allows, for a write's WHERE. */
function statusesWhere(rule: (status: CheckInStatus) => boolean): CheckInStatus[] {
  return Object.values(CheckInStatus).filter((status) => rule(status));
}

function conflict(detail: string, field: string, message: string): ProblemException {
  return new ProblemException(409, 'Conflict', detail, [{ field, message }]);
}
