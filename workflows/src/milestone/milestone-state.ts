/**
 * The state of one milestone workflow and its transitions, apart from the workflow's handlers and
 * timers (milestone.workflow.ts). Pure and synchronous: no activity, timer or other command is made
 * here, so moving code between this class and the workflow cannot change a run's history. The rules
 * (status groups, deadlines, escalation policy) come from the domain, imported by relative path
 * because the workflow bundler ignores tsconfig paths.
 */
import {
  canReplan,
  canTransition,
  cycleDeadline,
  EscalationAction,
  escalationActionRefusal,
  EscalationState,
  escalationStatusAfter,
  isAwaitingEvidence,
  laterEscalationState,
  MilestoneStatus,
  milestoneTimeline,
  MilestoneTimeline,
  RequestCycleTimers,
  requestCycleTimers,
  resubmissionDeadline,
} from '../../../libs/domain/src';
import type { EscalationActionInput, MilestoneResumeState, MilestoneState, MilestoneWorkflowInput, ReplanInput, ReviewEvidenceInput, SubmitEvidenceInput } from './milestone.messages';

/** How the IMB closed a milestone that never delivered evidence. */
export interface Closure {
  escalationId: string;
  by: string;
  reason: string;
}

export class MilestoneLifecycle {
  /** What the `getMilestoneState` query returns. */
  readonly state: MilestoneState;
  readonly startAt: Date;
  /** Evidence taken for the open request (claimed before its activity runs). */
  evidence: SubmitEvidenceInput | null = null;
  /** The committee's decision on the evidence under review (claimed before its activity runs). */
  review: ReviewEvidenceInput | null = null;
  cancelled = false;
  /** Set when the IMB resolved the escalation while no evidence had come: the milestone closes without it. */
  closure: Closure | null = null;
  /** The commitment workflow to tell when this one ends. */
  commitmentWorkflowId: string | undefined;
  /** Set by a replanning; the current wait ends and the timers are computed again. */
  rearm = false;
  /** Deadline of a resubmission cycle (cycle 2 onwards). */
  resubmissionDueAt: Date | null;
  /** Times the committee returned the evidence. */
  returns: number;
  /** The committee's comments on the last returned evidence, sent with the next request. */
  returnedComments: string | undefined;
  /** The open request of the current cycle and when its last email went out. */
  evidenceRequestId = '';
  lastSentAt = new Date(0);
  /**
   * The status an escalation action already validated will leave the escalation in, set before the
   * action's activity runs (the state itself changes once it is recorded), so that a second
   * concurrent action is checked against it. In memory only: a run continues as new only once every
   * handler has finished.
   */
  private escalationClaim: { escalationId: string; status: EscalationState } | null = null;

  constructor(
    private readonly input: MilestoneWorkflowInput,
    private readonly lifecycleV2: boolean,
  ) {
    this.startAt = new Date(input.startAt);
    this.commitmentWorkflowId = input.commitmentWorkflowId;
    this.state = {
      milestoneId: input.milestoneId,
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
      this.state.evidenceUnderReview = null;
      this.state.escalation = null;
    }
    const resume = input.resume;
    if (resume) {
      Object.assign(this.state, { status: resume.status, cycle: resume.cycle - 1, remindersSent: resume.remindersSent, escalation: resume.escalation, appliedReplannings: resume.appliedReplannings, history: resume.history });
    }
    this.resubmissionDueAt = resume?.resubmissionDueAt ? new Date(resume.resubmissionDueAt) : null;
    this.returns = resume?.returns ?? 0;
  }

  record(event: string, detail?: Record<string, string | number>): void {
    this.state.history.push({ at: new Date().toISOString(), event, detail });
  }

  timeline(): MilestoneTimeline {
    return milestoneTimeline(this.startAt, new Date(this.state.dueAt), this.input.policy);
  }

  /** Deadline of the current request cycle. */
  cycleDueAt(): Date {
    return cycleDeadline(this.timeline().dueAt, this.resubmissionDueAt);
  }

  /** Evidence came, the milestone was cancelled, or the IMB closed it: the request cycle ends. */
  readonly finished = (): boolean => this.evidence !== null || this.cancelled || this.closure !== null;
  /** A wait of the request cycle ends early. */
  readonly interrupted = (): boolean => this.finished() || this.rearm;

  // Evidence

  checkEvidence(submitted: SubmitEvidenceInput): void {
    if (this.cancelled) throw new Error('The milestone was cancelled');
    if (this.closure) throw new Error('The milestone was closed by the IMB without evidence');
    if (this.evidence) throw new Error('Evidence for this request has already been submitted');
    if (!this.state.openEvidenceRequestId) throw new Error('No evidence request is open for this milestone');
    if (submitted.evidenceRequestId !== this.state.openEvidenceRequestId) throw new Error('This evidence request is no longer open');
  }

  /** Before the first await, so a concurrent submission fails validation. */
  takeEvidence(submitted: SubmitEvidenceInput): void {
    this.evidence = submitted;
  }

