import { Logger } from '@nestjs/common';
import { DataSource, DeepPartial, EntityManager, EntityTarget, FindOptionsWhere, Repository } from 'typeorm';
import { checkMeetingCalendar, localDateTime, PlanStatus } from '@app/domain';
import type { MeetingCalendar } from '@app/domain';
import { ActionPlanEntity, JurisdictionEntity, recordAudit } from '@app/persistence';
import { WorkflowNotFoundForQueryError } from '@app/temporal';
import { afterCommitOnSchedule, PlanScheduleNames, PlanScheduleSynced, RuleViolationError, ScheduleWarning } from '@app/application';
import { notFound } from '../auth/access';
import { Actor } from '../auth/actor';
import { PlanScope } from '../auth/plan-scope.service';
import { staleVersion } from './etag';
import { ProblemException } from './problem-details.filter';

/** The stored settings of a plan's calendar schedule (check_in_schedule, digest_schedule). */
export interface PlanCalendarScheduleRow {
  planId: string;
  calendar: MeetingCalendar;
  paused: boolean;
  version: number;
}

/** The schedule as the gateway describes it (DialogueBoardScheduleState, DigestScheduleState). */
export interface LiveCalendarSchedule {
  paused: boolean;
  note: string | null;
  recentRuns: { scheduledAt: Date; workflowId: string }[];
}

/** The gateway calls a resource makes (DialogueBoardSchedules, DigestSchedules). */
interface CalendarScheduleGateway<Live extends LiveCalendarSchedule> {
  pause(planId: string, note: string): Promise<void>;
  resume(planId: string, note: string): Promise<void>;
  trigger(planId: string): Promise<void>;
  describe(planId: string): Promise<Live | null>;
}

/** What tells one plan calendar schedule resource from the other, in storage, the audit trail and texts. */
export interface PlanCalendarScheduleKind<Row> {
  entity: EntityTarget<Row>;
  /** "check-in": "the check-in settings", "check-in schedule of the plan". */
  noun: string;
  /** The audit trail's entity type and action prefix, e.g. `check_in_schedule`. */
  auditType: string;
  /** The schedule as logs and warnings name it ("Dialogue Board": "the Dialogue Board schedule"). */
  names: PlanScheduleNames;
  scheduleIdOf(planId: string): string;
}

export interface MeetingTime {
  at: string;
  local: string;
  timeZone: string;
}

/** The fields every plan calendar schedule view has (the resource adds its settings and next times). */
export interface PlanCalendarScheduleView {
  id: string;
  planId: string;
  scheduleId: string;
  calendar: MeetingCalendar;
  timeZone: string;
  paused: boolean;
  state: 'running' | 'paused' | 'not_active' | 'missing';
  note: string | null;
  recentRuns: { scheduledAt: string; workflowId: string }[];
  version: number;
  warnings: ScheduleWarning[];
}

/**
 * A plan's settings for a calendar schedule and their Temporal Schedule, as a resource (the Dialogue
 * Board's check-in schedule, the digest schedule). The settings are the truth and are committed
 * first; then the plan's sync use case brings the schedule in line (an active plan only). When the
 * engine does not answer, the settings stay saved, the answer carries a `warnings` entry and
 * housekeeping's reconcile finishes it; reading the schedule and triggering it need the engine (503
 * with Retry-After). Subclasses say which settings (`kind`), what a PUT sets, how the sync runs and
 * what the view adds.
 */
export abstract class PlanCalendarScheduleResource<
  Row extends PlanCalendarScheduleRow,
  Put extends { calendar: object },
  Live extends LiveCalendarSchedule,
  Settings extends object,
  Upcoming extends object,
