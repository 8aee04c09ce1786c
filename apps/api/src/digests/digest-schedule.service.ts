import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { checkMeetingCalendar, localDateTime, PlanStatus } from '@app/domain';
import type { MeetingCalendar } from '@app/domain';
import { ActionPlanEntity, DigestScheduleEntity, JurisdictionEntity, recordAudit } from '@app/persistence';
import { DigestSchedules, DigestScheduleState, WorkflowEngineUnavailableError, WorkflowNotFoundForQueryError } from '@app/temporal';
import { RuleViolationError, SyncPlanDigests, SyncPlanDigestsCommand, syncDigestsAfterCommit } from '@app/application';
import { digestScheduleId } from '@app/workflows';
import { notFound } from '../auth/access';
import { Actor } from '../auth/actor';
import { PlanScope } from '../auth/plan-scope.service';
import { staleVersion } from '../common/etag';
import { ProblemException } from '../common/problem-details.filter';
import { FieldWarningDto, ScheduleNoteDto } from '../dialogue-board/dto/check-in-schedule.dto';
import { DigestScheduleDto, PutDigestScheduleDto } from './digests.dto';

/**
 * A plan's digest settings and their Temporal Schedule (`digest-<planId>`), as the Dialogue Board's
 * check-in schedule: the settings are the truth and are committed first; then SyncPlanDigests brings
 * the schedule in line (an active plan only). When the engine does not answer, the settings stay
 * saved with a `warnings` entry and housekeeping's reconcile finishes it; reading the schedule and
 * triggering it need the engine (503 with Retry-After).
 */
@Injectable()
export class DigestScheduleService {
  private readonly logger = new Logger(DigestScheduleService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly scope: PlanScope,
    private readonly schedules: DigestSchedules,
    private readonly syncPlanDigests: SyncPlanDigests,
  ) {}

  async get(actor: Actor, planId: string): Promise<DigestScheduleDto> {
    const plan = await this.scope.plan(actor, planId);
    return this.view(plan, await this.require(planId));
  }

  /** Creates (no If-Match) or replaces (If-Match: the current version) the settings; in an active plan the schedule follows. */
  async put(actor: Actor, planId: string, ifMatch: number | undefined, dto: PutDigestScheduleDto): Promise<{ created: boolean; schedule: DigestScheduleDto }> {
    const plan = await this.scope.plan(actor, planId, 'write');
    // Only the fields sent, as plain JSON (the DTO instance carries undefined for the rest).
    const calendar = JSON.parse(JSON.stringify(dto.calendar)) as MeetingCalendar;
    const violations = checkMeetingCalendar(calendar);
    if (violations.length > 0) throw new RuleViolationError(violations);
    const { created } = await this.db.transaction(async (manager) => {
      const repo = manager.getRepository(DigestScheduleEntity);
      const before = await repo.findOne({ where: { planId }, lock: { mode: 'pessimistic_write' } });
      if (before && ifMatch === undefined) {
        throw new ProblemException(428, 'Precondition Required', 'The plan has digest settings already: send the ETag you last read in an If-Match header to replace them.', [
          { field: 'If-Match', message: 'If-Match header is required' },
        ]);
      }
      if (!before && ifMatch !== undefined) throw staleVersion('digest schedule');
      if (before && before.version !== ifMatch) throw staleVersion('digest schedule');
      const values = { calendar, paused: dto.paused ?? before?.paused ?? false };
      const saved = before ? await repo.save(repo.merge(repo.create({ ...before }), values)) : await repo.save(repo.create({ planId, ...values }));
      await recordAudit(manager, {
        jurisdictionId: plan.jurisdictionId,
        actor,
        action: before ? 'digest_schedule.updated' : 'digest_schedule.created',
        entityType: 'digest_schedule',
        entityId: planId,
        before,
        after: saved,
      });
      return { created: !before };
    });
    const warnings = await this.syncAfterCommit(plan, 'The digest settings are saved, but the digest schedule could not be brought in line yet');
    return { created, schedule: await this.view(plan, await this.require(planId), warnings) };
  }

  pause(actor: Actor, planId: string, dto: ScheduleNoteDto): Promise<DigestScheduleDto> {
    return this.setPaused(actor, planId, true, dto.note ?? 'Paused by the coordinator');
  }

  resume(actor: Actor, planId: string, dto: ScheduleNoteDto): Promise<DigestScheduleDto> {
    return this.setPaused(actor, planId, false, dto.note ?? 'Resumed by the coordinator');
  }

