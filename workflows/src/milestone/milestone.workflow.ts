import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, getExternalWorkflowHandle, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { MilestoneStatus, milestoneTimeline, nextReminderAt } from '../../../libs/domain/src';
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
  ReviewEvidenceInput,
  reviewEvidenceUpdate,
  SubmitEvidenceInput,
  submitEvidenceUpdate,
} from './milestone.messages';
import { DUE_AT_ATTRIBUTE, MILESTONE_STATUS_ATTRIBUTE } from '../search-attributes';

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

const FINISHED = [MilestoneStatus.UnderReview, MilestoneStatus.Completed, MilestoneStatus.ClosedWithoutEvidence, MilestoneStatus.Cancelled];
const WAITING_FOR_EVIDENCE = [MilestoneStatus.EvidenceRequested, MilestoneStatus.Overdue];
const DAY_SECONDS = 24 * 3600;

/** How the IMB closed a milestone that never delivered evidence. */
interface Closure {
  escalationId: string;
  by: string;
  reason: string;
}

/**
 * Follows one milestone from its start to its close: asks the responsible agency for evidence a lead
 * time before the due date, reminds on the policy's cadence, marks it overdue when the due date
 * passes, escalates to the IMB after a grace period (and to a second level later), has the
 * follow-up committee review the evidence (accepted: completed; returned: a new request cycle), and
 * ends on acceptance, cancellation, or when the IMB resolves the escalation of a milestone that never
 * delivered (closed without evidence). Replanning moves the due date and re-arms every timer. As it
 * ends it tells its commitment workflow.
 *
 * Runs started before the review/escalation lifecycle existed (no `lifecycle-v2` marker in their
 * history) keep their old path: they end when evidence arrives.
 */
