import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { MilestoneStatus, milestoneTimeline, nextReminderAt } from '../../../libs/domain/src';
import {
  getMilestoneStateQuery,
  MilestoneActivities,
  MilestoneState,
  MilestoneWorkflowInput,
  SubmitEvidenceInput,
  submitEvidenceUpdate,
} from './milestone.messages';

const activities = proxyActivities<MilestoneActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Follows one milestone: waits for its start, asks the responsible agency for evidence a lead time
 * before the due date, reminds on the policy's cadence, marks it overdue when the due date passes,
 * and ends when evidence arrives (it is then under the follow-up committee's review).
 */
export async function milestoneWorkflow(input: MilestoneWorkflowInput): Promise<MilestoneState> {
  const { milestoneId, policy } = input;
  const timeline = milestoneTimeline(new Date(input.startAt), new Date(input.dueAt), policy);
  const state: MilestoneState = {
    milestoneId,
    status: MilestoneStatus.NotStarted,
    cycle: 0,
    openEvidenceRequestId: null,
    remindersSent: 0,
    nextTimer: null,
    history: [],
  };
  let evidence: SubmitEvidenceInput | null = null;
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
        if (evidence) throw new Error('Evidence for this request has already been submitted');
        if (!state.openEvidenceRequestId) throw new Error('No evidence request is open for this milestone');
        if (submitted.evidenceRequestId !== state.openEvidenceRequestId) throw new Error('This evidence request is no longer open');
      },
    },
  );

  /** Waits until `at` or until `done()`; true when done. */
  const waitUntil = async (purpose: string, at: Date, done: () => boolean): Promise<boolean> => {
    state.nextTimer = { purpose, at: at.toISOString() };
    const ms = at.getTime() - Date.now();
    const finished = done() || (ms > 0 && (await condition(done, ms)));
    state.nextTimer = null;
    return finished;
  };
  const evidenceArrived = () => evidence !== null;

  if (Date.now() < timeline.startAt.getTime()) {
    record('waiting_for_start');
    await waitUntil('start', timeline.startAt, () => false);
  }
  await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.Open });
  state.status = MilestoneStatus.Open;
  record('opened');

  await waitUntil('evidence_request', timeline.evidenceRequestAt, () => false);
  state.cycle = 1;
  const { evidenceRequestId } = await activities.openEvidenceRequest({ milestoneId, cycle: state.cycle });
  await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.EvidenceRequested, onlyFrom: [MilestoneStatus.Open] });
  state.status = MilestoneStatus.EvidenceRequested;
  state.openEvidenceRequestId = evidenceRequestId;
  await activities.sendEvidenceRequestEmail({ evidenceRequestId, reminderNumber: 0 });
  record('evidence_requested', { cycle: state.cycle });
  let lastSentAt = new Date();

  while (!evidenceArrived()) {
    const reminderAt = nextReminderAt(lastSentAt, state.remindersSent, policy);
    const overdueAt = state.status === MilestoneStatus.Overdue ? null : timeline.dueAt;
    const next = [reminderAt && { purpose: 'reminder', at: reminderAt }, overdueAt && { purpose: 'due_date', at: overdueAt }]
      .filter((t): t is { purpose: string; at: Date } => !!t)
      .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
    if (!next) {
      await condition(evidenceArrived);
      break;
    }
    if (await waitUntil(next.purpose, next.at, evidenceArrived)) break;

    if (overdueAt && Date.now() >= overdueAt.getTime()) {
      const changed = await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.Overdue, onlyFrom: [MilestoneStatus.EvidenceRequested] });
      if (changed && !evidenceArrived()) {
        state.status = MilestoneStatus.Overdue;
        record('overdue');
      }
    }
    if (reminderAt && Date.now() >= reminderAt.getTime() && !evidenceArrived()) {
      state.remindersSent += 1;
      await activities.sendEvidenceRequestEmail({ evidenceRequestId, reminderNumber: state.remindersSent });
      record('reminder_sent', { reminderNumber: state.remindersSent });
      lastSentAt = new Date();
    }
  }

  await condition(allHandlersFinished);
  return state;
}
