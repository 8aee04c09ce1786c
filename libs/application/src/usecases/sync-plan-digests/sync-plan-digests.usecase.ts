import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PlanStatus } from '@app/domain';
import { ActionPlanEntity, DigestScheduleEntity, JurisdictionEntity } from '@app/persistence';
import { DigestSchedules, WorkflowEngineUnavailableError } from '@app/temporal';
import { SyncPlanDigestsCommand } from './sync-plan-digests.command';

export interface PlanDigestsSynced {
  planId: string;
  planStatus: string;
  /** What happened to the schedule `digest-<planId>`; `none`: nothing to ask Temporal (a draft plan, or no settings with `leave`). */
  schedule: 'created' | 'updated' | 'unchanged' | 'deleted' | 'none';
}

/**
 * Makes Temporal match a plan's digest settings, idempotently. An active plan with digest settings
 * has its schedule `digest-<planId>`, in the jurisdiction's time zone and paused as the settings say;
 * a plan that is not active (closed), or has no settings, has none; a draft never had one, so Temporal
 * is not asked. Unlike the Dialogue Board, a new schedule is not triggered: a digest goes out on its
 * calendar (or when the coordinator triggers it). The API runs it after committing settings,
 * activation and closing run it after their commit, and housekeeping runs it for active and recently
 * closed plans. Errors are the gateway's (WorkflowEngineUnavailableError).
 */
@Injectable()
export class SyncPlanDigests {
  private readonly logger = new Logger(SyncPlanDigests.name);

  constructor(
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    @InjectRepository(DigestScheduleEntity) private readonly settings: Repository<DigestScheduleEntity>,
    private readonly schedules: DigestSchedules,
  ) {}

  async execute(command: SyncPlanDigestsCommand): Promise<PlanDigestsSynced> {
    const plan = await this.plans.findOneByOrFail({ id: command.planId });
    const result: PlanDigestsSynced = { planId: plan.id, planStatus: plan.status, schedule: 'none' };
    if (plan.status === PlanStatus.Draft) return result;
    const settings = await this.settings.findOneBy({ planId: plan.id });
    if (!settings && command.withoutSettings === 'leave') return result;
    if (!settings || plan.status !== PlanStatus.Active) {
      await this.schedules.delete(plan.id);
      result.schedule = 'deleted';
      return result;
    }
    const { timeZone } = await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId });
    result.schedule = await this.schedules.upsert(plan.id, { calendar: settings.calendar, timeZone, paused: settings.paused });
    if (result.schedule !== 'unchanged') this.logger.log({ msg: 'digest schedule synced', ...result });
    return result;
  }
}

/** Runs the sync after a commit: Temporal out of reach is a warning (housekeeping finishes it), not an error. */
export async function syncDigestsAfterCommit(
  sync: SyncPlanDigests,
  logger: Logger,
  planId: string,
  notYet: string,
  withoutSettings: 'delete' | 'leave' = 'delete',
): Promise<{ synced: PlanDigestsSynced | null; warnings: { field: string; message: string }[] }> {
  try {
    return { synced: await sync.execute(SyncPlanDigestsCommand.create({ planId, withoutSettings })), warnings: [] };
  } catch (error) {
    if (!(error instanceof WorkflowEngineUnavailableError)) throw error;
    logger.warn({ msg: 'the digest schedule could not be synced after the commit; housekeeping will finish it', planId, error: error.message });
    return { synced: null, warnings: [{ field: 'digestSchedule', message: `${notYet} (the workflow engine did not answer). Housekeeping brings the schedule in line on its next run.` }] };
  }
}
