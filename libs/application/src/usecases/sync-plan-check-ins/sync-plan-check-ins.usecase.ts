import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { ActionItemStatus, CheckInPolicy, CheckInStatus, checkInEmailKey, PlanStatus, resolveCheckInPolicy } from '@app/domain';
import { ActionItemEntity, ActionPlanEntity, CheckInEntity, CheckInScheduleEntity, JurisdictionEntity } from '@app/persistence';
import { CheckInWorkflows, DialogueBoardSchedules, DialogueBoardScheduleSettings } from '@app/temporal';
import { afterCommitOnSchedule, PlanScheduleNames, PlanScheduleSynced, ScheduleWarning, SyncPlanCalendarSchedule } from '../../plan-calendar-schedule-sync';
import { SyncPlanCheckInsCommand } from './sync-plan-check-ins.command';

/**
 * After an outage, a missed run of the Dialogue Board schedule within this window still runs (it
 * prepares the next meeting). A longer outage is healed by this use case: a schedule with no meeting
 * prepared ahead is triggered.
 */
export const CHECK_IN_CATCHUP_WINDOW_SECONDS = 24 * 60 * 60;

/**
 * A check-in cancelled or closed this long ago still has its workflow nudged (by the audit trail's
 * cancellation or the closing time); one not finished, this long past its close reminder.
 */
export const CHECK_IN_NUDGE_WINDOW_SECONDS = 24 * 60 * 60;

export const DIALOGUE_BOARD_SCHEDULE_NAMES: PlanScheduleNames = { label: 'Dialogue Board', field: 'checkInSchedule' };

/** `schedule`: what happened to the schedule `dialogue-board-<planId>`. */
export interface PlanCheckInsSynced extends PlanScheduleSynced {
  /** A run was started at once, to prepare the next meeting (a new schedule, or none prepared ahead). */
  triggered: boolean;
  /** Open action items handed to their workflows (starting one that runs already is a no-op). */
  actionItemsFollowed: number;
  /** Only with `nudgeCheckIns`: check-in workflows told to read their row again (changed, cancelled or closed). */
  checkInsNudged?: number;
}

interface CheckInToNudge {
  id: string;
  status: CheckInStatus;
  sequence: number;
}

/**
 * Makes Temporal match a plan's Dialogue Board, idempotently (SyncPlanCalendarSchedule): an active
 * plan with check-in settings has its schedule `dialogue-board-<planId>`; a schedule just created, or
 * one with no meeting prepared ahead, is triggered once so the next meeting is prepared now. Its open
 * action items are followed. The API runs it after committing settings, activation and closing run it
 * after their commit, and housekeeping runs it for active and recently closed plans, so a change
 * Temporal did not take heals itself.
 */
@Injectable()
export class SyncPlanCheckIns extends SyncPlanCalendarSchedule<CheckInScheduleEntity, DialogueBoardScheduleSettings> {
  private readonly logger = new Logger(SyncPlanCheckIns.name);

  constructor(
    @InjectRepository(ActionPlanEntity) plans: Repository<ActionPlanEntity>,
    @InjectRepository(JurisdictionEntity) jurisdictions: Repository<JurisdictionEntity>,
    @InjectRepository(CheckInScheduleEntity) settings: Repository<CheckInScheduleEntity>,
    @InjectRepository(CheckInEntity) private readonly checkIns: Repository<CheckInEntity>,
    @InjectRepository(ActionItemEntity) private readonly actionItems: Repository<ActionItemEntity>,
    protected override readonly schedules: DialogueBoardSchedules,
    private readonly workflows: CheckInWorkflows,
  ) {
    super(plans, jurisdictions, settings, schedules);
  }

  async execute(command: SyncPlanCheckInsCommand): Promise<PlanCheckInsSynced> {
    const { plan, settings } = await this.load(command.planId);
    const result: PlanCheckInsSynced = { planId: plan.id, planStatus: plan.status, schedule: 'none', triggered: false, actionItemsFollowed: 0 };
    if (command.nudgeCheckIns && plan.status === PlanStatus.Active) result.checkInsNudged = await this.nudgeCheckIns(plan.id, resolveCheckInPolicy(settings?.policy ?? {}));
    result.schedule = await this.bringInLine(plan, settings, command.withoutSettings);
    if (!settings || plan.status !== PlanStatus.Active) return result;
    if (!settings.paused && (result.schedule === 'created' || !(await this.checkIns.existsBy({ planId: plan.id, scheduledFor: MoreThan(new Date()) })))) {
      await this.schedules.trigger(plan.id);
      result.triggered = true;
    }
    for (const item of await this.actionItems.find({ where: { planId: plan.id, status: ActionItemStatus.Open }, order: { dueAt: 'ASC' } })) {
      await this.workflows.followActionItem(item.id);
      result.actionItemsFollowed++;
    }
    if (result.schedule !== 'unchanged' || result.triggered) this.logger.log({ msg: 'dialogue board schedule synced', ...result });
    return result;
  }

