import { condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import { waitTimeout } from '../wait-timeout';
import { actionItemClosedSignal, ActionItemWorkflowInput, ActionItemWorkflowState, CheckInActivities, getActionItemStateQuery } from './check-in.messages';

const activities = proxyActivities<CheckInActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const mail = proxyActivities<CheckInActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Follows one action item (`action-item-<id>`) until it is closed: reminds its owner once, the
 * plan's lead time before the due date. At the due date it records nothing ("overdue" is derived
 * from the due date wherever it is shown) and keeps waiting for the closure.
 */
export async function actionItemWorkflow(input: ActionItemWorkflowInput): Promise<ActionItemWorkflowState> {
  const { actionItemId } = input;
  const timerAlways = patched('clock-from-history');
  const state: ActionItemWorkflowState = { actionItemId, reminderSent: false, closed: false, nextTimer: null };
  setHandler(getActionItemStateQuery, () => state);
  setHandler(actionItemClosedSignal, () => void (state.closed = true));

  const item = await activities.loadActionItem({ actionItemId });
  if (!item || !item.open) {
    state.closed = true;
    return state;
  }
  const remindAt = Date.parse(item.remindAt);
  state.nextTimer = { purpose: 'reminder', at: item.remindAt };
  if (!(await condition(() => state.closed, waitTimeout(remindAt, timerAlways)))) {
    state.reminderSent = await mail.remindActionItemOwner({ actionItemId });
  }
  if (!state.closed) {
    const dueAt = Date.parse(item.dueAt);
    state.nextTimer = { purpose: 'due', at: item.dueAt };
    if (!(await condition(() => state.closed, waitTimeout(dueAt, timerAlways)))) {
      // Overdue from now on (derived from the due date); a closure the signal missed ends it here.
      const now = await activities.loadActionItem({ actionItemId });
      if (!now || !now.open) state.closed = true;
    }
  }
  state.nextTimer = null;
  await condition(() => state.closed);
  return state;
}
