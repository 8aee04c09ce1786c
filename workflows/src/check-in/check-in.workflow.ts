import { condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import { CheckInStatus } from '../../../libs/domain/src/check-ins/check-in-types';
import { waitTimeout } from '../wait-timeout';
import {
  checkInCancelledSignal,
  checkInChangedSignal,
  checkInClosedSignal,
  CheckInActivities,
  CheckInEmailKind,
  CheckInTimes,
  CheckInWorkflowInput,
  CheckInWorkflowState,
  getCheckInStateQuery,
} from './check-in.messages';

const activities = proxyActivities<CheckInActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Activities that send email: heartbeating (a dead worker is noticed within seconds), the outbox makes a retry send nothing twice. */
const mail = proxyActivities<CheckInActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * One Dialogue Board meeting, from its preparation to its closure. The database is the truth
 * (date, place, status, sequence): signals only say "read it again".
 *
 * 1. Waits until the invitations are due (startsAt − invitationLeadSeconds); a change of date
 *    re-arms the wait, a cancellation ends it (nothing was sent).
 * 2. Rebuilds the agenda from the plan's state (unless the coordinator edited it) and invites every
 *    recipient (the check-in becomes `invited`).
 * 3. Then, until closed: a change sends an update (the API raised SEQUENCE), a cancellation sends
 *    METHOD:CANCEL to whoever was invited and ends; closeReminderAfterSeconds after the start, a
 *    check-in not closed reminds the coordinators once.
 */
export async function checkInWorkflow(input: CheckInWorkflowInput): Promise<CheckInWorkflowState> {
  const { checkInId } = input;
  const timerAlways = patched('clock-from-history');
  const state: CheckInWorkflowState = { checkInId, phase: 'waiting_for_invitations', sent: [], closeReminderSent: false, nextTimer: null };
  let changes = 0;
  let cancelled = false;
  let closed = false;

  // Handlers, before the first await.
  setHandler(getCheckInStateQuery, () => state);
  setHandler(checkInChangedSignal, () => void changes++);
  setHandler(checkInCancelledSignal, () => void (cancelled = true));
  setHandler(checkInClosedSignal, () => void (closed = true));

  const send = async (kind: CheckInEmailKind) => {
    const result = await mail.sendCheckInInvitations({ checkInId, kind });
    state.sent.push({ sequence: result.sequence, kind });
    return result;
  };
  const end = (phase: 'closed' | 'cancelled') => {
    state.phase = phase;
    state.nextTimer = null;
    return state;
  };
  /** After invitations: whoever was invited hears of the cancellation. */
  const cancelAfterInvitations = async () => {
    await send('cancellation');
    return end('cancelled');
  };
  const isOver = (c: CheckInTimes | null) => !c || c.status === CheckInStatus.Cancelled || c.status === CheckInStatus.Closed;

  // `handled`: the changes the last read of the row took into account. It is taken BEFORE each read,
  // so a change signalled while an activity runs is never lost: the next wait wakes at once.
  let handled = changes;
  // 1. Until the invitations are due.
  let checkIn = await activities.loadCheckIn({ checkInId });
  for (;;) {
    if (closed || checkIn?.status === CheckInStatus.Closed) return end('closed');
    if (cancelled || isOver(checkIn)) return end('cancelled');
    if (checkIn!.status !== CheckInStatus.Scheduled) break; // invited already
    const inviteAt = Date.parse(checkIn!.startsAt) - checkIn!.invitationLeadSeconds * 1000;
    state.nextTimer = { purpose: 'invitations', at: new Date(inviteAt).toISOString() };
    const woken = await condition(() => changes !== handled || cancelled || closed, waitTimeout(inviteAt, timerAlways));
    if (!woken) break;
    if (changes !== handled) {
      handled = changes;
      checkIn = await activities.loadCheckIn({ checkInId });
    }
  }

  // 2. The invitations. `sentSequence`: the SEQUENCE the invitees last received.
  let sentSequence = checkIn!.sequence;
  if (checkIn!.status === CheckInStatus.Scheduled) {
    handled = changes; // the invitation reads the row after this point
    await activities.refreshCheckInAgenda({ checkInId });
    const invited = await send('invitation');
    sentSequence = invited.sequence;
    if (invited.status === CheckInStatus.Cancelled) return cancelAfterInvitations();
    if (invited.status === CheckInStatus.Closed) return end('closed');
  }
  state.phase = 'invited';

  // 3. Until closed.
  checkIn = await activities.loadCheckIn({ checkInId });
  for (;;) {
    if (closed || checkIn?.status === CheckInStatus.Closed) return end('closed');
    if (cancelled || isOver(checkIn)) return cancelAfterInvitations();
    if (state.closeReminderSent) {
      state.phase = 'waiting_for_closure';
      state.nextTimer = null;
      await condition(() => changes !== handled || cancelled || closed);
    } else {
      const remindAt = Date.parse(checkIn!.startsAt) + checkIn!.closeReminderAfterSeconds * 1000;
      state.nextTimer = { purpose: 'close-reminder', at: new Date(remindAt).toISOString() };
      const woken = await condition(() => changes !== handled || cancelled || closed, waitTimeout(remindAt, timerAlways));
      if (!woken) {
        await mail.remindCheckInClose({ checkInId });
        state.closeReminderSent = true;
        checkIn = await activities.loadCheckIn({ checkInId });
        continue;
      }
    }
    if (closed || cancelled) continue;
    // Date or place changed: the row carries the raised SEQUENCE; an update goes out once per SEQUENCE
    // the invitees have not received (a change the invitation already carried sends nothing more).
    handled = changes;
    checkIn = await activities.loadCheckIn({ checkInId });
    if (isOver(checkIn) || checkIn!.sequence <= sentSequence) continue;
    sentSequence = (await send('update')).sequence;
  }
}
