import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { MilestoneStatus, MonitoringPolicy } from '@app/domain';
import {
  acknowledgeEscalationUpdate,
  AGENCY_ID_ATTRIBUTE,
  cancelMilestoneSignal,
  COMMITMENT_ID_ATTRIBUTE,
  COMMITMENT_STATUS_ATTRIBUTE,
  COMMITMENT_WORKFLOW_TYPE,
  CommitmentState,
  commitmentWorkflowId,
  CommitmentWorkflowInput,
  DUE_AT_ATTRIBUTE,
  EscalationActionInput,
  FollowMilestoneInput,
  followMilestoneSignal,
  getCommitmentStateQuery,
  getMilestoneStateQuery,
  MILESTONE_STATUS_ATTRIBUTE,
  MILESTONE_WORKFLOW_TYPE,
  MilestoneState,
  MilestoneUpdateResult,
  milestoneWorkflowId,
  PLAN_ID_ATTRIBUTE,
  recommendEscalationUpdate,
  replanMilestoneSignal,
  resolveEscalationUpdate,
  ReviewEvidenceInput,
  reviewEvidenceUpdate,
  SubmitEvidenceInput,
  SubmitEvidenceResult,
  submitEvidenceUpdate,
} from '@app/workflows';
import { TEMPORAL_CLIENT } from './temporal-client.module';

const UPDATE_DEADLINE_MS = 15_000;

export interface PlanWorkflowRow {
  workflowId: string;
  type: 'commitment' | 'milestone';
  /** Temporal's execution status: RUNNING, COMPLETED, CONTINUED_AS_NEW, … */
  status: string;
  commitmentId: string | null;
  milestoneStatus: string | null;
  commitmentStatus: string | null;
  /** A milestone's due date; a commitment's earliest open due date. */
  dueAt: string | null;
  agencyId: string | null;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The commitment whose workflow follows a milestone: what starting that workflow needs. */
export interface CommitmentRef {
  commitmentId: string;
  planId: string;
  leadAgencyId: string;
}

/**
 * Talks to milestone workflows. Starting, replanning and cancelling go through the commitment's
 * workflow with signal-with-start (durable, in order, even while no worker runs); evidence, reviews
 * and the IMB's actions are Updates sent to the milestone workflow itself. Every call is safe to retry.
 */
@Injectable()
export class MilestoneWorkflows {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Hands the milestone to its commitment's workflow (started if need be), which starts the milestone's workflow. */
  async follow(
    commitment: CommitmentRef,
    milestone: { id: string; startAt: Date; dueAt: Date; status: string; responsibleAgencyId: string },
    policy: MonitoringPolicy,
  ): Promise<{ commitmentWorkflowId: string }> {
    const follow: FollowMilestoneInput = {
      milestoneId: milestone.id,
      startAt: milestone.startAt.toISOString(),
      dueAt: milestone.dueAt.toISOString(),
      status: milestone.status as MilestoneStatus,
      responsibleAgencyId: milestone.responsibleAgencyId,
      policy,
    };
    return this.signalCommitment(commitment, followMilestoneSignal, follow);
  }

  /** Re-arms the milestone workflow's timers from a new due date; the replanning id makes a repeat a no-op. */
  async replan(commitment: CommitmentRef, milestoneId: string, replanningId: string, dueAt: Date, reason: string): Promise<{ commitmentWorkflowId: string }> {
    return this.signalCommitment(commitment, replanMilestoneSignal, { milestoneId, replanningId, dueAt: dueAt.toISOString(), reason });
  }

  /** Ends the milestone workflow: no more requests or reminders. */
  async cancel(commitment: CommitmentRef, milestoneId: string, reason: string): Promise<{ commitmentWorkflowId: string }> {
    return this.signalCommitment(commitment, cancelMilestoneSignal, { milestoneId, reason });
  }

  /** Signals the commitment's workflow, starting it when no run is open (a closed one is started again). */
  private async signalCommitment<T>(commitment: CommitmentRef, signal: SignalDefinition<[T]>, payload: T): Promise<{ commitmentWorkflowId: string }> {
    const workflowId = commitmentWorkflowId(commitment.commitmentId);
    const input: CommitmentWorkflowInput = { commitmentId: commitment.commitmentId, planId: commitment.planId, leadAgencyId: commitment.leadAgencyId };
    // Callers hold a database transaction open meanwhile: give up after a bounded time.
    await this.client.withDeadline(Date.now() + this.config.temporal.signalTimeoutSeconds * 1000, () => this.client.workflow.signalWithStart(COMMITMENT_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: this.config.temporal.taskQueue,
      args: [input],
      signal,
      signalArgs: [payload],
      typedSearchAttributes: [
        { key: PLAN_ID_ATTRIBUTE, value: commitment.planId },
        { key: COMMITMENT_ID_ATTRIBUTE, value: commitment.commitmentId },
        { key: AGENCY_ID_ATTRIBUTE, value: commitment.leadAgencyId },
        { key: COMMITMENT_STATUS_ATTRIBUTE, value: 'active' },
      ],
    }));
    return { commitmentWorkflowId: workflowId };
  }

