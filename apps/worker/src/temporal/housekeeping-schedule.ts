import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { HOUSEKEEPING_SCHEDULE_ID, HOUSEKEEPING_WORKFLOW_TYPE } from '@app/workflows';

export interface HousekeepingScheduleSettings {
  taskQueue: string;
  intervalMinutes: number;
}

/**
 * Makes sure the `ogp-housekeeping` schedule exists and runs housekeepingWorkflow every
 * `intervalMinutes` on `taskQueue`. Every worker calls it at start: the first creates the schedule,
 * the others find it (ScheduleAlreadyRunning) and only bring its interval and task queue in line
 * with their configuration when these changed, so changing HOUSEKEEPING_INTERVAL_MINUTES takes
 * effect at the next worker start.
 */
export async function ensureHousekeepingSchedule(client: Client, settings: HousekeepingScheduleSettings): Promise<'created' | 'updated' | 'unchanged'> {
  const every = settings.intervalMinutes * 60_000;
  try {
    await client.schedule.create({
      scheduleId: HOUSEKEEPING_SCHEDULE_ID,
      spec: { intervals: [{ every }] },
      action: { type: 'startWorkflow', workflowType: HOUSEKEEPING_WORKFLOW_TYPE, workflowId: HOUSEKEEPING_SCHEDULE_ID, taskQueue: settings.taskQueue, args: [] },
      // SKIP: a run still going when the next is due means the next is not needed. After an outage, at most one catch-up run.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: every },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }

  const handle = client.schedule.getHandle(HOUSEKEEPING_SCHEDULE_ID);
  const current = await handle.describe();
  const intervals = current.spec.intervals ?? [];
  const sameInterval = intervals.length === 1 && intervals[0].every === every && (current.spec.calendars ?? []).length === 0;
  if (sameInterval && current.action.taskQueue === settings.taskQueue) return 'unchanged';
  await handle.update((previous) => ({
    ...previous,
    spec: { intervals: [{ every }] },
    action: { ...previous.action, taskQueue: settings.taskQueue },
    policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: every },
  }));
  return 'updated';
}
