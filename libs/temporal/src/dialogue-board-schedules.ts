import { Inject, Injectable } from '@nestjs/common';
import { CalendarSpec, LooseRange, MONTHS, Month, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { CalendarField, MeetingCalendar } from '@app/domain';
import { DIALOGUE_BOARD_RUN_WORKFLOW_TYPE, DialogueBoardRunInput, dialogueBoardScheduleId } from '@app/workflows';
import { ScheduleDefinition, Schedules } from './schedules';
import { reasonOf, WorkflowEngineUnavailableError, WorkflowError, WorkflowNotFoundForQueryError } from './workflow-errors';

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

const PAUSED_NOTE = 'Paused by the coordinator';

function ranges(field: CalendarField | undefined, fallback: CalendarField): LooseRange<number>[] | '*' {
  const value = field ?? fallback;
  if (value === '*') return '*';
  return value.map((r) => ({ start: r.start, end: r.end ?? r.start, step: r.step ?? 1 }));
}

function monthRanges(field: CalendarField | undefined): LooseRange<Month>[] | '*' {
  if (field === undefined || field === '*') return '*';
  return field.flatMap((r) => {
    // Month names cannot step: expand a stepped range into its months.
    const months: LooseRange<Month>[] = [];
    for (let m = r.start; m <= (r.end ?? r.start); m += r.step ?? 1) months.push(MONTHS[m - 1]);
    return months;
  });
}

/** The SDK's calendar spec for a meeting calendar (a subset of it, with names for days and months). */
export function calendarSpecOf(calendar: MeetingCalendar): CalendarSpec {
  return {
    second: ranges(calendar.second, [{ start: 0 }]),
    minute: ranges(calendar.minute, [{ start: 0 }]),
    hour: ranges(calendar.hour, [{ start: 0 }]),
    dayOfMonth: ranges(calendar.dayOfMonth, '*'),
    month: monthRanges(calendar.month),
    dayOfWeek: calendar.dayOfWeek === undefined || calendar.dayOfWeek === '*' ? '*' : [...calendar.dayOfWeek],
  };
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
    pausedWithNote: settings.paused ? PAUSED_NOTE : undefined,
  };
}

function fromScheduleError(error: unknown, planId: string, write: boolean): Error {
  if (error instanceof WorkflowError) return error;
  if (error instanceof ScheduleNotFoundError) return new WorkflowNotFoundForQueryError(`The plan ${planId} has no Dialogue Board schedule.`, { cause: error });
  return new WorkflowEngineUnavailableError(`The workflow engine could not ${write ? 'change' : 'read'} the Dialogue Board schedule (${reasonOf(error)})`, write, { cause: error });
}

/**
 * A plan's Dialogue Board schedule (`dialogue-board-<planId>`), through the one schedules client.
 * Every call is safe to retry; errors are WorkflowErrors (a missing schedule: WorkflowNotFoundForQueryError).
 */
@Injectable()
export class DialogueBoardSchedules {
  constructor(
    private readonly schedules: Schedules,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the schedule or brings it in line with the settings (calendar, zone, catch-up window, paused). */
  async upsert(planId: string, settings: DialogueBoardScheduleSettings): Promise<'created' | 'updated' | 'unchanged'> {
    const scheduleId = dialogueBoardScheduleId(planId);
    try {
      const outcome = await this.schedules.createOrUpdate(dialogueBoardSchedule(planId, settings, this.config.temporal.taskQueue));
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
      await this.schedules.pause(dialogueBoardScheduleId(planId), note);
    } catch (error) {
      throw fromScheduleError(error, planId, true);
    }
  }

  async resume(planId: string, note: string): Promise<void> {
    try {
      await this.schedules.unpause(dialogueBoardScheduleId(planId), note);
    } catch (error) {
      throw fromScheduleError(error, planId, true);
    }
  }

  /** Starts a run now: it prepares the next meeting (a repeat finds the check-in already prepared). */
  async trigger(planId: string): Promise<void> {
    try {
      await this.schedules.trigger(dialogueBoardScheduleId(planId));
    } catch (error) {
      throw fromScheduleError(error, planId, true);
    }
  }

  /** Removes the schedule (check-ins already prepared keep their workflows); a missing schedule is fine. */
  async delete(planId: string): Promise<void> {
    try {
      await this.schedules.delete(dialogueBoardScheduleId(planId));
    } catch (error) {
      throw fromScheduleError(error, planId, true);
    }
  }

  /** Null when the plan has no schedule. */
  async describe(planId: string): Promise<DialogueBoardScheduleState | null> {
    try {
      const view = await this.schedules.describe(dialogueBoardScheduleId(planId));
      return { scheduleId: view.scheduleId, paused: view.paused, note: view.note ?? null, nextMeetings: view.nextActionTimes.slice(0, 5), recentRuns: view.recentRuns };
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return null;
      throw fromScheduleError(error, planId, false);
    }
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
        throw fromScheduleError(error, planId, false);
      }
      const next = times.filter((t) => t.getTime() > after.getTime()).sort((a, b) => a.getTime() - b.getTime())[0];
      if (next) return next;
      from = to;
    }
    return null;
  }
}