  /** Starts a run now (it starts the current month's digest); creates the schedule first if the engine lacks it. */
  async trigger(actor: Actor, planId: string): Promise<DigestScheduleDto> {
    const plan = await this.scope.plan(actor, planId, 'write');
    const settings = await this.require(planId);
    if (plan.status !== PlanStatus.Active) throw notActive(plan);
    await this.syncPlanDigests.execute(SyncPlanDigestsCommand.create({ planId }));
    await this.schedules.trigger(planId);
    await this.db.transaction((manager) =>
      recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'digest_schedule.triggered', entityType: 'digest_schedule', entityId: planId, after: { scheduleId: digestScheduleId(planId) } }),
    );
    return this.view(plan, settings);
  }

  /** Removes the settings; in an active plan the schedule goes too (a digest already sending carries on). */
  async remove(actor: Actor, planId: string): Promise<{ warnings: FieldWarningDto[] }> {
    const plan = await this.scope.plan(actor, planId, 'write');
    await this.db.transaction(async (manager) => {
      const repo = manager.getRepository(DigestScheduleEntity);
      const before = await repo.findOne({ where: { planId }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw notFound('digest schedule of the plan', planId);
      await repo.delete({ planId });
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'digest_schedule.deleted', entityType: 'digest_schedule', entityId: planId, before });
    });
    return { warnings: await this.syncAfterCommit(plan, 'The digest settings are deleted, but the digest schedule could not be deleted yet') };
  }

  private async setPaused(actor: Actor, planId: string, paused: boolean, note: string): Promise<DigestScheduleDto> {
    const plan = await this.scope.plan(actor, planId, 'write');
    await this.db.transaction(async (manager) => {
      const repo = manager.getRepository(DigestScheduleEntity);
      const before = await repo.findOne({ where: { planId }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw notFound('digest schedule of the plan', planId);
      const after = await repo.save(repo.merge(repo.create({ ...before }), { paused }));
      await recordAudit(manager, {
        jurisdictionId: plan.jurisdictionId,
        actor,
        action: paused ? 'digest_schedule.paused' : 'digest_schedule.resumed',
        entityType: 'digest_schedule',
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
        await this.syncPlanDigests.execute(SyncPlanDigestsCommand.create({ planId }));
      }, `The schedule is ${paused ? 'paused' : 'resumed'} in the settings, but the engine could not be told yet`);
    }
    return this.view(plan, await this.require(planId), warnings);
  }

  private async syncAfterCommit(plan: ActionPlanEntity, notYet: string): Promise<FieldWarningDto[]> {
    if (plan.status !== PlanStatus.Active) return [];
    return (await syncDigestsAfterCommit(this.syncPlanDigests, this.logger, plan.id, notYet)).warnings;
  }

  private async afterCommit(step: () => Promise<void>, notYet: string): Promise<FieldWarningDto[]> {
    try {
      await step();
      return [];
    } catch (error) {
      if (!(error instanceof WorkflowEngineUnavailableError)) throw error;
      this.logger.warn({ msg: 'the digest schedule could not be changed after the commit; housekeeping will finish it', error: error.message });
      return [{ field: 'digestSchedule', message: `${notYet} (the workflow engine did not answer). Housekeeping brings the schedule in line on its next run.` }];
    }
  }

  private async require(planId: string): Promise<DigestScheduleEntity> {
    const settings = await this.db.getRepository(DigestScheduleEntity).findOneBy({ planId });
    if (!settings) throw notFound('digest schedule of the plan', planId);
    return settings;
  }

  private async view(plan: ActionPlanEntity, settings: DigestScheduleEntity, warnings: FieldWarningDto[] = []): Promise<DigestScheduleDto> {
    const { timeZone } = await this.db.getRepository(JurisdictionEntity).findOneByOrFail({ id: plan.jurisdictionId });
    const live: DigestScheduleState | null = plan.status === PlanStatus.Active ? await this.schedules.describe(plan.id) : null;
    const state = plan.status !== PlanStatus.Active ? 'not_active' : !live ? 'missing' : live.paused ? 'paused' : 'running';
    return {
      id: plan.id,
      planId: plan.id,
      scheduleId: digestScheduleId(plan.id),
      calendar: settings.calendar,
      timeZone,
      paused: live ? live.paused : settings.paused,
      state,
      note: live?.note ?? null,
      nextRuns: (live && !live.paused ? live.nextRuns : []).slice(0, 5).map((at) => ({ at: at.toISOString(), local: localDateTime(at, timeZone), timeZone })),
      recentRuns: (live?.recentRuns ?? []).map((r) => ({ scheduledAt: r.scheduledAt.toISOString(), workflowId: r.workflowId })),
      version: settings.version,
      warnings,
    };
  }
}

function notActive(plan: ActionPlanEntity): ProblemException {
  return new ProblemException(409, 'Conflict', `The plan is ${plan.status}: its digest schedule runs only while it is active.`, [{ field: 'status', message: `plan is ${plan.status}` }]);
}
