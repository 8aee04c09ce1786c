/**
 * Runs of the Dialogue Board workflows (dialogueBoardRunWorkflow, checkInWorkflow, actionItemWorkflow)
 * whose histories are kept in histories/ as `check-in-v1-*` and `check-in-v2-*` and replayed in CI
 * (test/integration/replay.int-spec.ts). The activities are fakes over an in-memory "database": the
 * workflows re-read it after every signal, as they re-read PostgreSQL in production, so a scenario
 * changes a row and then nudges the workflow, as the API does. Durations are seconds.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { CheckInStatus } from '../../libs/domain/src';
import {
  actionItemClosedSignal,
  ActionItemTimes,
  actionItemWorkflowId,
  CheckInActivities,
  checkInCancelledSignal,
  checkInChangedSignal,
  checkInClosedSignal,
  CheckInTimes,
  checkInWorkflowId,
  getActionItemStateQuery,
  getCheckInStateQuery,
} from '../../workflows/src/messages';
import { actionItemWorkflow, checkInWorkflow, dialogueBoardRunWorkflow } from '../../workflows/src';
import type { Scenario } from './milestone-scenarios';

/** The fake rows the activities read and the scenarios write. */
const checkIns = new Map<string, CheckInTimes>();
const actionItems = new Map<string, ActionItemTimes>();
/** Per plan, the check-in its board run prepares (a repeated run finds it: created false). */
const prepared = new Map<string, string>();
const prepareSeen = new Set<string>();

export const checkInScenarioActivities: CheckInActivities = {
  prepareCheckIn: async ({ planId }) => {
    const checkInId = prepared.get(planId);
    if (!checkInId) return { checkInId: null, scheduledFor: null, created: false };
    const created = !prepareSeen.has(checkInId);
    prepareSeen.add(checkInId);
    return { checkInId, scheduledFor: checkIns.get(checkInId)!.startsAt, created };
  },
  loadCheckIn: async ({ checkInId }) => ({ ...(checkIns.get(checkInId) ?? missing(checkInId)) }),
  refreshCheckInAgenda: async () => true,
  sendCheckInInvitations: async ({ checkInId, kind }) => {
    const row = checkIns.get(checkInId) ?? missing(checkInId);
    if (kind === 'invitation' && row.status === CheckInStatus.Scheduled) {
      row.status = CheckInStatus.Invited;
      row.invitationsSentAt = new Date().toISOString();
    }
    return { queued: 3, recipients: 3, sequence: row.sequence, status: row.status };
  },
  remindCheckInClose: async ({ checkInId }) => {
    const row = checkIns.get(checkInId) ?? missing(checkInId);
    return row.status !== CheckInStatus.Closed && row.status !== CheckInStatus.Cancelled;
  },
  loadActionItem: async ({ actionItemId }) => {
    const item = actionItems.get(actionItemId);
    return item ? { ...item } : null;
  },
  remindActionItemOwner: async ({ actionItemId }) => actionItems.get(actionItemId)?.open ?? false,
};

function missing(id: string): never {
  throw new Error(`replay scenario: no fake row ${id}`);
}

const at = (secondsFromNow: number) => new Date(Date.now() + secondsFromNow * 1000).toISOString();

function fakeCheckIn(name: string, startsInSeconds: number, invitationLeadSeconds: number, closeReminderAfterSeconds: number): CheckInTimes {
  const row: CheckInTimes = {
    checkInId: `replay-${name}-${Date.now()}`,
    status: CheckInStatus.Scheduled,
    startsAt: at(startsInSeconds),
    sequence: 0,
    invitationsSentAt: null,
    invitationLeadSeconds,
    closeReminderAfterSeconds,
  };
  checkIns.set(row.checkInId, row);
  return row;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 100));
}

type CheckInHandle = WorkflowHandle<typeof checkInWorkflow>;