  protected scheduleSettings(settings: CheckInScheduleEntity, timeZone: string): DialogueBoardScheduleSettings {
    return { calendar: settings.calendar, timeZone, paused: settings.paused, catchupWindowSeconds: CHECK_IN_CATCHUP_WINDOW_SECONDS };
  }

  /**
   * The API commits a check-in's change, cancellation or closing and then signals its workflow; a
   * signal Temporal did not take is sent again here. Safe to repeat: the workflows read the row again
   * and every email is keyed by (kind, check-in, SEQUENCE, address). Which check-ins: those whose
   * workflow may still wait (scheduled or invited, at most a day past their close reminder) and
   * those cancelled or closed in the last day. A nudge costs history events, so a check-in whose
   * workflow cannot have missed anything is left alone: a scheduled one never moved (SEQUENCE 0: its
   * workflow read it as it started), an invited one whose current SEQUENCE has its invitation or
   * update in the outbox. A workflow that has ended is not an error (the gateway ignores it).
   */
  private async nudgeCheckIns(planId: string, policy: CheckInPolicy): Promise<number> {
    const rows: CheckInToNudge[] = await this.checkIns.query(
      `SELECT c.id, c.status, c.sequence FROM check_in c
        WHERE c.plan_id = $1
          AND (   (c.status IN ($2, $3, $4) AND c.starts_at > now() - make_interval(secs => $6))
               OR (c.status = $5 AND c.closed_at > now() - make_interval(secs => $7))
               OR (c.status = $4 AND EXISTS (SELECT 1 FROM audit_event a WHERE a.entity_type = 'check_in' AND a.entity_id = c.id::text
                                               AND a.action = 'check_in.cancelled' AND a.at > now() - make_interval(secs => $7))))
        ORDER BY c.starts_at, c.id`,
      [planId, CheckInStatus.Scheduled, CheckInStatus.Invited, CheckInStatus.Cancelled, CheckInStatus.Closed, policy.closeReminderAfterSeconds + CHECK_IN_NUDGE_WINDOW_SECONDS, CHECK_IN_NUDGE_WINDOW_SECONDS],
    );
    const invited = rows.filter((c) => c.status === CheckInStatus.Invited);
    const sentPrefixes = (c: CheckInToNudge) => (['invitation', 'update'] as const).map((kind) => checkInEmailKey(kind, c.id, c.sequence, ''));
    const sentKeys: { key: string }[] = invited.length
      ? await this.checkIns.query(`SELECT idempotency_key AS key FROM outbox_message WHERE idempotency_key LIKE ANY($1)`, [invited.flatMap(sentPrefixes).map((prefix) => `${prefix}%`)])
      : [];
    const emailed = (c: CheckInToNudge) => sentPrefixes(c).some((prefix) => sentKeys.some(({ key }) => key.startsWith(prefix)));
    let nudged = 0;
    for (const checkIn of rows) {
      if (checkIn.status === CheckInStatus.Cancelled) await this.workflows.cancelled(checkIn.id);
      else if (checkIn.status === CheckInStatus.Closed) await this.workflows.closed(checkIn.id);
      else if (checkIn.status === CheckInStatus.Scheduled ? checkIn.sequence > 0 : !emailed(checkIn)) await this.workflows.changed(checkIn.id);
      else continue;
      nudged++;
    }
    if (nudged) this.logger.log({ msg: 'check-in workflows nudged', planId, nudged });
    return nudged;
  }
}

/** Runs the sync after a commit: Temporal out of reach is a warning (housekeeping finishes it), not an error. */
export function syncCheckInsAfterCommit(
  sync: SyncPlanCheckIns,
  logger: Logger,
  planId: string,
  notYet: string,
  withoutSettings: 'delete' | 'leave' = 'delete',
): Promise<{ synced: PlanCheckInsSynced | null; warnings: ScheduleWarning[] }> {
  return afterCommitOnSchedule(() => sync.execute(SyncPlanCheckInsCommand.create({ planId, withoutSettings })), { names: DIALOGUE_BOARD_SCHEDULE_NAMES, logger, planId, notYet });
}
