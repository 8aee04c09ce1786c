import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { checkMeetingCalendar, InvalidPolicyError, localDateTime, PlanStatus, resolveCheckInPolicy } from '@app/domain';
import type { CheckInPolicy, MeetingCalendar } from '@app/domain';
import { ActionPlanEntity, CheckInScheduleEntity, JurisdictionEntity, recordAudit } from '@app/persistence';
import { DialogueBoardSchedules, DialogueBoardScheduleState, WorkflowEngineUnavailableError, WorkflowNotFoundForQueryError } from '@app/temporal';
import { RuleViolationError, SyncPlanCheckIns, SyncPlanCheckInsCommand, syncCheckInsAfterCommit } from '@app/application';
import { dialogueBoardScheduleId } from '@app/workflows';
import { notFound } from '../auth/access';
import { Actor } from '../auth/actor';
import { PlanScope, ruleViolation } from '../auth/plan-scope.service';
import { staleVersion } from '../common/etag';
import { ProblemException } from '../common/problem-details.filter';
import { CheckInScheduleDto, FieldWarningDto, PutCheckInScheduleDto, ScheduleNoteDto } from './dto/check-in-schedule.dto';

/**
 * A plan's Dialogue Board check-in settings and their Temporal Schedule (`dialogue-board-<planId>`).
 * The settings are the truth and are committed first; then SyncPlanCheckIns brings the schedule in line
 * (an active plan only). When the engine does not answer, the settings stay saved, the answer carries a
 * `warnings` entry and housekeeping's reconcile finishes it; reading the schedule and triggering it need
 * the engine (503 with Retry-After).
 */
@Injectable()
export class CheckInScheduleService {
  private readonly logger = new Logger(CheckInScheduleService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(CheckInScheduleEntity) private readonly settings: Repository<CheckInScheduleEntity>,
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    private readonly scope: PlanScope,
    private readonly schedules: DialogueBoardSchedules,
    private readonly syncPlanCheckIns: SyncPlanCheckIns,
  ) {}

  async get(actor: Actor, planId: string): Promise<CheckInScheduleDto> {
    const plan = await this.scope.plan(actor, planId);
    return this.view(plan, await this.require(planId));
  }

  /** Creates (no If-Match) or replaces (If-Match: the current version) the settings; in an active plan the schedule follows. */
  async put(actor: Actor, planId: string, ifMatch: number | undefined, dto: PutCheckInScheduleDto): Promise<{ created: boolean; schedule: CheckInScheduleDto }> {
    const plan = await this.scope.plan(actor, planId, 'write');
    const calendar = calendarOf(dto);
    const violations = checkMeetingCalendar(calendar);
    if (violations.length > 0) throw new RuleViolationError(violations);
    const policy = policyOf(dto);
    const { created } = await this.db.transaction(async (manager) => {
      const repo = manager.getRepository(CheckInScheduleEntity);
      const before = await repo.findOne({ where: { planId }, lock: { mode: 'pessimistic_write' } });
      if (before && ifMatch === undefined) {
        throw new ProblemException(428, 'Precondition Required', 'The plan has check-in settings already: send the ETag you last read in an If-Match header to replace them.', [
          { field: 'If-Match', message: 'If-Match header is required' },
        ]);
      }
      if (!before && ifMatch !== undefined) throw staleVersion('check-in schedule');
      if (before && before.version !== ifMatch) throw staleVersion('check-in schedule');
      const values = { calendar, mode: dto.mode, address: dto.address ?? null, onlineUrl: dto.onlineUrl ?? null, policy };
      const saved = before ? await repo.save(repo.merge(repo.create({ ...before }), values)) : await repo.save(repo.create({ planId, ...values, paused: false }));
      await recordAudit(manager, {
        jurisdictionId: plan.jurisdictionId,
        actor,
        action: before ? 'check_in_schedule.updated' : 'check_in_schedule.created',
        entityType: 'check_in_schedule',
        entityId: planId,
        before,
        after: saved,
      });
      return { created: !before };
    });
    const warnings = await this.syncAfterCommit(plan, 'The check-in settings are saved, but the Dialogue Board schedule could not be brought in line yet');
    return { created, schedule: await this.view(plan, await this.require(planId), warnings) };
  }

  async pause(actor: Actor, planId: string, dto: ScheduleNoteDto): Promise<CheckInScheduleDto> {
    return this.setPaused(actor, planId, true, dto.note ?? 'Paused by the coordinator');
  }

  async resume(actor: Actor, planId: string, dto: ScheduleNoteDto): Promise<CheckInScheduleDto> {
    return this.setPaused(actor, planId, false, dto.note ?? 'Resumed by the coordinator');
  }

