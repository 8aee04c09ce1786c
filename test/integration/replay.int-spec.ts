/**
 * Replays recorded histories (test/replay/histories) against today's workflow code. A change that
 * would break workflows already running in production (a different command order, a removed timer)
 * fails here. See test/replay/milestone-scenarios.ts and check-in-scenarios.ts for how the histories
 * were made.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { workflowBundle } from '../support/workflow-bundle';

const HISTORIES = path.join(__dirname, '..', 'replay', 'histories');
const files = readdirSync(HISTORIES).filter((name) => name.endsWith('.json'));

describe('workflow replay of recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        // recorded before the lifecycle-v2 patch: running workflows of that time must still replay
        'milestone-v1-evidence-on-time.json',
        'milestone-v1-reminders-overdue-late-evidence.json',
        'milestone-v2-evidence-returned-then-accepted.json',
        'milestone-v2-overdue-escalated-resolved.json',
        // with the search-attributes patch
        'milestone-v3-evidence-returned-then-accepted.json',
        'milestone-v3-overdue-escalated-resolved.json',
        // with the close-on-imb-resolution patch, and as children of a commitment workflow
        'milestone-v4-evidence-returned-then-accepted.json',
        'milestone-v4-overdue-escalated-resolved-kept-open.json',
        'milestone-v4-closed-without-evidence.json',
        'milestone-v4-child-of-commitment-cancelled.json',
        // with the clock-from-history patch
        'milestone-v5-evidence-returned-then-accepted.json',
        'milestone-v5-overdue-escalated-resolved-kept-open.json',
        'milestone-v5-closed-without-evidence.json',
        'milestone-v5-child-of-commitment-cancelled.json',
        'commitment-v1-follow-replan-cancel.json',
        'housekeeping-v1.json',
        // the Dialogue Board workflows as first written: a schedule run (and a repeated one), a
        // check-in invited, updated, reminded and closed, cancelled before and after its
        // invitations, an action item reminded and closed, before and after its due date
        'check-in-v1-board-run-prepares-and-starts.json',
        'check-in-v1-board-run-repeated.json',
        'check-in-v1-invited-updated-reminded-closed.json',
        'check-in-v1-cancelled-before-invitations.json',
        'check-in-v1-cancelled-after-invitations.json',
        'check-in-v1-action-item-reminded-closed.json',
        'check-in-v1-action-item-overdue-closed.json',
        // the check-in and action-item workflows with the clock-from-history patch
        'check-in-v2-cancelled-before-invitations.json',
        'check-in-v2-invited-updated-reminded-closed.json',
        'check-in-v2-cancelled-after-invitations.json',
        'check-in-v2-action-item-reminded-closed.json',
        'check-in-v2-action-item-overdue-closed.json',
      ]),
    );
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, file)).resolves.toBeUndefined();
  });

  /**
   * A worker may run a workflow task with another time than the replay will (SDK 1.24: the previous
   * task's time, after a worker was killed; see milestone.workflow.ts). Runs with the
   * clock-from-history patch must issue the same commands whatever time each task ran with: here every
   * task's recorded start time is moved (to the previous task's, or seconds later, past the next
   * deadlines of a seconds-level policy) and the history must still replay.
   */
  describe('the milestone, check-in and action-item workflows decide without the task clock', () => {
    const shifts: [string, (times: number[]) => number[]][] = [
      ['each task run with the previous task time', (times) => times.map((t, i) => (i === 0 ? t : times[i - 1]))],
      ['each task run 5 s late', (times) => times.map((t) => t + 5000)],
      ['each task run 1.5 s late', (times) => times.map((t) => t + 1500)],
    ];
    const withTaskTimes = (file: string, shift: (times: number[]) => number[]) => {
      const json = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')) as { events: { eventType: string; eventTime: string }[] };
      const started = json.events.filter((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_STARTED');
      const moved = shift(started.map((e) => Date.parse(e.eventTime)));
      started.forEach((e, i) => (e.eventTime = new Date(moved[i]).toISOString()));
      return historyFromJSON(json);
    };
    const patchedHistories = files.filter((f) => f.startsWith('milestone-v5-') || f.startsWith('check-in-v2-'));

    it.each(patchedHistories.flatMap((file) => shifts.map(([name, shift]) => [file, name, shift] as const)))('%s replays with %s', async (file, name, shift) => {
      await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, withTaskTimes(file, shift), `${file} ${name}`)).resolves.toBeUndefined();
    });

    it.each(['milestone-v4-overdue-escalated-resolved-kept-open.json', 'check-in-v1-invited-updated-reminded-closed.json', 'check-in-v1-action-item-reminded-closed.json'])(
      'a run from before the patch fails the same check (so the check can fail): %s',
      async (file) => {
        const [, late] = shifts[1];
        await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, withTaskTimes(file, late), `${file} late`)).rejects.toBeInstanceOf(DeterminismViolationError);
      },
    );
  });

  it('fails when the workflow schedules its commands in another order', async () => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, 'milestone-v1-evidence-on-time.json'), 'utf8')));
    const reordered = path.join(__dirname, '..', 'replay', 'reordered');
    await expect(Worker.runReplayHistory({ workflowsPath: require.resolve(reordered) }, history, 'reordered')).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