export async function milestoneWorkflow(input: MilestoneWorkflowInput): Promise<MilestoneState> {
  const lifecycleV2 = patched('lifecycle-v2');
  /** Keeps the status and due date search attributes current (runs started before this do not). */
  const searchAttributes = patched('search-attributes');
  const { milestoneId, policy } = input;
  const resubmissionSeconds = policy.resubmissionSeconds ?? 14 * DAY_SECONDS;
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
  if (lifecycleV2) {
    state.evidenceUnderReview = null;
    state.escalation = null;
  }
  const resume = input.resume;
  if (resume) {
    Object.assign(state, { status: resume.status, cycle: resume.cycle - 1, remindersSent: resume.remindersSent, escalation: resume.escalation, appliedReplannings: resume.appliedReplannings, history: resume.history });
  }
  let evidence: SubmitEvidenceInput | null = null;
  let review: ReviewEvidenceInput | null = null;
  let cancelled = false;
  /** Set when the IMB resolved the escalation while no evidence had come: the milestone closes without it. */
  let closure: Closure | null = null;
  /** The commitment workflow to tell when this one ends. */
  let commitmentWorkflowId = input.commitmentWorkflowId;
  /** Set by a replanning; the current wait ends and the timers are computed again. */
  let rearm = false;
  /** Deadline of a resubmission cycle (cycle 2 onwards). */
  let resubmissionDueAt: Date | null = resume?.resubmissionDueAt ? new Date(resume.resubmissionDueAt) : null;
  const timeline = () => milestoneTimeline(startAt, new Date(state.dueAt), policy);
  const cycleDueAt = () => (resubmissionDueAt && resubmissionDueAt > timeline().dueAt ? resubmissionDueAt : timeline().dueAt);
  const record = (event: string, detail?: Record<string, string | number>) => state.history.push({ at: new Date().toISOString(), event, detail });
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

  setHandler(getMilestoneStateQuery, () => state);
  setHandler(
    submitEvidenceUpdate,
    async (submitted) => {
      evidence = submitted; // taken before the first await, so a concurrent submission fails validation
      await activities.recordEvidenceReceived({ milestoneId, ...submitted });
      state.status = MilestoneStatus.UnderReview;
      state.openEvidenceRequestId = null;
      state.nextTimer = null;
      if (lifecycleV2) state.evidenceUnderReview = submitted.evidenceId;
      record('evidence_received', { evidenceId: submitted.evidenceId, cycle: state.cycle });
      return { status: state.status };
    },
    {
      validator: (submitted) => {
        if (cancelled) throw new Error('The milestone was cancelled');
        if (closure) throw new Error('The milestone was closed by the IMB without evidence');
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
  setHandler(attachToCommitmentSignal, (attach) => {
    commitmentWorkflowId = attach.commitmentWorkflowId;
  });
  setHandler(cancelSignal, ({ reason }) => {
    if (cancelled || closure || state.status === MilestoneStatus.Completed || state.status === MilestoneStatus.Cancelled) return;
    cancelled = true;
    state.status = MilestoneStatus.Cancelled;
    state.openEvidenceRequestId = null;
    state.nextTimer = null;
    record('cancelled', { reason });
  });

  if (lifecycleV2) {
    setHandler(
      reviewEvidenceUpdate,
      async (decision) => {
        review = decision;
        await activities.recordReview({ milestoneId, ...decision });
        record(decision.decision === 'accept' ? 'evidence_accepted' : 'evidence_returned', { evidenceId: decision.evidenceId, reviewer: decision.reviewer });
        return { status: decision.decision === 'accept' ? MilestoneStatus.Completed : MilestoneStatus.EvidenceRequested };
      },
      {
        validator: (decision) => {
          if (cancelled || state.status !== MilestoneStatus.UnderReview || review) throw new Error('No evidence of this milestone is waiting for review');
          if (decision.evidenceId !== state.evidenceUnderReview) throw new Error('This evidence is not the one under review');
          if (decision.decision === 'accept' && !decision.completion) throw new Error('Accepting evidence needs a completion level');
          if (decision.decision === 'return' && !decision.comments) throw new Error('Returning evidence needs comments for the agency');
        },
      },
    );
    const escalationHandler = (action: 'acknowledge' | 'recommend' | 'resolve', allowed: string[]) => ({
      handler: async (act: EscalationActionInput) => {
        await activities.updateEscalation({ action, ...act });
        if (state.escalation?.id === act.escalationId) {
          if (action === 'acknowledge') state.escalation.status = 'acknowledged';
          if (action === 'resolve') state.escalation.status = 'resolved';
        }
        const stillWaiting = !cancelled && evidence === null && WAITING_FOR_EVIDENCE.includes(state.status);
        if (action === 'resolve' && stillWaiting && !act.keepMilestoneOpen && patched('close-on-imb-resolution')) {
          closure = { escalationId: act.escalationId, by: act.by, reason: act.text ?? '' };
        }
        record(`escalation_${action}d`.replace('recommendd', 'recommended'), { escalationId: act.escalationId, by: act.by });
        return { status: closure ? MilestoneStatus.ClosedWithoutEvidence : state.status };
      },
      validator: (act: EscalationActionInput) => {
        if (!state.escalation || state.escalation.id !== act.escalationId) throw new Error('This escalation is not the open escalation of the milestone');
        if (!allowed.includes(state.escalation.status)) throw new Error(`The escalation is ${state.escalation.status}`);
        if (action !== 'acknowledge' && !act.text) throw new Error(`To ${action}, send the text`);
      },
    });
    const ack = escalationHandler('acknowledge', ['open']);
    const recommend = escalationHandler('recommend', ['open', 'acknowledged']);
    const resolve = escalationHandler('resolve', ['open', 'acknowledged']);
    setHandler(acknowledgeEscalationUpdate, ack.handler, { validator: ack.validator });
    setHandler(recommendEscalationUpdate, recommend.handler, { validator: recommend.validator });
    setHandler(resolveEscalationUpdate, resolve.handler, { validator: resolve.validator });
  }

  /** Waits until `at` or until `interrupted()`; true when interrupted. */
  const waitUntil = async (purpose: string, at: Date, interrupted: () => boolean): Promise<boolean> => {
    state.nextTimer = { purpose, at: at.toISOString() };
    const ms = at.getTime() - Date.now();
    const result = interrupted() || (ms > 0 && (await condition(interrupted, ms)));
    state.nextTimer = null;
    return result;
  };
  const finished = () => evidence !== null || cancelled || closure !== null;
  const interrupted = () => finished() || rearm;
  const escalate = async (level: number, reason: 'overdue' | 'returned_again') => {
    const { escalationId } = await mail.raiseEscalation({ milestoneId, cycle: state.cycle, level, reason });
    state.escalation = { id: escalationId, level, status: 'open', raisedAt: new Date().toISOString() };
    record('escalated', { level, reason, escalationId });
  };

  if (!resume) {
    if (Date.now() < startAt.getTime()) {
      record('waiting_for_start');
      await waitUntil('start', startAt, () => cancelled);
    }
    if (!cancelled) {
      await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.Open, onlyFrom: [MilestoneStatus.NotStarted] });
      if (!cancelled) state.status = MilestoneStatus.Open; // a cancel signal may have come during the activity
      record('opened');
      publish();
    }

    while (!cancelled && (await waitUntil('evidence_request', timeline().evidenceRequestAt, interrupted))) {
      rearm = false; // replanned before the request went out: wait for the new request time
    }
  }

  let returnedComments: string | undefined;
  let returns = resume?.returns ?? 0;
  let resuming = resume;
  while (!cancelled) {
    // One request cycle: ask, remind, go overdue, escalate; until evidence arrives or the milestone is cancelled.
    state.cycle += 1;
    let evidenceRequestId: string;
    let lastSentAt: Date;
    if (resuming) {
      // Continued as new in the middle of this cycle: the request and its email exist already.
      evidenceRequestId = resuming.evidenceRequestId;
      lastSentAt = new Date(resuming.lastSentAt);
      state.openEvidenceRequestId = evidenceRequestId;
      state.cycleDueAt = resuming.cycleDueAt ?? undefined;
      resuming = undefined;
    } else {
      ({ evidenceRequestId } = await activities.openEvidenceRequest(
        state.cycle === 1 ? { milestoneId, cycle: state.cycle } : { milestoneId, cycle: state.cycle, dueAt: cycleDueAt().toISOString() },
      ));
      await activities.setMilestoneStatus({
        milestoneId,
        status: MilestoneStatus.EvidenceRequested,
        onlyFrom: state.cycle === 1 ? [MilestoneStatus.Open] : [MilestoneStatus.UnderReview],
      });
      if (cancelled) break;
      state.status = MilestoneStatus.EvidenceRequested;
      state.openEvidenceRequestId = evidenceRequestId;
      if (lifecycleV2) state.cycleDueAt = cycleDueAt().toISOString();
      await mail.sendEvidenceRequestEmail(returnedComments ? { evidenceRequestId, reminderNumber: 0, returnedComments } : { evidenceRequestId, reminderNumber: 0 });
      record('evidence_requested', { cycle: state.cycle });
      publish();
      lastSentAt = new Date();
    }

    while (!finished()) {
      publish(); // a replanning or the status may have changed while waiting
      if (lifecycleV2 && !rearm && workflowInfo().continueAsNewSuggested && patched('continue-as-new')) {
        // A long wait (many reminders, escalations, replannings) is carried on by a fresh run with a short history.
        await condition(allHandlersFinished);
        if (!finished()) {
          record('continued_as_new');
          await continueAsNew<typeof milestoneWorkflow>({
            ...input,
            dueAt: state.dueAt,
            commitmentWorkflowId,
            resume: {
              status: state.status,
              cycle: state.cycle,
              evidenceRequestId,
              remindersSent: state.remindersSent,
              lastSentAt: lastSentAt.toISOString(),
              cycleDueAt: state.cycleDueAt ?? null,
              resubmissionDueAt: resubmissionDueAt?.toISOString() ?? null,
              returns,
              escalation: state.escalation ?? null,
              appliedReplannings: state.appliedReplannings,
              history: state.history.slice(-50),
            },
          });
        }
      }
      if (rearm) {
        rearm = false;
        if (state.status === MilestoneStatus.Overdue && Date.now() < cycleDueAt().getTime()) {
          await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.EvidenceRequested, onlyFrom: [MilestoneStatus.Overdue] });
          if (!finished()) state.status = MilestoneStatus.EvidenceRequested;
        }
      }
      const overdue = state.status === MilestoneStatus.Overdue;
      const reminderAt = nextReminderAt(lastSentAt, state.remindersSent, policy);
      const overdueAt = overdue ? null : cycleDueAt();
      const escalation = state.escalation;
      const escalateAt =
        lifecycleV2 && overdue && !escalation ? new Date(cycleDueAt().getTime() + policy.escalationGraceSeconds * 1000) : null;
      const secondLevelAt =
        lifecycleV2 && escalation && escalation.level === 1 && escalation.status !== 'resolved'
          ? new Date(new Date(escalation.raisedAt).getTime() + policy.secondLevelEscalationSeconds * 1000)
          : null;
      const next = [
        reminderAt && { purpose: 'reminder', at: reminderAt },
        overdueAt && { purpose: 'due_date', at: overdueAt },
        escalateAt && { purpose: 'escalation', at: escalateAt },
        secondLevelAt && { purpose: 'second_level_escalation', at: secondLevelAt },
      ]
        .filter((t): t is { purpose: string; at: Date } => !!t)
        .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
      if (!next) {
        await condition(interrupted);
        continue;
      }
      if (await waitUntil(next.purpose, next.at, interrupted)) continue;

      const now = Date.now();
      if (overdueAt && now >= overdueAt.getTime()) {
        const changed = await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.Overdue, onlyFrom: [MilestoneStatus.EvidenceRequested] });
        if (changed && !finished()) {
          state.status = MilestoneStatus.Overdue;
          record('overdue');
          publish();
        }
      }
      if (escalateAt && now >= escalateAt.getTime() && !finished()) await escalate(1, 'overdue');
      if (secondLevelAt && now >= secondLevelAt.getTime() && !finished()) await escalate(2, 'overdue');
      if (reminderAt && now >= reminderAt.getTime() && !finished()) {
        state.remindersSent += 1;
        await mail.sendEvidenceRequestEmail({ evidenceRequestId, reminderNumber: state.remindersSent });
        record('reminder_sent', { reminderNumber: state.remindersSent });
        lastSentAt = new Date();
      }
    }
    if (cancelled || !lifecycleV2) break;
    const closing = closure as Closure | null; // set by the resolve handler (TypeScript cannot see that)
    if (closing) {
      await activities.closeMilestoneWithoutEvidence({ milestoneId, ...closing });
      state.status = MilestoneStatus.ClosedWithoutEvidence;
      state.openEvidenceRequestId = null;
      record('closed_without_evidence', { escalationId: closing.escalationId, by: closing.by });
      break;
    }

    // The follow-up committee reviews the evidence.
    publish();
    await condition(() => review !== null || cancelled);
    if (cancelled) break;
    const decision = review as ReviewEvidenceInput | null;
    if (!decision) throw ApplicationFailure.nonRetryable('review expected'); // unreachable: narrows the type
    await condition(allHandlersFinished); // the review's activity has recorded it
    if (decision.decision === 'accept') {
      state.status = MilestoneStatus.Completed;
      state.evidenceUnderReview = null;
      if (state.escalation && state.escalation.status !== 'resolved') {
        await activities.updateEscalation({ action: 'resolve', escalationId: state.escalation.id, by: 'system', text: 'Evidence accepted by the follow-up committee' });
        state.escalation.status = 'resolved';
      }
      break;
    }
    // Returned: a new cycle with its own deadline; evidence returned a second time goes to the IMB.
    returns += 1;
    returnedComments = decision.comments;
    resubmissionDueAt = new Date(Date.now() + resubmissionSeconds * 1000);
    evidence = null;
    review = null;
    state.evidenceUnderReview = null;
    state.remindersSent = 0;
    if (returns >= 2 && (!state.escalation || state.escalation.status === 'resolved')) {
      await escalate(1, 'returned_again');
    }
  }

  if (cancelled && state.escalation && state.escalation.status !== 'resolved' && patched('close-escalation-on-cancel')) {
    // Nobody could act on it any more: the IMB sees it closed, with the reason.
    await activities.updateEscalation({ action: 'resolve', escalationId: state.escalation.id, by: 'system', text: 'The milestone was cancelled' });
    state.escalation.status = 'resolved';
  }
  await condition(allHandlersFinished);
  publish();
  if (commitmentWorkflowId) {
    try {
      await getExternalWorkflowHandle(commitmentWorkflowId).signal(milestoneClosedSignal, { milestoneId, status: state.status });
    } catch {
      // The commitment workflow has ended (its plan was closed): nobody is waiting for this news.
    }
  }
  return state;
}
