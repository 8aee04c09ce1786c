/**
 * The Schedules client against the run's Temporal dev server: create-or-update is idempotent, and a
 * schedule can be paused, triggered, described (with its next times) and deleted. The Dialogue Board
 * check-ins will use a calendar spec in the jurisdiction's zone: "first Tuesday of the month, 18:00"
 * in America/Argentina/Cordoba (UTC-3 all year) gives 21:00 UTC on days 1-7 that are Tuesdays.
 */
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { ScheduleDefinition, Schedules } from '../../libs/temporal/src';
import { eventually } from '../support/fixtures';

describe(Schedules.name, () => {
  let connection: Connection;
  let client: Client;
  let schedules: Schedules;
  const taskQueue = `schedules-${randomUUID()}`; // nobody polls it: triggered runs just wait
  const created: string[] = [];

  beforeAll(async () => {
    connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
    client = new Client({ connection });
    schedules = new Schedules(client);
  });

  afterAll(async () => {
    for (const id of created) await schedules.delete(id).catch(() => undefined);
    await connection?.close();
  });

  const definition = (overrides: Partial<ScheduleDefinition> = {}): ScheduleDefinition => {
    const scheduleId = overrides.scheduleId ?? `test-schedule-${randomUUID()}`;
    if (!created.includes(scheduleId)) created.push(scheduleId);
    return { scheduleId, spec: { intervals: [{ every: 3_600_000 }] }, workflowType: 'housekeepingWorkflow', workflowId: scheduleId, taskQueue, overlap: ScheduleOverlapPolicy.SKIP, catchupWindowMs: 3_600_000, ...overrides };
  };

  describe('createOrUpdate', () => {
    it('creates once, finds the same definition unchanged, and updates a changed one keeping its pause', async () => {
      const first = definition();
      expect(await schedules.createOrUpdate(first)).toBe('created');
      expect(await schedules.createOrUpdate(first)).toBe('unchanged');
      await schedules.pause(first.scheduleId, 'paused by the test');
      expect(await schedules.createOrUpdate({ ...first, spec: { intervals: [{ every: 1_800_000 }] }, catchupWindowMs: 600_000 })).toBe('updated');
      const view = await schedules.describe(first.scheduleId);
      expect(view).toMatchObject({ paused: true, note: 'paused by the test', workflowType: 'housekeepingWorkflow', taskQueue, overlap: ScheduleOverlapPolicy.SKIP, catchupWindowMs: 600_000 });
      expect(view.spec.intervals?.map((i) => i.every)).toEqual([1_800_000]);
      expect(await schedules.createOrUpdate({ ...first, spec: { intervals: [{ every: 1_800_000 }] }, catchupWindowMs: 600_000 })).toBe('unchanged');
    });
  });

  describe('pause, unpause, trigger, describe, delete', () => {
    it('acts on one schedule by id', async () => {
      const d = definition({ pausedWithNote: 'created paused' });
      await schedules.createOrUpdate(d);
      expect(await schedules.describe(d.scheduleId)).toMatchObject({ paused: true, note: 'created paused' });
      await schedules.unpause(d.scheduleId, 'go');
      const running = await schedules.describe(d.scheduleId);
      expect(running).toMatchObject({ paused: false, note: 'go' });
      expect(running.nextActionTimes.length).toBeGreaterThan(0);

      await schedules.trigger(d.scheduleId);
      const triggered = await eventually(() => schedules.describe(d.scheduleId), (v) => v.recentRunIds.length === 1, { description: 'the triggered run' });
      expect(triggered.recentRunIds[0]).toMatch(new RegExp(`^${d.scheduleId}-`));
      // SKIP: a second trigger while the first run is open starts nothing.
      await schedules.trigger(d.scheduleId);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect((await schedules.describe(d.scheduleId)).recentRunIds).toHaveLength(1);
      await client.workflow.getHandle(triggered.recentRunIds[0]).terminate('test finished');

      expect(await schedules.delete(d.scheduleId)).toBe(true);
      expect(await schedules.delete(d.scheduleId)).toBe(false);
      await expect(schedules.describe(d.scheduleId)).rejects.toThrow();
    });
  });

  describe('calendar specs in a time zone', () => {
    it('runs "first Tuesday of the month at 18:00" in America/Argentina/Cordoba at 21:00 UTC on the right days', async () => {
      const d = definition({
        spec: { calendars: [{ dayOfMonth: { start: 1, end: 7 }, dayOfWeek: 'TUESDAY', hour: 18, comment: 'Dialogue Board check-in' }], timezone: 'America/Argentina/Cordoba' },
      });
      await schedules.createOrUpdate(d);
      const view = await schedules.describe(d.scheduleId);
      expect(view.spec.timezone).toBe('America/Argentina/Cordoba');
      const expected: string[] = [];
      for (let day = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)); expected.length < 3; day = new Date(day.getTime() + 86_400_000)) {
        const at = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 21));
        if (day.getUTCDay() === 2 && day.getUTCDate() <= 7 && at.getTime() > Date.now()) expected.push(at.toISOString());
      }
      expect(view.nextActionTimes.slice(0, 3).map((t) => t.toISOString())).toEqual(expected);
    });
  });
});
