import { Inject, Injectable } from '@nestjs/common';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { MeetingCalendar } from '@app/domain';
import { DIALOGUE_BOARD_RUN_WORKFLOW_TYPE, DialogueBoardRunInput, dialogueBoardScheduleId } from '@app/workflows';
import { calendarSpecOf, PAUSED_BY_COORDINATOR, PlanCalendarSchedules } from './plan-calendar-schedules';
import { ScheduleDefinition, Schedules } from './schedules';
import { reasonOf } from './workflow-errors';

export { calendarSpecOf };

/** A plan's Dialogue Board schedule as the API shows it. */
export interface DialogueBoardScheduleState {
  scheduleId: string;
  paused: boolean;
  note: string | null;
  /** The next meeting occurrences (up to 5), in UTC; none while paused. */
  nextMeetings: Date[];
  /** The runs it started most recently (oldest first), including triggered ones. */
  recentRuns: { scheduledAt: Date; workflowId: string }[];
}

export interface DialogueBoardScheduleSettings {
  calendar: MeetingCalendar;
  /** IANA zone of the jurisdiction, e.g. America/Argentina/Cordoba. */
  timeZone: string;
  paused: boolean;
  catchupWindowSeconds: number;
}

/** The schedule `dialogue-board-<planId>`: fires at each meeting occurrence and starts dialogueBoardRunWorkflow. */
export function dialogueBoardSchedule(planId: string, settings: DialogueBoardScheduleSettings, taskQueue: string): ScheduleDefinition {
  const args: [DialogueBoardRunInput] = [{ planId }];
  return {
    scheduleId: dialogueBoardScheduleId(planId),
    spec: { calendars: [calendarSpecOf(settings.calendar)], timezone: settings.timeZone },
    workflowType: DIALOGUE_BOARD_RUN_WORKFLOW_TYPE,
    workflowId: dialogueBoardScheduleId(planId),
    taskQueue,
    args,
    // Runs are short (they prepare the next meeting and start its workflow): SKIP never skips a meeting.
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindowMs: settings.catchupWindowSeconds * 1000,
    pausedWithNote: settings.paused ? PAUSED_BY_COORDINATOR : undefined,
  };
}

/**
 * A plan's Dialogue Board schedule (`dialogue-board-<planId>`). Runs prepare the next meeting, so
 * a trigger prepares it now (a repeat finds the check-in already prepared); deleting it leaves the
 * check-ins already prepared to their workflows.
 */
@Injectable()
export class DialogueBoardSchedules extends PlanCalendarSchedules<DialogueBoardScheduleSettings> {
  protected readonly label = 'Dialogue Board';

  constructor(schedules: Schedules, @Inject(APP_CONFIG) config: AppConfig) {
    super(schedules, config);
  }

  protected scheduleIdOf(planId: string): string {
    return dialogueBoardScheduleId(planId);
  }

  protected definition(planId: string, settings: DialogueBoardScheduleSettings, taskQueue: string): ScheduleDefinition {
    return dialogueBoardSchedule(planId, settings, taskQueue);
  }

  /** Null when the plan has no schedule. */
  async describe(planId: string): Promise<DialogueBoardScheduleState | null> {
    const view = await this.view(planId);
    return view && { scheduleId: view.scheduleId, paused: view.paused, note: view.note, nextMeetings: view.next, recentRuns: view.recentRuns };
  }

  /**
   * The first meeting occurrence strictly after `after` (from the schedule's spec, paused or not);
   * null when there is none within a year and a half or no schedule. Looks in growing windows, so
   * a seconds-level calendar does not list a year of matches.
   */
  async nextMeetingAfter(planId: string, after: Date): Promise<Date | null> {
    const scheduleId = dialogueBoardScheduleId(planId);
    let from = after;
    for (const windowMs of [3_600_000, 86_400_000, 40 * 86_400_000, 550 * 86_400_000]) {
      const to = new Date(after.getTime() + windowMs);
      let times: Date[];
      try {
        times = await this.schedules.matchingTimes(scheduleId, from, to);
      } catch (error) {
        if (error instanceof ScheduleNotFoundError || /not found/i.test(reasonOf(error))) return null;
        throw this.fromScheduleError(error, planId, false);
      }
      const next = times.filter((t) => t.getTime() > after.getTime()).sort((a, b) => a.getTime() - b.getTime())[0];
      if (next) return next;
      from = to;
    }
    return null;
  }
}