async function startCheckIn(client: Client, taskQueue: string, row: CheckInTimes): Promise<CheckInHandle> {
  return client.workflow.start(checkInWorkflow, { workflowId: checkInWorkflowId(row.checkInId), taskQueue, args: [{ checkInId: row.checkInId }] });
}

const invited = (handle: CheckInHandle) => until(async () => (await handle.query(getCheckInStateQuery)).phase === 'invited');

/** As the API does: the row first, then the nudge. */
async function cancel(handle: CheckInHandle, row: CheckInTimes): Promise<void> {
  row.status = CheckInStatus.Cancelled;
  row.sequence++;
  await handle.signal(checkInCancelledSignal);
}

async function close(handle: CheckInHandle, row: CheckInTimes): Promise<void> {
  row.status = CheckInStatus.Closed;
  await handle.signal(checkInClosedSignal);
}

/** A schedule run of a plan: prepares the check-in and starts its workflow, which is then cancelled before its invitations (and recorded too). */
async function boardRun(client: Client, taskQueue: string, name: string, scheduledAt?: string) {
  const planId = `replay-plan-${name}-${Date.now()}`;
  const row = fakeCheckIn(`${name}-meeting`, 3600, 60, 3600);
  prepared.set(planId, row.checkInId);
  const workflowId = `dialogue-board-${planId}-${Date.now()}`;
  const result = await client.workflow.execute(dialogueBoardRunWorkflow, { workflowId, taskQueue, args: [{ planId, ...(scheduledAt ? { scheduledAt } : {}) }] });
  return { planId, row, workflowId, result };
}

