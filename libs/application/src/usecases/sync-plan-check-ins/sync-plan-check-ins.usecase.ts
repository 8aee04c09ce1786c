import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { ActionItemStatus, PlanStatus } from '@app/domain';
import { ActionItemEntity, ActionPlanEntity, CheckInEntity, CheckInScheduleEntity, JurisdictionEntity } from '@app/persistence';
import { CheckInWorkflows, DialogueBoardSchedules, WorkflowEngineUnavailableError } from '@app/temporal';
import { SyncPlanCheckInsCommand } from './sync-plan-check-ins.command';

/**
 * After an outage, a missed run of the Dialogue Board schedule within this window still runs (it
 * prepares the next meeting). A longer outage is healed by this use case: a schedule with no meeting
 * prepared ahead is triggered.
 */
export const CHECK_IN_CATCHUP_WINDOW_SECONDS = 24 * 60 * 60;

export interface PlanCheckInsSynced {
  planId: string;
  planStatus: string;
  /** What happened to the schedule `dialogue-board-<planId>`; `none`: a draft plan, nothing to ask Temporal. */
  schedule: 'created' | 'updated' | 'unchanged' | 'deleted' | 'none';
  /** A run was started at once, to prepare the next meeting (a new schedule, or none prepared ahead). */
  triggered: boolean;
  /** Open action items handed to their workflows (starting one that runs already is a no-op). */
  actionItemsFollowed: number;
}

/**
 * Makes Temporal match a plan's Dialogue Board, idempotently. An active plan with check-in settings
 * has its schedule, in the jurisdiction's time zone and paused as the settings say; a schedule just
 * created, or one with no meeting prepared ahead, is triggered once so the next meeting is prepared
 * now. Its open action items are followed. A plan that is not active (closed) has no schedule; a draft
 * never had one, so Temporal is not asked. The API runs it after committing settings, activation and
 * closing run it after their commit, and housekeeping runs it for active and recently closed plans, so a
 * change Temporal did not take heals itself. Errors are the gateways' (WorkflowEngineUnavailableError).
 */
@Injectable()
export class SyncPlanCheckIns {
  private readonly logger = new Logger(SyncPlanCheckIns.name);

  constructor(
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    @InjectRepository(CheckInScheduleEntity) private readonly settings: Repository<CheckInScheduleEntity>,
    @InjectRepository(CheckInEntity) private readonly checkIns: Repository<CheckInEntity>,
    @InjectRepository(ActionItemEntity) private readonly actionItems: Repository<ActionItemEntity>,
    private readonly schedules: DialogueBoardSchedules,
    private readonly workflows: CheckInWorkflows,
  ) {}

  async execute(command: SyncPlanCheckInsCommand): Promise<PlanCheckInsSynced> {
    const plan = await this.plans.findOneByOrFail({ id: command.planId });
    const result: PlanCheckInsSynced = { planId: plan.id, planStatus: plan.status, schedule: 'none', triggered: false, actionItemsFollowed: 0 };
    if (plan.status === PlanStatus.Draft) return result;
    const settings = await this.settings.findOneBy({ planId: plan.id });
    if (!settings && command.withoutSettings === 'leave') return result;
    if (!settings || plan.status !== PlanStatus.Active) {
      await this.schedules.delete(plan.id);
      result.schedule = 'deleted';
      return result;
    }
    const { timeZone } = await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId });
    result.schedule = await this.schedules.upsert(plan.id, { calendar: settings.calendar, timeZone, paused: settings.paused, catchupWindowSeconds: CHECK_IN_CATCHUP_WINDOW_SECONDS });
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
}

/** Runs the sync after a commit: Temporal out of reach is a warning (housekeeping finishes it), not an error. */
export async function syncCheckInsAfterCommit(
  sync: SyncPlanCheckIns,
  logger: Logger,
  planId: string,
  notYet: string,
  withoutSettings: 'delete' | 'leave' = 'delete',
): Promise<{ synced: PlanCheckInsSynced | null; warnings: { field: string; message: string }[] }> {
  try {
    return { synced: await sync.execute(SyncPlanCheckInsCommand.create({ planId, withoutSettings })), warnings: [] };
  } catch (error) {
    if (!(error instanceof WorkflowEngineUnavailableError)) throw error;
    logger.warn({ msg: 'the Dialogue Board schedule could not be synced after the commit; housekeeping will finish it', planId, error: error.message });
    return { synced: null, warnings: [{ field: 'checkInSchedule', message: `${notYet} (the workflow engine did not answer). Housekeeping brings the schedule in line on its next run.` }] };
  }
}
