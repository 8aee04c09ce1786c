import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { escalatesReturnedEvidence, EscalationAction, escalationLevelDue, MilestoneStatus } from '../../../libs/domain/src';
import { milestoneClosedSignal } from '../commitment/commitment.messages';
import {
  acknowledgeEscalationUpdate,
  attachToCommitmentSignal,
  cancelSignal,
  EscalationActionInput,
  getMilestoneStateQuery,
  MilestoneActivities,
  MilestoneState,
  MilestoneWorkflowInput,
  recommendEscalationUpdate,
  replanSignal,
  resolveEscalationUpdate,
  reviewEvidenceUpdate,
  submitEvidenceUpdate,
} from './milestone.messages';
import { MilestoneLifecycle } from './milestone-state';
import { DUE_AT_ATTRIBUTE, MILESTONE_STATUS_ATTRIBUTE } from '../search-attributes';
import { waitTimeout } from '../wait-timeout';

const activities = proxyActivities<MilestoneActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Activities that send email. The heartbeat timeout lets the server notice a worker that died
 * mid-send within seconds and retry elsewhere; the outbox makes that retry send nothing twice.
 */
const mail = proxyActivities<MilestoneActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** The clock, read as a local activity: no round trip to the server, and its result is kept in the history. */
const clock = proxyLocalActivities<Pick<MilestoneActivities, 'readClock'>>({ startToCloseTimeout: '10 seconds' });

/**
 * Follows one milestone from its start to its close: asks the responsible agency for evidence a lead
 * time before the due date, reminds on the policy's cadence, marks it overdue when the due date
 * passes, escalates to the IMB after a grace period (and to a second level later), has the
 * follow-up committee review the evidence (accepted: completed; returned: a new request cycle), and
 * ends on acceptance, cancellation, or when the IMB resolves the escalation of a milestone that never
 * delivered (closed without evidence). Replanning moves the due date and re-arms every timer. As it
 * ends it tells its commitment workflow.
 *
 * This file holds the handlers, the timers and the activity calls; the state and its transitions are
 * in MilestoneLifecycle (milestone-state.ts), the rules (status groups, deadlines, escalation policy)
 * in libs/domain.
 *
 * Runs started before the review/escalation lifecycle existed (no `lifecycle-v2` marker in their
 * history) keep their old path: they end when evidence arrives.
 *
 * Time. With SDK 1.24 the code after an event the worker has not yet answered (a fired timer, a
 * finished activity) can run with the previous workflow task's time: a query answered by a worker
 * that rebuilt the run from history while the next task still waited for a dead worker's sticky
 * queue. A later replay runs that code with the task's own time, so a decision that compares a
 * deadline with Date.now() can go the other way there and fail with a nondeterminism error (found
 * by test/faults/worker-kill.fault-spec.ts). Runs with the `clock-from-history` marker therefore
 * never let the clock choose a command: every wait starts a timer (of at least 1 ms), the deadlines
 * due at a wake-up are those up to the fired timer's instant, and the instants the workflow keeps
 * (a request or reminder sent, an escalation raised, evidence returned) come from `readClock`,
 * whose result the history records. Older runs keep Date.now().
 */