  evidenceRecorded(submitted: SubmitEvidenceInput): { status: MilestoneStatus } {
    const { state } = this;
    state.status = MilestoneStatus.UnderReview;
    state.openEvidenceRequestId = null;
    state.nextTimer = null;
    if (this.lifecycleV2) state.evidenceUnderReview = submitted.evidenceId;
    this.record('evidence_received', { evidenceId: submitted.evidenceId, cycle: state.cycle });
    return { status: state.status };
  }

  // Review

  checkReview(decision: ReviewEvidenceInput): void {
    if (this.cancelled || this.state.status !== MilestoneStatus.UnderReview || this.review) throw new Error('No evidence of this milestone is waiting for review');
    if (decision.evidenceId !== this.state.evidenceUnderReview) throw new Error('This evidence is not the one under review');
    if (decision.decision === 'accept' && !decision.completion) throw new Error('Accepting evidence needs a completion level');
    if (decision.decision === 'return' && !decision.comments) throw new Error('Returning evidence needs comments for the agency');
  }

  /** Before the first await, so a concurrent decision fails validation. */
  takeReview(decision: ReviewEvidenceInput): void {
    this.review = decision;
  }

  reviewRecorded(decision: ReviewEvidenceInput): { status: MilestoneStatus } {
    this.record(decision.decision === 'accept' ? 'evidence_accepted' : 'evidence_returned', { evidenceId: decision.evidenceId, reviewer: decision.reviewer });
    return { status: decision.decision === 'accept' ? MilestoneStatus.Completed : MilestoneStatus.EvidenceRequested };
  }

  /** The committee accepted the evidence. */
  complete(): void {
    this.state.status = MilestoneStatus.Completed;
    this.state.evidenceUnderReview = null;
  }

  /** The committee returned the evidence at `now`: a new request cycle with its own deadline follows. */
  returnEvidence(decision: ReviewEvidenceInput, now: Date): void {
    this.returns += 1;
    this.returnedComments = decision.comments;
    this.resubmissionDueAt = resubmissionDeadline(now, this.input.policy);
    this.evidence = null;
    this.review = null;
    this.state.evidenceUnderReview = null;
    this.state.remindersSent = 0;
  }

  // Replanning, cancellation, closing

  /** Applies a replanning once (by id); ignored when the milestone may no longer be replanned. */
  replan({ replanningId, dueAt, reason }: ReplanInput): void {
    const { state } = this;
    if (state.appliedReplannings.includes(replanningId)) return;
    state.appliedReplannings.push(replanningId);
    if (this.cancelled || this.evidence || !canReplan(state.status) || Number.isNaN(new Date(dueAt).getTime())) {
      this.record('replan_ignored', { replanningId, status: state.status });
      return;
    }
    const previous = state.dueAt;
    state.dueAt = new Date(dueAt).toISOString();
    this.rearm = true;
    this.record('replanned', { from: previous, to: state.dueAt, reason });
  }

  cancel(reason: string): void {
    const { state } = this;
    if (this.cancelled || this.closure || !canTransition(state.status, MilestoneStatus.Cancelled)) return;
    this.cancelled = true;
    state.status = MilestoneStatus.Cancelled;
    state.openEvidenceRequestId = null;
    state.nextTimer = null;
    this.record('cancelled', { reason });
  }

  closedWithoutEvidence(closing: Closure): void {
    this.state.status = MilestoneStatus.ClosedWithoutEvidence;
    this.state.openEvidenceRequestId = null;
    this.record('closed_without_evidence', { escalationId: closing.escalationId, by: closing.by });
  }

  // Status moves made by the workflow's timers (after their activity wrote them)

  /** The start date came; a cancel signal may have come during the activity. */
  opened(): void {
    if (!this.cancelled) this.state.status = MilestoneStatus.Open;
    this.record('opened');
  }

  startCycle(): void {
    this.state.cycle += 1;
  }

  /** Continued as new in the middle of this cycle: the request and its email exist already. */
  resumeCycle(resume: MilestoneResumeState): void {
    this.evidenceRequestId = resume.evidenceRequestId;
    this.lastSentAt = new Date(resume.lastSentAt);
    this.state.openEvidenceRequestId = resume.evidenceRequestId;
    this.state.cycleDueAt = resume.cycleDueAt ?? undefined;
  }

  requestOpened(evidenceRequestId: string): void {
    this.evidenceRequestId = evidenceRequestId;
    this.state.status = MilestoneStatus.EvidenceRequested;
    this.state.openEvidenceRequestId = evidenceRequestId;
    if (this.lifecycleV2) this.state.cycleDueAt = this.cycleDueAt().toISOString();
  }

  requestSent(at: Date): void {
    this.record('evidence_requested', { cycle: this.state.cycle });
    this.lastSentAt = at;
  }

