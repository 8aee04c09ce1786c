import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ActionPlanEntity, DigestScheduleEntity, JurisdictionEntity } from '@app/persistence';
import { DigestSchedules, DigestScheduleSettings } from '@app/temporal';
import { afterCommitOnSchedule, PlanScheduleNames, PlanScheduleSynced, ScheduleWarning, SyncPlanCalendarSchedule } from '../../plan-calendar-schedule-sync';
import { SyncPlanDigestsCommand } from './sync-plan-digests.command';

/** `schedule`: what happened to the schedule `digest-<planId>`. */
export type PlanDigestsSynced = PlanScheduleSynced;

export const DIGEST_SCHEDULE_NAMES: PlanScheduleNames = { label: 'digest', field: 'digestSchedule' };

/**
 * Makes Temporal match a plan's digest settings, idempotently (SyncPlanCalendarSchedule): an active
 * plan with digest settings has its schedule `digest-<planId>`. Unlike the Dialogue Board, a new
 * schedule is not triggered: a digest goes out on its calendar (or when the coordinator triggers it).
 * The API runs it after committing settings, activation and closing run it after their commit, and
 * housekeeping runs it for active and recently closed plans.
 */
@Injectable()
export class SyncPlanDigests extends SyncPlanCalendarSchedule<DigestScheduleEntity, DigestScheduleSettings> {
  private readonly logger = new Logger(SyncPlanDigests.name);

  constructor(
    @InjectRepository(ActionPlanEntity) plans: Repository<ActionPlanEntity>,
    @InjectRepository(JurisdictionEntity) jurisdictions: Repository<JurisdictionEntity>,
    @InjectRepository(DigestScheduleEntity) settings: Repository<DigestScheduleEntity>,
    schedules: DigestSchedules,
  ) {
    super(plans, jurisdictions, settings, schedules);
  }

  async execute(command: SyncPlanDigestsCommand): Promise<PlanDigestsSynced> {
    const { plan, settings } = await this.load(command.planId);
    const result: PlanDigestsSynced = { planId: plan.id, planStatus: plan.status, schedule: await this.bringInLine(plan, settings, command.withoutSettings) };
    if (result.schedule === 'created' || result.schedule === 'updated') this.logger.log({ msg: 'digest schedule synced', ...result });
    return result;
  }

  protected scheduleSettings(settings: DigestScheduleEntity, timeZone: string): DigestScheduleSettings {
    return { calendar: settings.calendar, timeZone, paused: settings.paused };
  }
}

/** Runs the sync after a commit: Temporal out of reach is a warning (housekeeping finishes it), not an error. */
export function syncDigestsAfterCommit(
  sync: SyncPlanDigests,
  logger: Logger,
  planId: string,
  notYet: string,
  withoutSettings: 'delete' | 'leave' = 'delete',
): Promise<{ synced: PlanDigestsSynced | null; warnings: ScheduleWarning[] }> {
  return afterCommitOnSchedule(() => sync.execute(SyncPlanDigestsCommand.create({ planId, withoutSettings })), { names: DIGEST_SCHEDULE_NAMES, logger, planId, notYet });
}