  /**
   * Delivers evidence to the workflow. The update id makes a retried delivery a no-op. An update
   * needs a running worker to be accepted, so the call gives up after UPDATE_DEADLINE_MS.
   */
  async submitEvidence(milestoneId: string, input: SubmitEvidenceInput): Promise<SubmitEvidenceResult> {
    return this.client.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () =>
      this.client.workflow.getHandle(milestoneWorkflowId(milestoneId)).executeUpdate(submitEvidenceUpdate, { args: [input], updateId: `evidence-${input.evidenceId}` }),
    );
  }

  /** The follow-up committee's decision on the evidence under review; once per evidence. */
  async reviewEvidence(milestoneId: string, input: ReviewEvidenceInput): Promise<MilestoneUpdateResult> {
    return this.client.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () =>
      this.client.workflow
        .getHandle(milestoneWorkflowId(milestoneId))
        // The id names the decision: a retried call gets the same answer, a different decision is validated (and refused).
        .executeUpdate(reviewEvidenceUpdate, { args: [input], updateId: `review-${input.evidenceId}-${input.decision}-${input.completion ?? ''}-${hash(input.comments ?? '')}` }),
    );
  }

  /** The IMB acts on the milestone's open escalation. */
  async escalationAction(milestoneId: string, action: 'acknowledge' | 'recommend' | 'resolve', input: EscalationActionInput): Promise<MilestoneUpdateResult> {
    const update = { acknowledge: acknowledgeEscalationUpdate, recommend: recommendEscalationUpdate, resolve: resolveEscalationUpdate }[action];
    return this.client.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () => this.client.workflow.getHandle(milestoneWorkflowId(milestoneId)).executeUpdate(update, { args: [input] }));
  }

  /** Commitment and milestone workflows of a plan as the Temporal server lists them (by their search attributes). */
  async listForPlan(planId: string, filter: { status?: string; type?: 'commitment' | 'milestone' } = {}, limit = 200): Promise<PlanWorkflowRow[]> {
    const clauses = [`${PLAN_ID_ATTRIBUTE.name} = "${planId.replace(/"/g, '')}"`];
    if (filter.status) clauses.push(`${MILESTONE_STATUS_ATTRIBUTE.name} = "${filter.status.replace(/"/g, '')}"`);
    if (filter.type) clauses.push(`WorkflowType = "${filter.type === 'commitment' ? COMMITMENT_WORKFLOW_TYPE : MILESTONE_WORKFLOW_TYPE}"`);
    const rows: PlanWorkflowRow[] = [];
    for await (const execution of this.client.workflow.list({ query: clauses.join(' AND ') })) {
      const attributes = execution.typedSearchAttributes;
      const isCommitment = execution.type === COMMITMENT_WORKFLOW_TYPE;
      rows.push({
        workflowId: execution.workflowId,
        type: isCommitment ? 'commitment' : 'milestone',
        status: execution.status.name,
        commitmentId: attributes.get(COMMITMENT_ID_ATTRIBUTE) ?? null,
        milestoneStatus: isCommitment ? null : (attributes.get(MILESTONE_STATUS_ATTRIBUTE) ?? null),
        commitmentStatus: isCommitment ? (attributes.get(COMMITMENT_STATUS_ATTRIBUTE) ?? null) : null,
        dueAt: attributes.get(DUE_AT_ATTRIBUTE)?.toISOString() ?? null,
        agencyId: attributes.get(AGENCY_ID_ATTRIBUTE) ?? null,
      });
      if (rows.length >= limit) break;
    }
    return rows;
  }

  /** What the commitment's workflow follows; throws WorkflowNotFoundError when it never ran. */
  async commitmentState(commitmentId: string): Promise<CommitmentState> {
    return this.client.workflow.getHandle(commitmentWorkflowId(commitmentId)).query(getCommitmentStateQuery);
  }

  async state(milestoneId: string): Promise<MilestoneState> {
    return this.client.workflow.getHandle(milestoneWorkflowId(milestoneId)).query(getMilestoneStateQuery);
  }
}