export async function milestoneWorkflow(input: MilestoneWorkflowInput): Promise<MilestoneState> {
  const lifecycleV2 = patched('lifecycle-v2');
  /** Keeps the status and due date search attributes current (runs started before this do not). */
  const searchAttributes = patched('search-attributes');
  const clockFromHistory = patched('clock-from-history');
  const { milestoneId } = input;
  const m = new MilestoneLifecycle(input, lifecycleV2);
  const { state } = m;
  let published = { status: state.status as string, dueAt: state.dueAt }; // what the client set at start
  /** Upserts the search attributes that changed since last time (each upsert is a command in the history). */
  const publish = () => {
    if (!searchAttributes || (published.status === state.status && published.dueAt === state.dueAt)) return;
    upsertSearchAttributes([
      { key: MILESTONE_STATUS_ATTRIBUTE, value: state.status },
      { key: DUE_AT_ATTRIBUTE, value: new Date(state.dueAt) },
    ]);
    published = { status: state.status, dueAt: state.dueAt };
  };

  // Handlers, before the first await. Each Update claims its state before its activity's await, so
  // a concurrent duplicate fails validation.
  setHandler(getMilestoneStateQuery, () => state);
  setHandler(
    submitEvidenceUpdate,
    async (submitted) => {
      m.takeEvidence(submitted);
      await activities.recordEvidenceReceived({ milestoneId, ...submitted });
      return m.evidenceRecorded(submitted);
    },
    { validator: (submitted) => m.checkEvidence(submitted) },
  );
  setHandler(replanSignal, (replan) => m.replan(replan));
  setHandler(attachToCommitmentSignal, (attach) => {
    m.commitmentWorkflowId = attach.commitmentWorkflowId;
  });
  setHandler(cancelSignal, ({ reason }) => m.cancel(reason));

  if (lifecycleV2) {
    setHandler(
      reviewEvidenceUpdate,
      async (decision) => {
        m.takeReview(decision);
        await activities.recordReview({ milestoneId, ...decision });
        return m.reviewRecorded(decision);
      },
      { validator: (decision) => m.checkReview(decision) },
    );
    const escalationHandler = (action: EscalationAction) => ({
      handler: async (act: EscalationActionInput) => {
        m.claimEscalationAction(action, act);
        await activities.updateEscalation({ action, ...act });
        m.escalationActionRecorded(action, act);
        if (m.resolutionCloses(action, act) && patched('close-on-imb-resolution')) m.closeOnResolution(act);
        return m.escalationActionDone(action, act);
      },
      validator: (act: EscalationActionInput) => m.checkEscalationAction(action, act),
    });
    const ack = escalationHandler('acknowledge');
    const recommend = escalationHandler('recommend');
    const resolve = escalationHandler('resolve');
    setHandler(acknowledgeEscalationUpdate, ack.handler, { validator: ack.validator });
    setHandler(recommendEscalationUpdate, recommend.handler, { validator: recommend.validator });
    setHandler(resolveEscalationUpdate, resolve.handler, { validator: resolve.validator });
  }

  /** The latest instant the run knows from its history: a fired timer's, or a `readClock` result. */
  let knownNow = 0;
  /** Workflow time, never behind a timer that has fired (in runs without `clock-from-history`, the partial fix of the same fault). */
  const workflowNow = () => Math.max(Date.now(), knownNow);
  /** The time to keep and decide by: the recorded clock (never behind a fired timer), or Date.now() in older runs. */
  const readNow = async (): Promise<Date> => {
    if (!clockFromHistory) return new Date();
    knownNow = Math.max(knownNow, await clock.readClock());
    return new Date(knownNow);
  };

  /** Waits until `at` or until `interrupted()`; true when interrupted. */
  const waitUntil = async (purpose: string, at: Date, interrupted: () => boolean): Promise<boolean> => {
    state.nextTimer = { purpose, at: at.toISOString() };
    const ms = waitTimeout(at.getTime(), clockFromHistory, workflowNow());
    // Older runs skip the timer of a past instant; with `clock-from-history` every wait has one.
    const result = interrupted() || (ms > 0 && (await condition(interrupted, ms)));
    if (!result) knownNow = Math.max(knownNow, at.getTime());
    state.nextTimer = null;
    return result;
  };
  const escalate = async (level: number, reason: 'overdue' | 'returned_again', at?: Date) => {
    const { escalationId } = await mail.raiseEscalation({ milestoneId, cycle: state.cycle, level, reason });
    m.escalated(escalationId, level, reason, at);
  };

  if (!input.resume) {
    if (Date.now() < m.startAt.getTime()) {
      m.record('waiting_for_start');
      await waitUntil('start', m.startAt, () => m.cancelled);
    }
    if (!m.cancelled) {
      await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.Open, onlyFrom: [MilestoneStatus.NotStarted] });
      m.opened();
      publish();
    }

    while (!m.cancelled && (await waitUntil('evidence_request', m.timeline().evidenceRequestAt, m.interrupted))) {
      m.rearm = false; // replanned before the request went out: wait for the new request time
    }
  }

  let resuming = input.resume;
  while (!m.cancelled) {
    // One request cycle: ask, remind, go overdue, escalate; until evidence arrives or the milestone is cancelled.
    m.startCycle();
    if (resuming) {
      m.resumeCycle(resuming);
      resuming = undefined;
    } else {
      const { evidenceRequestId } = await activities.openEvidenceRequest(
        state.cycle === 1 ? { milestoneId, cycle: state.cycle } : { milestoneId, cycle: state.cycle, dueAt: m.cycleDueAt().toISOString() },
      );
      await activities.setMilestoneStatus({
        milestoneId,
        status: MilestoneStatus.EvidenceRequested,
        onlyFrom: state.cycle === 1 ? [MilestoneStatus.Open] : [MilestoneStatus.UnderReview],
      });
      if (m.cancelled) break;
      m.requestOpened(evidenceRequestId);
      const returnedComments = m.returnedComments;
      await mail.sendEvidenceRequestEmail(returnedComments ? { evidenceRequestId, reminderNumber: 0, returnedComments } : { evidenceRequestId, reminderNumber: 0 });
      m.requestSent(await readNow());
      publish();
    }

    while (!m.finished()) {
      publish(); // a replanning or the status may have changed while waiting
      if (lifecycleV2 && !m.rearm && workflowInfo().continueAsNewSuggested && patched('continue-as-new')) {
        // A long wait (many reminders, escalations, replannings) is carried on by a fresh run with a short history.
        await condition(allHandlersFinished);
        if (!m.finished()) {
          m.record('continued_as_new');
          await continueAsNew<typeof milestoneWorkflow>(m.continuation());
        }
      }
      if (m.rearm) {
        m.rearm = false;
        // Whether the clock is read depends on the state only, never on the clock.
        const now = clockFromHistory && state.status === MilestoneStatus.Overdue ? (await readNow()).getTime() : Date.now();
        if (m.mayGoBackToRequested(now)) {
          await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.EvidenceRequested, onlyFrom: [MilestoneStatus.Overdue] });
          m.backToRequested();
        }
      }
      const timers = m.timers();
      if (!timers.next) {
        await condition(m.interrupted);
        continue;
      }
      if (await waitUntil(timers.next.purpose, timers.next.at, m.interrupted)) continue;

      // Decide from the fired timer's instant: a deadline passed since has its own timer next time round.
      const now = clockFromHistory ? timers.next.at.getTime() : workflowNow();
      if (timers.overdueAt && now >= timers.overdueAt.getTime()) {
        const changed = await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.Overdue, onlyFrom: [MilestoneStatus.EvidenceRequested] });
        if (changed && !m.finished()) {
          m.becameOverdue();
          publish();
        }
      }
      const level = escalationLevelDue(timers, now);
      if (level && !m.finished()) await escalate(level, 'overdue', clockFromHistory ? await readNow() : undefined);
      if (timers.reminderAt && now >= timers.reminderAt.getTime() && !m.finished()) {
        const reminderNumber = m.nextReminder();
        await mail.sendEvidenceRequestEmail({ evidenceRequestId: m.evidenceRequestId, reminderNumber });
        m.reminderSent(await readNow());
      }
    }
    if (m.cancelled || !lifecycleV2) break;
    const closing = m.closure; // set by the resolve handler
    if (closing) {
      await activities.closeMilestoneWithoutEvidence({ milestoneId, ...closing });
      m.closedWithoutEvidence(closing);
      break;
    }

    // The follow-up committee reviews the evidence.
    publish();
    await condition(() => m.review !== null || m.cancelled);
    if (m.cancelled) break;
    const decision = m.review;
    if (!decision) throw ApplicationFailure.nonRetryable('review expected'); // unreachable: narrows the type
    await condition(allHandlersFinished); // the review's activity has recorded it
    if (decision.decision === 'accept') {
      m.complete();
      if (m.hasOpenEscalation()) {
        await activities.updateEscalation({ action: 'resolve', escalationId: state.escalation!.id, by: 'system', text: 'Evidence accepted by the follow-up committee' });
        m.escalationResolved();
      }
      break;
    }
    // Returned: a new cycle with its own deadline; evidence returned a second time goes to the IMB.
    const returnedAt = await readNow();
    m.returnEvidence(decision, returnedAt);
    if (escalatesReturnedEvidence(m.returns, state.escalation)) {
      await escalate(1, 'returned_again', clockFromHistory ? returnedAt : undefined);
    }
  }

  if (m.cancelled && m.hasOpenEscalation() && patched('close-escalation-on-cancel')) {
    // Nobody could act on it any more: the IMB sees it closed, with the reason.
    await activities.updateEscalation({ action: 'resolve', escalationId: state.escalation!.id, by: 'system', text: 'The milestone was cancelled' });
    m.escalationResolved();
  }
  await condition(allHandlersFinished);
  publish();
  if (m.commitmentWorkflowId) {
    try {
      await getExternalWorkflowHandle(m.commitmentWorkflowId).signal(milestoneClosedSignal, { milestoneId, status: state.status });
    } catch {
      // The commitment workflow has ended (its plan was closed): nobody is waiting for this news.
    }
  }
  return state;
}
