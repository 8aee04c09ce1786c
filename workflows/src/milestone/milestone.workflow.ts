import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { MilestoneStatus, milestoneTimeline, nextReminderAt } from '../../../libs/domain/src';
import {
  cancelSignal,
  getMilestoneStateQuery,
  MilestoneActivities,
  MilestoneState,
  MilestoneWorkflowInput,
  replanSignal,
  SubmitEvidenceInput,
  submitEvidenceUpdate,
} from './milestone.messages';

const activities = proxyActivities<MilestoneActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const FINISHED = [MilestoneStatus.UnderReview, MilestoneStatus.Completed, MilestoneStatus.Cancelled];

/**
 * Follows one milestone: waits for its start, asks the responsible agency for evidence a lead time
 * before the due date, reminds on the policy's cadence, marks it overdue when the due date passes,
 * and ends when evidence arrives (it is then under the follow-up committee's review) or when the
 * milestone is cancelled. Replanning moves the due date and re-arms every timer from it.
 */
export async function milestoneWorkflow(input: MilestoneWorkflowInput): Promise<MilestoneState> {
  const { milestoneId, policy } = input;
  const startAt = new Date(input.startAt);
  const state: MilestoneState = {
    milestoneId,
    dueAt: input.dueAt,
    appliedReplannings: [],
    status: MilestoneStatus.NotStarted,
    cycle: 0,
    openEvidenceRequestId: null,
    remindersSent: 0,
    nextTimer: null,
    history: [],
  };
  let evidence: SubmitEvidenceInput | null = null;
  let cancelled = false;
  /** Set by a replanning; the current wait ends and the timers are computed again. */
  let rearm = false;
  const timeline = () => milestoneTimeline(startAt, new Date(state.dueAt), policy);
  const record = (event: string, detail?: Record<string, string | number>) => state.history.push({ at: new Date().toISOString(), event, detail });

  setHandler(getMilestoneStateQuery, () => state);
  setHandler(
    submitEvidenceUpdate,
    async (submitted) => {
      evidence = submitted; // taken before the first await, so a concurrent submission fails validation
      await activities.recordEvidenceReceived({ milestoneId, ...submitted });
      state.status = MilestoneStatus.UnderReview;
      state.openEvidenceRequestId = null;
      state.nextTimer = null;
      record('evidence_received', { evidenceId: submitted.evidenceId, cycle: state.cycle });
      return { status: state.status };
    },
    {
      validator: (submitted) => {
        if (cancelled) throw new Error('The milestone was cancelled');
        if (evidence) throw new Error('Evidence for this request has already been submitted');
        if (!state.openEvidenceRequestId) throw new Error('No evidence request is open for this milestone');
        if (submitted.evidenceRequestId !== state.openEvidenceRequestId) throw new Error('This evidence request is no longer open');
      },
    },
  );
  setHandler(replanSignal, ({ replanningId, dueAt, reason }) => {
    if (state.appliedReplannings.includes(replanningId)) return;
    state.appliedReplannings.push(replanningId);
    if (cancelled || evidence || FINISHED.includes(state.status) || Number.isNaN(new Date(dueAt).getTime())) {
      record('replan_ignored', { replanningId, status: state.status });
      return;
    }
    const previous = state.dueAt;
    state.dueAt = new Date(dueAt).toISOString();
    rearm = true;
    record('replanned', { from: previous, to: state.dueAt, reason });
  });
  setHandler(cancelSignal, ({ reason }) => {
    if (cancelled || evidence || FINISHED.includes(state.status)) return;
    cancelled = true;
    state.status = MilestoneStatus.Cancelled;
    state.openEvidenceRequestId = null;
    state.nextTimer = null;
    record('cancelled', { reason });
  });

  /** Waits until `at` or until `interrupted()`; true when interrupted. */
  const waitUntil = async (purpose: string, at: Date, interrupted: () => boolean): Promise<boolean> => {
    state.nextTimer = { purpose, at: at.toISOString() };
    const ms = at.getTime() - Date.now();
    const result = interrupted() || (ms > 0 && (await condition(interrupted, ms)));
    state.nextTimer = null;
    return result;
  };
  const finished = () => evidence !== null || cancelled;
  const interrupted = () => finished() || rearm;

  if (Date.now() < startAt.getTime()) {
    record('waiting_for_start');
    await waitUntil('start', startAt, () => cancelled);
  }
  if (!cancelled) {
    await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.Open, onlyFrom: [MilestoneStatus.NotStarted] });
    if (!cancelled) state.status = MilestoneStatus.Open; // a cancel signal may have come during the activity
    record('opened');
  }

  while (!cancelled && (await waitUntil('evidence_request', timeline().evidenceRequestAt, interrupted))) {
    rearm = false; // replanned before the request went out: wait for the new request time
  }

  if (!cancelled) {
    state.cycle = 1;
    const { evidenceRequestId } = await activities.openEvidenceRequest({ milestoneId, cycle: state.cycle });
    await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.EvidenceRequested, onlyFrom: [MilestoneStatus.Open] });
    if (!cancelled) {
      state.status = MilestoneStatus.EvidenceRequested;
      state.openEvidenceRequestId = evidenceRequestId;
      await activities.sendEvidenceRequestEmail({ evidenceRequestId, reminderNumber: 0 });
      record('evidence_requested', { cycle: state.cycle });
    }
    let lastSentAt = new Date();

    while (!finished()) {
      if (rearm) {
        rearm = false;
        if (state.status === MilestoneStatus.Overdue && Date.now() < timeline().dueAt.getTime()) {
          await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.EvidenceRequested, onlyFrom: [MilestoneStatus.Overdue] });
          if (!finished()) state.status = MilestoneStatus.EvidenceRequested;
        }
      }
      const reminderAt = nextReminderAt(lastSentAt, state.remindersSent, policy);
      const overdueAt = state.status === MilestoneStatus.Overdue ? null : timeline().dueAt;
      const next = [reminderAt && { purpose: 'reminder', at: reminderAt }, overdueAt && { purpose: 'due_date', at: overdueAt }]
        .filter((t): t is { purpose: string; at: Date } => !!t)
        .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
      if (!next) {
        await condition(interrupted);
        continue;
      }
      if (await waitUntil(next.purpose, next.at, interrupted)) continue;

      if (overdueAt && Date.now() >= overdueAt.getTime()) {
        const changed = await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.Overdue, onlyFrom: [MilestoneStatus.EvidenceRequested] });
        if (changed && !finished()) {
          state.status = MilestoneStatus.Overdue;
          record('overdue');
        }
      }
      if (reminderAt && Date.now() >= reminderAt.getTime() && !finished()) {
        state.remindersSent += 1;
        await activities.sendEvidenceRequestEmail({ evidenceRequestId, reminderNumber: state.remindersSent });
        record('reminder_sent', { reminderNumber: state.remindersSent });
        lastSentAt = new Date();
      }
    }
  }

  await condition(allHandlersFinished);
  return state;
}