> {
  protected readonly logger = new Logger(this.constructor.name);
  protected abstract readonly kind: PlanCalendarScheduleKind<Row>;

  constructor(
    protected readonly db: DataSource,
    protected readonly scope: PlanScope,
    protected readonly schedules: CalendarScheduleGateway<Live>,
  ) {}

  /** The settings a PUT sets besides the calendar (validated before the transaction). */
  protected abstract settingsOf(dto: Put): DeepPartial<Row>;
  /** Runs the plan's sync use case; `triggered`: it started a run already. */
  protected abstract sync(planId: string): Promise<PlanScheduleSynced & { triggered?: boolean }>;
  /** The view's fields from the settings, after the time zone. */
  protected abstract settingsView(settings: Row): Settings;
  /** The view's next times (up to five, in UTC and local time), after the note. */
  protected abstract upcoming(live: Live | null, local: (times: Date[]) => MeetingTime[]): Upcoming;

  async get(actor: Actor, planId: string): Promise<PlanCalendarScheduleView & Settings & Upcoming> {
    const plan = await this.scope.plan(actor, planId);
    return this.view(plan, await this.require(planId));
  }

  /** Creates (no If-Match) or replaces (If-Match: the current version) the settings; in an active plan the schedule follows. */
  async put(actor: Actor, planId: string, ifMatch: number | undefined, dto: Put): Promise<{ created: boolean; schedule: PlanCalendarScheduleView & Settings & Upcoming }> {
    const plan = await this.scope.plan(actor, planId, 'write');
    // Only the fields sent, as plain JSON (the DTO instance carries undefined for the rest).
    const calendar = JSON.parse(JSON.stringify(dto.calendar)) as MeetingCalendar;
    const violations = checkMeetingCalendar(calendar);
    if (violations.length > 0) throw new RuleViolationError(violations);
    const values = { calendar, ...this.settingsOf(dto) } as DeepPartial<Row>;
    const { noun, auditType } = this.kind;
    const { created } = await this.db.transaction(async (manager) => {
      const { repo, before } = await this.locked(manager, planId);
      if (before && ifMatch === undefined) {
        throw new ProblemException(428, 'Precondition Required', `The plan has ${noun} settings already: send the ETag you last read in an If-Match header to replace them.`, [
          { field: 'If-Match', message: 'If-Match header is required' },
        ]);
      }
      if (!before && ifMatch !== undefined) throw staleVersion(`${noun} schedule`);
      if (before && before.version !== ifMatch) throw staleVersion(`${noun} schedule`);
      const saved = before
        ? await repo.save(repo.merge(repo.create({ ...before } as DeepPartial<Row>), values))
        : await repo.save(repo.create({ planId, paused: false, ...values } as DeepPartial<Row>));
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: `${auditType}.${before ? 'updated' : 'created'}`, entityType: auditType, entityId: planId, before, after: saved });
      return { created: !before };
    });
    const warnings = await this.syncAfterCommit(plan, `The ${noun} settings are saved, but the ${this.kind.names.label} schedule could not be brought in line yet`);
    return { created, schedule: await this.view(plan, await this.require(planId), warnings) };
  }

  pause(actor: Actor, planId: string, dto: { note?: string }): Promise<PlanCalendarScheduleView & Settings & Upcoming> {
    return this.setPaused(actor, planId, true, dto.note ?? 'Paused by the coordinator');
  }

  resume(actor: Actor, planId: string, dto: { note?: string }): Promise<PlanCalendarScheduleView & Settings & Upcoming> {
    return this.setPaused(actor, planId, false, dto.note ?? 'Resumed by the coordinator');
  }

  /** Starts a run now; the sync creates the schedule first if the engine lacks it (and runs a new Dialogue Board schedule once already). */
  async trigger(actor: Actor, planId: string): Promise<PlanCalendarScheduleView & Settings & Upcoming> {
    const plan = await this.scope.plan(actor, planId, 'write');
    const settings = await this.require(planId);
    if (plan.status !== PlanStatus.Active) {
      throw new ProblemException(409, 'Conflict', `The plan is ${plan.status}: its ${this.kind.names.label} schedule runs only while it is active.`, [{ field: 'status', message: `plan is ${plan.status}` }]);
    }
    const synced = await this.sync(planId);
    if (!synced.triggered) await this.schedules.trigger(planId);
    const { auditType } = this.kind;
    await this.db.transaction((manager) =>
      recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: `${auditType}.triggered`, entityType: auditType, entityId: planId, after: { scheduleId: this.kind.scheduleIdOf(planId) } }),
    );
    return this.view(plan, settings);
  }

  /** Removes the settings; in an active plan the schedule goes too (what its runs started carries on). */
  async remove(actor: Actor, planId: string): Promise<{ warnings: ScheduleWarning[] }> {
    const plan = await this.scope.plan(actor, planId, 'write');
    const { auditType } = this.kind;
    await this.db.transaction(async (manager) => {
      const { repo, before } = await this.locked(manager, planId);
      if (!before) throw this.missing(planId);
      await repo.delete(byPlan<Row>(planId));
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: `${auditType}.deleted`, entityType: auditType, entityId: planId, before });
    });
    return { warnings: await this.syncAfterCommit(plan, `The ${this.kind.noun} settings are deleted, but the ${this.kind.names.label} schedule could not be deleted yet`) };
  }

  private async setPaused(actor: Actor, planId: string, paused: boolean, note: string): Promise<PlanCalendarScheduleView & Settings & Upcoming> {
    const plan = await this.scope.plan(actor, planId, 'write');
    const { auditType } = this.kind;
    await this.db.transaction(async (manager) => {
      const { repo, before } = await this.locked(manager, planId);
      if (!before) throw this.missing(planId);
      const after = await repo.save(repo.merge(repo.create({ ...before } as DeepPartial<Row>), { paused } as DeepPartial<Row>));
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: `${auditType}.${paused ? 'paused' : 'resumed'}`, entityType: auditType, entityId: planId, before, after: { ...after, note } });
    });
    let warnings: ScheduleWarning[] = [];
    if (plan.status === PlanStatus.Active) {
      const step = async () => {
        // The coordinator's note goes on the schedule; a schedule the engine lacks is created by the sync.
        try {
          await (paused ? this.schedules.pause(planId, note) : this.schedules.resume(planId, note));
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundForQueryError)) throw error;
        }
        await this.sync(planId);
      };
      const notYet = `The schedule is ${paused ? 'paused' : 'resumed'} in the settings, but the engine could not be told yet`;
      ({ warnings } = await afterCommitOnSchedule(step, { names: this.kind.names, logger: this.logger, planId, notYet, done: 'changed' }));
    }
    return this.view(plan, await this.require(planId), warnings);
  }

  private async syncAfterCommit(plan: ActionPlanEntity, notYet: string): Promise<ScheduleWarning[]> {
    if (plan.status !== PlanStatus.Active) return [];
    return (await afterCommitOnSchedule(() => this.sync(plan.id), { names: this.kind.names, logger: this.logger, planId: plan.id, notYet })).warnings;
  }

  /** The plan's settings, locked for the transaction (null when it has none). */
  private async locked(manager: EntityManager, planId: string): Promise<{ repo: Repository<Row>; before: Row | null }> {
    const repo = manager.getRepository(this.kind.entity);
    return { repo, before: await repo.findOne({ where: byPlan<Row>(planId), lock: { mode: 'pessimistic_write' } }) };
  }

  private async require(planId: string): Promise<Row> {
    const settings = await this.db.getRepository(this.kind.entity).findOneBy(byPlan<Row>(planId));
    if (!settings) throw this.missing(planId);
    return settings;
  }

  private missing(planId: string): ProblemException {
    return notFound(`${this.kind.noun} schedule of the plan`, planId);
  }

  private async view(plan: ActionPlanEntity, settings: Row, warnings: ScheduleWarning[] = []): Promise<PlanCalendarScheduleView & Settings & Upcoming> {
    const { timeZone } = await this.db.getRepository(JurisdictionEntity).findOneByOrFail({ id: plan.jurisdictionId });
    const live = plan.status === PlanStatus.Active ? await this.schedules.describe(plan.id) : null;
    const state = plan.status !== PlanStatus.Active ? 'not_active' : !live ? 'missing' : live.paused ? 'paused' : 'running';
    const local = (times: Date[]) => times.slice(0, 5).map((at) => ({ at: at.toISOString(), local: localDateTime(at, timeZone), timeZone }));
    return {
      id: plan.id,
      planId: plan.id,
      scheduleId: this.kind.scheduleIdOf(plan.id),
      calendar: settings.calendar,
      timeZone,
      ...this.settingsView(settings),
      paused: live ? live.paused : settings.paused,
      state,
      note: live?.note ?? null,
      ...this.upcoming(live, local),
      recentRuns: (live?.recentRuns ?? []).map((r) => ({ scheduledAt: r.scheduledAt.toISOString(), workflowId: r.workflowId })),
      version: settings.version,
      warnings,
    };
  }
}

function byPlan<Row extends PlanCalendarScheduleRow>(planId: string): FindOptionsWhere<Row> {
  return { planId } as FindOptionsWhere<Row>;
}
