import { CalendarSpec, LooseRange, MONTHS, Month, ScheduleNotFoundError } from '@temporalio/client';
import type { AppConfig } from '@app/config';
import type { CalendarField, MeetingCalendar } from '@app/domain';
import { ScheduleDefinition, Schedules } from './schedules';
import { reasonOf, WorkflowEngineUnavailableError, WorkflowError, WorkflowNotFoundForQueryError } from './workflow-errors';

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

/** The SDK's calendar spec for a plan's calendar (a subset of it, with names for days and months). */
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

export const PAUSED_BY_COORDINATOR = 'Paused by the coordinator';

/** What a plan's calendar schedule looks like from outside (the next times: none while paused). */
export interface PlanScheduleView {
  scheduleId: string;
  paused: boolean;
  note: string | null;
  /** Up to 5, in UTC. */
  next: Date[];
  /** The runs it started most recently (oldest first), including triggered ones. */
  recentRuns: { scheduledAt: Date; workflowId: string }[];
}

/**
 * One schedule per plan on a calendar in the jurisdiction's zone (the Dialogue Board's check-ins, the
 * monthly digest), through the one schedules client. Subclasses say which schedule and what it
 * starts; every call is safe to retry and its errors are WorkflowErrors (a missing schedule:
 * WorkflowNotFoundForQueryError).
 */
export abstract class PlanCalendarSchedules<Settings extends { paused: boolean }> {
  /** How the schedule is named in errors, e.g. "Dialogue Board". */
  protected abstract readonly label: string;
  protected abstract scheduleIdOf(planId: string): string;
  protected abstract definition(planId: string, settings: Settings, taskQueue: string): ScheduleDefinition;

  constructor(
    protected readonly schedules: Schedules,
    protected readonly config: AppConfig,
  ) {}

  /** Creates the schedule or brings it in line with the settings (calendar, zone, paused…). */
  async upsert(planId: string, settings: Settings): Promise<'created' | 'updated' | 'unchanged'> {
    const scheduleId = this.scheduleIdOf(planId);
    return this.call(planId, true, async () => {
      const outcome = await this.schedules.createOrUpdate(this.definition(planId, settings, this.config.temporal.taskQueue));
      if (outcome === 'created') return outcome;
      const current = await this.schedules.describe(scheduleId);
      if (current.paused === settings.paused) return outcome;
      if (settings.paused) await this.schedules.pause(scheduleId, PAUSED_BY_COORDINATOR);
      else await this.schedules.unpause(scheduleId, 'Resumed by the coordinator');
      return 'updated';
    });
  }

  async pause(planId: string, note: string): Promise<void> {
    await this.call(planId, true, () => this.schedules.pause(this.scheduleIdOf(planId), note));
  }

  async resume(planId: string, note: string): Promise<void> {
    await this.call(planId, true, () => this.schedules.unpause(this.scheduleIdOf(planId), note));
  }

  /** Starts a run now. */
  async trigger(planId: string): Promise<void> {
    await this.call(planId, true, () => this.schedules.trigger(this.scheduleIdOf(planId)));
  }

  /** Removes the schedule (what its runs started carries on); a missing schedule is fine. */
  async delete(planId: string): Promise<void> {
    await this.call(planId, true, () => this.schedules.delete(this.scheduleIdOf(planId)));
  }

  /** Null when the plan has no schedule. */
  protected async view(planId: string): Promise<PlanScheduleView | null> {
    try {
      const view = await this.schedules.describe(this.scheduleIdOf(planId));
      return { scheduleId: view.scheduleId, paused: view.paused, note: view.note ?? null, next: view.nextActionTimes.slice(0, 5), recentRuns: view.recentRuns };
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return null;
      throw this.fromScheduleError(error, planId, false);
    }
  }

  protected async call<T>(planId: string, write: boolean, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.fromScheduleError(error, planId, write);
    }
  }

  protected fromScheduleError(error: unknown, planId: string, write: boolean): Error {
    if (error instanceof WorkflowError) return error;
    if (error instanceof ScheduleNotFoundError) return new WorkflowNotFoundForQueryError(`The plan ${planId} has no ${this.label} schedule.`, { cause: error });
    return new WorkflowEngineUnavailableError(`The workflow engine could not ${write ? 'change' : 'read'} the ${this.label} schedule (${reasonOf(error)})`, write, { cause: error });
  }
}