  /** Starts a run now (it prepares the next meeting); creates the schedule first if the engine lacks it. */
  async trigger(actor: Actor, planId: string): Promise<CheckInScheduleDto> {
    const plan = await this.scope.plan(actor, planId, 'write');
    const settings = await this.require(planId);
    if (plan.status !== PlanStatus.Active) throw notActive(plan);
    const synced = await this.syncPlanCheckIns.execute(SyncPlanCheckInsCommand.create({ planId }));
    if (!synced.triggered) await this.schedules.trigger(planId);
    await this.db.transaction((manager) =>
      recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'check_in_schedule.triggered', entityType: 'check_in_schedule', entityId: planId, after: { scheduleId: dialogueBoardScheduleId(planId) } }),
    );
    return this.view(plan, settings);
  }

  /** Removes the settings; in an active plan the schedule goes too (check-ins already prepared stay). */
  async remove(actor: Actor, planId: string): Promise<{ warnings: FieldWarningDto[] }> {
    const plan = await this.scope.plan(actor, planId, 'write');
    await this.db.transaction(async (manager) => {
      const repo = manager.getRepository(CheckInScheduleEntity);
      const before = await repo.findOne({ where: { planId }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw notFound('check-in schedule of the plan', planId);
      await repo.delete({ planId });
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'check_in_schedule.deleted', entityType: 'check_in_schedule', entityId: planId, before });
    });
    return { warnings: await this.syncAfterCommit(plan, 'The check-in settings are deleted, but the Dialogue Board schedule could not be deleted yet') };
  }

  private async setPaused(actor: Actor, planId: string, paused: boolean, note: string): Promise<CheckInScheduleDto> {
    const plan = await this.scope.plan(actor, planId, 'write');
    await this.db.transaction(async (manager) => {
      const repo = manager.getRepository(CheckInScheduleEntity);
      const before = await repo.findOne({ where: { planId }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw notFound('check-in schedule of the plan', planId);
      const after = await repo.save(repo.merge(repo.create({ ...before }), { paused }));
      await recordAudit(manager, {
        jurisdictionId: plan.jurisdictionId,
        actor,
        action: paused ? 'check_in_schedule.paused' : 'check_in_schedule.resumed',
        entityType: 'check_in_schedule',
        entityId: planId,
        before,
        after: { ...after, note },
      });
    });
    let warnings: FieldWarningDto[] = [];
    if (plan.status === PlanStatus.Active) {
      warnings = await this.afterCommit(async () => {
        // The coordinator's note goes on the schedule; a schedule the engine lacks is created by the sync.
        try {
          await (paused ? this.schedules.pause(planId, note) : this.schedules.resume(planId, note));
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundForQueryError)) throw error;
        }
        await this.syncPlanCheckIns.execute(SyncPlanCheckInsCommand.create({ planId }));
      }, `The schedule is ${paused ? 'paused' : 'resumed'} in the settings, but the engine could not be told yet`);
    }
    return this.view(plan, await this.require(planId), warnings);
  }

  private async syncAfterCommit(plan: ActionPlanEntity, notYet: string): Promise<FieldWarningDto[]> {
    if (plan.status !== PlanStatus.Active) return [];
    return (await syncCheckInsAfterCommit(this.syncPlanCheckIns, this.logger, plan.id, notYet)).warnings;
  }

  private async afterCommit(step: () => Promise<void>, notYet: string): Promise<FieldWarningDto[]> {
    try {
      await step();
      return [];
    } catch (error) {
      if (!(error instanceof WorkflowEngineUnavailableError)) throw error;
      this.logger.warn({ msg: 'the Dialogue Board schedule could not be changed after the commit; housekeeping will finish it', error: error.message });
      return [{ field: 'checkInSchedule', message: `${notYet} (the workflow engine did not answer). Housekeeping brings the schedule in line on its next run.` }];
    }
  }

  private async require(planId: string): Promise<CheckInScheduleEntity> {
    const settings = await this.settings.findOneBy({ planId });
    if (!settings) throw notFound('check-in schedule of the plan', planId);
    return settings;
  }

  private async view(plan: ActionPlanEntity, settings: CheckInScheduleEntity, warnings: FieldWarningDto[] = []): Promise<CheckInScheduleDto> {
    const { timeZone } = await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId });
    const live: DialogueBoardScheduleState | null = plan.status === PlanStatus.Active ? await this.schedules.describe(plan.id) : null;
    const state = plan.status !== PlanStatus.Active ? 'not_active' : !live ? 'missing' : live.paused ? 'paused' : 'running';
    return {
      id: plan.id,
      planId: plan.id,
      scheduleId: dialogueBoardScheduleId(plan.id),
      calendar: settings.calendar,
      timeZone,
      mode: settings.mode,
      address: settings.address,
      onlineUrl: settings.onlineUrl,
      policy: settings.policy,
      paused: live ? live.paused : settings.paused,
      state,
      note: live?.note ?? null,
      nextMeetings: (live?.nextMeetings ?? []).slice(0, 5).map((at) => ({ at: at.toISOString(), local: localDateTime(at, timeZone), timeZone })),
      recentRuns: (live?.recentRuns ?? []).map((r) => ({ scheduledAt: r.scheduledAt.toISOString(), workflowId: r.workflowId })),
      version: settings.version,
      warnings,
    };
  }
}

function calendarOf(dto: PutCheckInScheduleDto): MeetingCalendar {
  // Only the fields sent, as plain JSON (the DTO instance carries undefined for the rest).
  return JSON.parse(JSON.stringify(dto.calendar)) as MeetingCalendar;
}

function policyOf(dto: PutCheckInScheduleDto): CheckInPolicy {
  try {
    return resolveCheckInPolicy({ ...(dto.policy ?? {}) });
  } catch (error) {
    if (error instanceof InvalidPolicyError) throw ruleViolation(error.field, error.message);
    throw error;
  }
}

function notActive(plan: ActionPlanEntity): ProblemException {
  return new ProblemException(409, 'Conflict', `The plan is ${plan.status}: its Dialogue Board schedule runs only while it is active.`, [{ field: 'status', message: `plan is ${plan.status}` }]);
}