/** Histories named check-in-v1-* are the first version of the Dialogue Board workflows, check-in-v2-* have the clock-from-history patch; they stay as recorded. */
export const CHECK_IN_SCENARIOS: Scenario[] = [
  {
    name: 'check-in-v1-board-run-prepares-and-starts',
    async run(client, taskQueue) {
      const { row, workflowId, result } = await boardRun(client, taskQueue, 'prepares', at(0));
      if (!result.created || result.checkInId !== row.checkInId) throw new Error(`unexpected board run result ${JSON.stringify(result)}`);
      // The child outlives the run (ABANDON); cancelled before its invitations, it ends without sending anything.
      const child = client.workflow.getHandle<typeof checkInWorkflow>(checkInWorkflowId(row.checkInId));
      await until(async () => (await child.query(getCheckInStateQuery)).nextTimer !== null);
      await cancel(child, row);
      await child.result();
      return workflowId;
    },
  },
  {
    name: 'check-in-v1-board-run-repeated',
    async run(client, taskQueue) {
      // The first run prepared the meeting and started check-in-<id>; a run for the same time (no
      // scheduledAt: the run's own start) finds both and ends with the same check-in.
      const first = await boardRun(client, taskQueue, 'repeated');
      const workflowId = `dialogue-board-${first.planId}-again-${Date.now()}`;
      const again = await client.workflow.execute(dialogueBoardRunWorkflow, { workflowId, taskQueue, args: [{ planId: first.planId }] });
      if (again.created || again.checkInId !== first.row.checkInId) throw new Error(`unexpected repeated run result ${JSON.stringify(again)}`);
      const child = client.workflow.getHandle<typeof checkInWorkflow>(checkInWorkflowId(first.row.checkInId));
      await cancel(child, first.row);
      await child.result();
      return workflowId;
    },
  },
  {
    name: 'check-in-v2-cancelled-before-invitations',
    async run(client, taskQueue) {
      const row = fakeCheckIn('cancelled-early', 3600, 60, 3600);
      const handle = await startCheckIn(client, taskQueue, row);
      // A change of date re-arms the wait for the invitations, then the cancellation ends it: nothing was sent.
      await until(async () => (await handle.query(getCheckInStateQuery)).nextTimer !== null);
      row.startsAt = at(7200);
      row.sequence++;
      await handle.signal(checkInChangedSignal);
      await until(async () => (await handle.query(getCheckInStateQuery)).nextTimer?.at === new Date(Date.parse(row.startsAt) - 60_000).toISOString());
      await cancel(handle, row);
      const state = await handle.result();
      if (state.phase !== 'cancelled' || state.sent.length) throw new Error(`unexpected state ${JSON.stringify(state)}`);
      return handle.workflowId;
    },
  },
  {
    name: 'check-in-v2-invited-updated-reminded-closed',
    async run(client, taskQueue) {
      // Invitations 2 s before a meeting 3 s away; the coordinator is reminded 3 s after its start.
      const row = fakeCheckIn('full', 3, 2, 3);
      const handle = await startCheckIn(client, taskQueue, row);
      await invited(handle);
      // The date moves (the API raised SEQUENCE): one update.
      row.startsAt = at(4);
      row.sequence++;
      await handle.signal(checkInChangedSignal);
      await until(async () => (await handle.query(getCheckInStateQuery)).sent.some((s) => s.kind === 'update'));
      await until(async () => (await handle.query(getCheckInStateQuery)).phase === 'waiting_for_closure');
      await close(handle, row);
      const state = await handle.result();
      if (state.phase !== 'closed' || !state.closeReminderSent || state.sent.map((s) => `${s.kind}:${s.sequence}`).join() !== 'invitation:0,update:1') {
        throw new Error(`unexpected state ${JSON.stringify(state)}`);
      }
      return handle.workflowId;
    },
  },
  {
    name: 'check-in-v2-cancelled-after-invitations',
    async run(client, taskQueue) {
      const row = fakeCheckIn('cancelled', 3, 2, 3600);
      const handle = await startCheckIn(client, taskQueue, row);
      await invited(handle);
      await cancel(handle, row);
      const state = await handle.result();
      if (state.phase !== 'cancelled' || state.sent.map((s) => `${s.kind}:${s.sequence}`).join() !== 'invitation:0,cancellation:1') {
        throw new Error(`unexpected state ${JSON.stringify(state)}`);
      }
      return handle.workflowId;
    },
  },
  {
    name: 'check-in-v2-action-item-reminded-closed',
    async run(client, taskQueue) {
      const actionItemId = `replay-action-item-${Date.now()}`;
      const item: ActionItemTimes = { actionItemId, open: true, remindAt: at(1), dueAt: at(3600) };
      actionItems.set(actionItemId, item);
      const handle = await client.workflow.start(actionItemWorkflow, { workflowId: actionItemWorkflowId(actionItemId), taskQueue, args: [{ actionItemId }] });
      await until(async () => (await handle.query(getActionItemStateQuery)).reminderSent);
      item.open = false;
      await handle.signal(actionItemClosedSignal);
      const state = await handle.result();
      if (!state.closed || !state.reminderSent) throw new Error(`unexpected state ${JSON.stringify(state)}`);
      return handle.workflowId;
    },
  },
  {
    name: 'check-in-v2-action-item-overdue-closed',
    async run(client, taskQueue) {
      const actionItemId = `replay-action-item-overdue-${Date.now()}`;
      const item: ActionItemTimes = { actionItemId, open: true, remindAt: at(1), dueAt: at(2) };
      actionItems.set(actionItemId, item);
      const handle = await client.workflow.start(actionItemWorkflow, { workflowId: actionItemWorkflowId(actionItemId), taskQueue, args: [{ actionItemId }] });
      // Reminded, then past its due date (read again: still open), it waits for the closure.
      await until(async () => {
        const state = await handle.query(getActionItemStateQuery);
        return state.reminderSent && state.nextTimer === null;
      });
      item.open = false;
      await handle.signal(actionItemClosedSignal);
      const state = await handle.result();
      if (!state.closed || !state.reminderSent) throw new Error(`unexpected state ${JSON.stringify(state)}`);
      return handle.workflowId;
    },
  },
];
