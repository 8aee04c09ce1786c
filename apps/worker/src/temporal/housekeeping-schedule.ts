import { ScheduleOverlapPolicy } from '@temporalio/client';
import { ScheduleDefinition, Schedules } from '@app/temporal';
import { HOUSEKEEPING_SCHEDULE_ID, HOUSEKEEPING_WORKFLOW_TYPE } from '@app/workflows';

export interface HousekeepingScheduleSettings {
  taskQueue: string;
  intervalMinutes: number;
}

/** `ogp-housekeeping`: housekeepingWorkflow every `intervalMinutes` on `taskQueue`. */
export function housekeepingSchedule(settings: HousekeepingScheduleSettings): ScheduleDefinition {
  const every = settings.intervalMinutes * 60_000;
  return {
    scheduleId: HOUSEKEEPING_SCHEDULE_ID,
    spec: { intervals: [{ every }] },
    workflowType: HOUSEKEEPING_WORKFLOW_TYPE,
    workflowId: HOUSEKEEPING_SCHEDULE_ID,
    taskQueue: settings.taskQueue,
    // SKIP: a run still going when the next is due means the next is not needed. After an outage, at most one catch-up run.
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindowMs: every,
  };
}

/**
 * Makes sure the `ogp-housekeeping` schedule exists as configured. Every worker calls it at start:
 * the first creates the schedule, the others find it and bring its interval and task queue in line
 * with their configuration when these changed, so changing HOUSEKEEPING_INTERVAL_MINUTES takes
 * effect at the next worker start.
 */
export async function ensureHousekeepingSchedule(schedules: Schedules, settings: HousekeepingScheduleSettings): Promise<'created' | 'updated' | 'unchanged'> {
  return schedules.createOrUpdate(housekeepingSchedule(settings));
}
