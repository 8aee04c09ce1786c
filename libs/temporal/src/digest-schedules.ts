import { Inject, Injectable } from '@nestjs/common';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { MeetingCalendar } from '@app/domain';
import { DIGEST_RUN_WORKFLOW_TYPE, DigestRunInput, digestScheduleId } from '@app/workflows';
import { calendarSpecOf, PAUSED_BY_COORDINATOR, PlanCalendarSchedules } from './plan-calendar-schedules';
import { ScheduleDefinition, Schedules } from './schedules';

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
    pausedWithNote: settings.paused ? PAUSED_BY_COORDINATOR : undefined,
  };
}

/**
 * A plan's digest schedule (`digest-<planId>`). A trigger starts the current month's digest (a
 * repeat finds it started); deleting it lets a digest already sending carry on.
 */
@Injectable()
export class DigestSchedules extends PlanCalendarSchedules<DigestScheduleSettings> {
  protected readonly label = 'digest';

  constructor(schedules: Schedules, @Inject(APP_CONFIG) config: AppConfig) {
    super(schedules, config);
  }

  protected scheduleIdOf(planId: string): string {
    return digestScheduleId(planId);
  }

  protected definition(planId: string, settings: DigestScheduleSettings, taskQueue: string): ScheduleDefinition {
    return digestSchedule(planId, settings, taskQueue);
  }

  /** Null when the plan has no schedule. */
  async describe(planId: string): Promise<DigestScheduleState | null> {
    const view = await this.view(planId);
    return view && { scheduleId: view.scheduleId, paused: view.paused, note: view.note, nextRuns: view.next, recentRuns: view.recentRuns };
  }
}