  /** A replanning moved the deadline of an overdue milestone into the future. */
  mayGoBackToRequested(now: number): boolean {
    return this.state.status === MilestoneStatus.Overdue && now < this.cycleDueAt().getTime();
  }

  backToRequested(): void {
    if (!this.finished()) this.state.status = MilestoneStatus.EvidenceRequested;
  }

  becameOverdue(): void {
    this.state.status = MilestoneStatus.Overdue;
    this.record('overdue');
  }

  /** The number of the reminder to send now. */
  nextReminder(): number {
    this.state.remindersSent += 1;
    return this.state.remindersSent;
  }

  reminderSent(at: Date): void {
    this.record('reminder_sent', { reminderNumber: this.state.remindersSent });
    this.lastSentAt = at;
  }

  /** The timers of the open request cycle (from the domain); escalations only for runs that have them. */
  timers(): RequestCycleTimers {
    return requestCycleTimers({
      lastSentAt: this.lastSentAt,
      remindersSent: this.state.remindersSent,
      overdue: this.state.status === MilestoneStatus.Overdue,
      cycleDueAt: this.cycleDueAt(),
      escalation: this.state.escalation,
      escalates: this.lifecycleV2,
      policy: this.input.policy,
    });
  }

  // Escalations

  escalated(escalationId: string, level: number, reason: 'overdue' | 'returned_again', at = new Date()): void {
    this.state.escalation = { id: escalationId, level, status: 'open', raisedAt: at.toISOString() };
    this.record('escalated', { level, reason, escalationId });
  }

  hasOpenEscalation(): boolean {
    return !!this.state.escalation && this.state.escalation.status !== 'resolved';
  }

  escalationResolved(): void {
    if (this.state.escalation) this.state.escalation.status = 'resolved';
  }

  /** Synchronous validator of the IMB's actions: checked against the status any action in flight will leave. */
  checkEscalationAction(action: EscalationAction, act: EscalationActionInput): void {
    const escalation = this.state.escalation;
    if (!escalation || escalation.id !== act.escalationId) throw new Error('This escalation is not the open escalation of the milestone');
    const refusal = escalationActionRefusal(action, this.claimedEscalationStatus(escalation), act.text);
    if (refusal) throw new Error(refusal);
  }

  /** Before the first await: a second acknowledgement or resolution sent meanwhile fails validation. */
  claimEscalationAction(action: EscalationAction, act: EscalationActionInput): void {
    const escalation = this.state.escalation;
    if (!escalation || escalation.id !== act.escalationId) return;
    this.escalationClaim = { escalationId: escalation.id, status: escalationStatusAfter(action, this.claimedEscalationStatus(escalation)) };
  }

  /** The escalation's status once the actions already taken are recorded. */
  private claimedEscalationStatus(escalation: { id: string; status: EscalationState }): EscalationState {
    const claim = this.escalationClaim;
    if (!claim || claim.escalationId !== escalation.id) return escalation.status;
    return laterEscalationState(claim.status, escalation.status); // statuses only move forward
  }

  /** After the action's activity recorded it. */
  escalationActionRecorded(action: EscalationAction, act: EscalationActionInput): void {
    const escalation = this.state.escalation;
    if (escalation?.id === act.escalationId) escalation.status = escalationStatusAfter(action, escalation.status);
  }

  /** Whether resolving now closes the milestone without evidence (it still waits for evidence and the IMB did not keep it open). */
  resolutionCloses(action: EscalationAction, act: EscalationActionInput): boolean {
    const stillWaiting = !this.cancelled && this.evidence === null && isAwaitingEvidence(this.state.status);
    return action === 'resolve' && stillWaiting && !act.keepMilestoneOpen;
  }

  closeOnResolution(act: EscalationActionInput): void {
    this.closure = { escalationId: act.escalationId, by: act.by, reason: act.text ?? '' };
  }

  escalationActionDone(action: EscalationAction, act: EscalationActionInput): { status: MilestoneStatus } {
    this.record(`escalation_${action}d`.replace('recommendd', 'recommended'), { escalationId: act.escalationId, by: act.by });
    return { status: this.closure ? MilestoneStatus.ClosedWithoutEvidence : this.state.status };
  }

  // Continue-as-new

  /** The input of the run that carries on this one (plain JSON). */
  continuation(): MilestoneWorkflowInput {
    const { state } = this;
    return {
      ...this.input,
      dueAt: state.dueAt,
      commitmentWorkflowId: this.commitmentWorkflowId,
      resume: {
        status: state.status,
        cycle: state.cycle,
        evidenceRequestId: this.evidenceRequestId,
        remindersSent: state.remindersSent,
        lastSentAt: this.lastSentAt.toISOString(),
        cycleDueAt: state.cycleDueAt ?? null,
        resubmissionDueAt: this.resubmissionDueAt?.toISOString() ?? null,
        returns: this.returns,
        escalation: state.escalation ?? null,
        appliedReplannings: state.appliedReplannings,
        history: state.history.slice(-50),
      },
    };
  }
}
