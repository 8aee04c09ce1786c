import { Logger } from '@nestjs/common';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { FindOptionsWhere, Repository } from 'typeorm';
import { PlanStatus } from '@app/domain';
import type { MeetingCalendar } from '@app/domain';
import { ActionPlanEntity, JurisdictionEntity } from '@app/persistence';
import { WorkflowEngineUnavailableError } from '@app/temporal';
import { BaseCommand } from './base-command';

/** What a sync did to a plan's calendar schedule; `none`: nothing to ask Temporal (a draft plan, or no settings with `leave`). */
export type PlanScheduleOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'none';

export interface PlanScheduleSynced {
  planId: string;
  planStatus: string;
  schedule: PlanScheduleOutcome;
}

/** The stored settings a plan's calendar schedule runs from (check_in_schedule, digest_schedule). */
export interface PlanCalendarSettings {
  planId: string;
  calendar: MeetingCalendar;
  paused: boolean;
}

/** How a plan's calendar schedule is named in logs ("the digest schedule") and the field of the warnings about it. */
export interface PlanScheduleNames {
  label: string;
  field: string;
}

export interface ScheduleWarning {
  field: string;
  message: string;
}

export class SyncPlanScheduleCommand extends BaseCommand {
  @IsUUID()
  planId!: string;

  /**
   * A plan without settings: `delete` (default) makes sure it has no schedule (housekeeping, the API
   * after deleting the settings); `leave` asks Temporal nothing, for activation and closing of a plan
   * that has never had settings to schedule from.
   */
  @IsOptional() @IsIn(['delete', 'leave'])
  withoutSettings?: 'delete' | 'leave';
}

/** The calls a sync makes on its gateway (DialogueBoardSchedules, DigestSchedules). */
interface CalendarScheduleGateway<ScheduleSettings> {
  upsert(planId: string, settings: ScheduleSettings): Promise<'created' | 'updated' | 'unchanged'>;
  delete(planId: string): Promise<void>;
}

/**
 * What SyncPlanCheckIns and SyncPlanDigests share: making Temporal match a plan's calendar schedule,
 * idempotently. An active plan with settings has its schedule, in the jurisdiction's time zone and
 * paused as the settings say; a plan that is not active (closed), or has no settings, has none; a
 * draft never had one, so Temporal is not asked. Subclasses say how the settings become the
 * gateway's and what else follows. Errors are the gateway's (WorkflowEngineUnavailableError).
 */
export abstract class SyncPlanCalendarSchedule<Settings extends PlanCalendarSettings, ScheduleSettings> {
  constructor(
    protected readonly plans: Repository<ActionPlanEntity>,
    protected readonly jurisdictions: Repository<JurisdictionEntity>,
    protected readonly settings: Repository<Settings>,
    protected readonly schedules: CalendarScheduleGateway<ScheduleSettings>,
  ) {}

  /** The gateway's settings for the stored ones, in the jurisdiction's zone. */
  protected abstract scheduleSettings(settings: Settings, timeZone: string): ScheduleSettings;

  /** The plan and its settings (a draft's are not read: it never had a schedule). */
  protected async load(planId: string): Promise<{ plan: ActionPlanEntity; settings: Settings | null }> {
    const plan = await this.plans.findOneByOrFail({ id: planId });
    const settings = plan.status === PlanStatus.Draft ? null : await this.settings.findOneBy({ planId: plan.id } as FindOptionsWhere<Settings>);
    return { plan, settings };
  }

  /** Creates, updates or deletes the plan's schedule as its status and settings say. */
  protected async bringInLine(plan: ActionPlanEntity, settings: Settings | null, withoutSettings: 'delete' | 'leave' | undefined): Promise<PlanScheduleOutcome> {
    if (plan.status === PlanStatus.Draft || (!settings && withoutSettings === 'leave')) return 'none';
    if (!settings || plan.status !== PlanStatus.Active) {
      await this.schedules.delete(plan.id);
      return 'deleted';
    }
    const { timeZone } = await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId });
    return this.schedules.upsert(plan.id, this.scheduleSettings(settings, timeZone));
  }
}

/**
 * Runs a step on a plan's schedule after a commit (a sync; the API's pause or resume): Temporal out
 * of reach is a warning (housekeeping finishes it), not an error.
 */
export async function afterCommitOnSchedule<T>(
  step: () => Promise<T>,
  { names, logger, planId, notYet, done = 'synced' }: { names: PlanScheduleNames; logger: Logger; planId: string; notYet: string; done?: 'synced' | 'changed' },
): Promise<{ synced: T | null; warnings: ScheduleWarning[] }> {
  try {
    return { synced: await step(), warnings: [] };
  } catch (error) {
    if (!(error instanceof WorkflowEngineUnavailableError)) throw error;
    logger.warn({ msg: `the ${names.label} schedule could not be ${done} after the commit; housekeeping will finish it`, planId, error: error.message });
    return { synced: null, warnings: [{ field: names.field, message: `${notYet} (the workflow engine did not answer). Housekeeping brings the schedule in line on its next run.` }] };
  }
}
