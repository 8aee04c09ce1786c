import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, ScheduleSpec } from '@temporalio/client';
import { msToTs, tsToDate } from '@temporalio/common/lib/time';
import { TEMPORAL_CLIENT } from './temporal-client.module';

/**
 * A schedule as the system wants it: an explicit id, when (intervals, or calendars in a time zone),
 * which workflow on which task queue, and what happens when runs overlap or were missed.
 */
export interface ScheduleDefinition {
  /** Explicit and stable, e.g. `ogp-housekeeping`, `dialogue-board-<plan>`, `digest-<plan>`. */
  scheduleId: string;
  /**
   * Calendar specs run in `spec.timezone` (an IANA name, e.g. America/Argentina/Cordoba); intervals
   * ignore the zone. Avoid 00:00-03:00 local time, where daylight saving skips or repeats hours.
   */
  spec: ScheduleSpec;
  workflowType: string;
  /** Prefix of each run's workflow id (Temporal appends the scheduled time). */
  workflowId: string;
  taskQueue: string;
  args?: unknown[];
  /** What to do with a run due while the previous one is still open (SKIP for anything that writes). */
  overlap: ScheduleOverlapPolicy;
  /** After an outage, missed runs within this window are run (ms). */
  catchupWindowMs: number;
  /** A new schedule starts paused (with this note). */
  pausedWithNote?: string;
}

/** What a schedule looks like on the server, in the terms the system uses. */
export interface ScheduleView {
  scheduleId: string;
  paused: boolean;
  note: string | undefined;
  /** The next times it will start a run (server-computed, in UTC). */
  nextActionTimes: Date[];
  /** Workflow ids of the runs it started most recently (oldest first), including triggered ones. */
  recentRunIds: string[];
  /** The runs it started most recently (oldest first): the time each was due and its workflow id. */
  recentRuns: { scheduledAt: Date; workflowId: string }[];
  runningRunIds: string[];
  spec: ScheduleSpec;
  workflowType: string;
  taskQueue: string;
  overlap: ScheduleOverlapPolicy;
  catchupWindowMs: number;
}

/** The memo key holding a fingerprint of the definition a schedule was last written from. */
const DEFINITION_MEMO = 'ogpScheduleDefinition';

/**
 * The one client of Temporal Schedules: housekeeping uses it, and the Dialogue Board check-in and
 * digest schedules will. `createOrUpdate` is idempotent (every process may call it at start), the rest
 * act on one schedule by id; `delete` of a missing schedule is a no-op.
 */
@Injectable()
export class Schedules {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}

  /**
   * Creates the schedule, or brings an existing one in line with the definition. An existing
   * schedule keeps its paused state and note; 'unchanged' when it was written from the same definition.
   */
  async createOrUpdate(definition: ScheduleDefinition): Promise<'created' | 'updated' | 'unchanged'> {
    const fingerprint = fingerprintOf(definition);
    const action = {
      type: 'startWorkflow' as const,
      workflowType: definition.workflowType,
      workflowId: definition.workflowId,
      taskQueue: definition.taskQueue,
      args: definition.args ?? [],
      // The fingerprint travels with the action (a schedule's own memo cannot be updated); runs carry it too.
      memo: { [DEFINITION_MEMO]: fingerprint },
    };
    const policies = { overlap: definition.overlap, catchupWindow: definition.catchupWindowMs };
    try {
      await this.client.schedule.create({
        scheduleId: definition.scheduleId,
        spec: definition.spec,
        action,
        policies,
        state: definition.pausedWithNote ? { paused: true, note: definition.pausedWithNote } : undefined,
      });
      return 'created';
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    }
    const handle = this.client.schedule.getHandle(definition.scheduleId);
    const current = await handle.describe();
    if (current.action.type === 'startWorkflow' && current.action.memo?.[DEFINITION_MEMO] === fingerprint) return 'unchanged';
    await handle.update((previous) => ({ ...previous, spec: definition.spec, action, policies: { ...previous.policies, ...policies } }));
    return 'updated';
  }

  async describe(scheduleId: string): Promise<ScheduleView> {
    const d = await this.client.schedule.getHandle(scheduleId).describe();
    if (d.action.type !== 'startWorkflow') throw new Error(`Schedule ${scheduleId} does not start a workflow`);
    return {
      scheduleId,
      paused: d.state.paused,
      note: d.state.note,
      nextActionTimes: d.info.nextActionTimes,
      recentRunIds: d.info.recentActions.map((a) => a.action.workflow.workflowId),
      recentRuns: d.info.recentActions.map((a) => ({ scheduledAt: a.scheduledAt, workflowId: a.action.workflow.workflowId })),
      runningRunIds: d.info.runningActions.map((a) => a.workflow.workflowId),
      spec: d.spec,
      workflowType: d.action.workflowType,
      taskQueue: d.action.taskQueue,
      overlap: d.policies.overlap,
      catchupWindowMs: d.policies.catchupWindow,
    };
  }

  /**
   * The times the schedule's spec matches in [from, to] (server-computed from the spec, paused or
   * not), in UTC. Keep the window small for specs that match often (every match is returned).
   */
  async matchingTimes(scheduleId: string, from: Date, to: Date): Promise<Date[]> {
    const response = await this.client.workflowService.listScheduleMatchingTimes({
      namespace: this.client.options.namespace,
      scheduleId,
      startTime: msToTs(from.getTime()),
      endTime: msToTs(to.getTime()),
    });
    return (response.startTime ?? []).map((t) => tsToDate(t));
  }

  async pause(scheduleId: string, note: string): Promise<void> {
    await this.client.schedule.getHandle(scheduleId).pause(note);
  }

  async unpause(scheduleId: string, note: string): Promise<void> {
    await this.client.schedule.getHandle(scheduleId).unpause(note);
  }

  /** Starts a run now, under the schedule's own overlap policy (a run already open means SKIP skips it). */
  async trigger(scheduleId: string, overlap?: ScheduleOverlapPolicy): Promise<void> {
    const handle = this.client.schedule.getHandle(scheduleId);
    await handle.trigger(overlap ?? (await handle.describe()).policies.overlap);
  }

  /** Removes the schedule (runs it started keep running); false when there was none. */
  async delete(scheduleId: string): Promise<boolean> {
    try {
      await this.client.schedule.getHandle(scheduleId).delete();
      return true;
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return false;
      throw error;
    }
  }
}

function fingerprintOf(definition: ScheduleDefinition): string {
  const { pausedWithNote: _ignored, ...written } = definition;
  return createHash('sha256').update(JSON.stringify(written)).digest('hex').slice(0, 32);
}
