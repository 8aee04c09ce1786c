import { Inject, Injectable } from '@nestjs/common';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { MeetingCalendar } from '@app/domain';
import { DIGEST_RUN_WORKFLOW_TYPE, DigestRunInput, digestScheduleId } from '@app/workflows';
import { calendarSpecOf } from './dialogue-board-schedules';
import { ScheduleDefinition, Schedules } from './schedules';
import { reasonOf, WorkflowEngineUnavailableError, WorkflowError, WorkflowNotFoundForQueryError } from './workflow-errors';

/** After an outage, a missed digest run within this window still runs (a day: the month's digest is not lost). */
export const DIGEST_CATCHUP_WINDOW_SECONDS = 24 * 60 * 60;

/** A plan's digest schedule as the API shows it. */
export interface DigestScheduleState {
  scheduleId: string;
  paused: boolean;
  note: string | null;
  /** The next runs (up to 5), in UTC; none while paused. */
  nextRuns: Date[];
  /** The runs it started most recently (oldest first), including triggered ones. */
  recentRuns: { scheduledAt: Date; workflowId: string }[];
}

export interface DigestScheduleSettings {
  calendar: MeetingCalendar;
  /** IANA zone of the jurisdiction, e.g. America/Argentina/Cordoba. */
  timeZone: string;
  paused: boolean;
}

const PAUSED_NOTE = 'Paused by the coordinator';

/**
 * The schedule `digest-<planId>`: fires on the digest calendar and starts digestRunWorkflow
 * (`digest-<planId>-<scheduled time>`), which starts the month's `digest-<planId>-<YYYY-MM>`.
 */
export function digestSchedule(planId: string, settings: DigestScheduleSettings, taskQueue: string): ScheduleDefinition {
  const args: [DigestRunInput] = [{ planId }];
  return {
    scheduleId: digestScheduleId(planId),
    spec: { calendars: [calendarSpecOf(settings.calendar)], timezone: settings.timeZone },
    workflowType: DIGEST_RUN_WORKFLOW_TYPE,
    workflowId: digestScheduleId(planId),
    taskQueue,
    args,
    // A run only starts the month's digest (which outlives it): SKIP never loses a month.
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindowMs: DIGEST_CATCHUP_WINDOW_SECONDS * 1000,
    pausedWithNote: settings.paused ? PAUSED_NOTE : undefined,
  };
}

function fromScheduleError(error: unknown, planId: string, write: boolean): Error {
  if (error instanceof WorkflowError) return error;
  if (error instanceof ScheduleNotFoundError) return new WorkflowNotFoundForQueryError(`The plan ${planId} has no digest schedule.`, { cause: error });
  return new WorkflowEngineUnavailableError(`The workflow engine could not ${write ? 'change' : 'read'} the digest schedule (${reasonOf(error)})`, write, { cause: error });
}

/**
 * A plan's digest schedule (`digest-<planId>`), through the one schedules client. Every call is safe
 * to retry; errors are WorkflowErrors (a missing schedule: WorkflowNotFoundForQueryError).
 */
@Injectable()
export class DigestSchedules {
  constructor(
    private readonly schedules: Schedules,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the schedule or brings it in line with the settings (calendar, zone, paused). */
  async upsert(planId: string, settings: DigestScheduleSettings): Promise<'created' | 'updated' | 'unchanged'> {
    const scheduleId = digestScheduleId(planId);
    try {
      const outcome = await this.schedules.createOrUpdate(digestSchedule(planId, settings, this.config.temporal.taskQueue));
      if (outcome === 'created') return outcome;
      const current = await this.schedules.describe(scheduleId);
      if (current.paused === settings.paused) return outcome;
      if (settings.paused) await this.schedules.pause(scheduleId, PAUSED_NOTE);
      else await this.schedules.unpause(scheduleId, 'Resumed by the coordinator');
      return 'updated';
    } catch (error) {
      throw fromScheduleError(error, planId, true);
    }
  }

  async pause(planId: string, note: string): Promise<void> {
    try {
      await this.schedules.pause(digestScheduleId(planId), note);
    } catch (error) {
      throw fromScheduleError(error, planId, true);
    }
  }

  async resume(planId: string, note: string): Promise<void> {
    try {
      await this.schedules.unpause(digestScheduleId(planId), note);
    } catch (error) {
      throw fromScheduleError(error, planId, true);
    }
  }

  /** Starts a run now: it starts the current month's digest (a repeat finds it started). */
  async trigger(planId: string): Promise<void> {
    try {
      await this.schedules.trigger(digestScheduleId(planId));
    } catch (error) {
      throw fromScheduleError(error, planId, true);
    }
  }

  /** Removes the schedule (a digest already sending carries on); a missing schedule is fine. */
  async delete(planId: string): Promise<void> {
    try {
      await this.schedules.delete(digestScheduleId(planId));
    } catch (error) {
      throw fromScheduleError(error, planId, true);
    }
  }

  /** Null when the plan has no schedule. */
  async describe(planId: string): Promise<DigestScheduleState | null> {
    try {
      const view = await this.schedules.describe(digestScheduleId(planId));
      return { scheduleId: view.scheduleId, paused: view.paused, note: view.note ?? null, nextRuns: view.nextActionTimes.slice(0, 5), recentRuns: view.recentRuns };
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return null;
      throw fromScheduleError(error, planId, false);
    }
  }
}
