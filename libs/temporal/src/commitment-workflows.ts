import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { MilestoneStatus, MonitoringPolicy } from '@app/domain';
import {
  AGENCY_ID_ATTRIBUTE,
  cancelMilestoneSignal,
  COMMITMENT_ID_ATTRIBUTE,
  COMMITMENT_STATUS_ATTRIBUTE,
  COMMITMENT_WORKFLOW_TYPE,
  CommitmentState,
  commitmentWorkflowId,
  CommitmentWorkflowInput,
  DUE_AT_ATTRIBUTE,
  FollowMilestoneInput,
  followMilestoneSignal,
  getCommitmentStateQuery,
  MILESTONE_STATUS_ATTRIBUTE,
  MILESTONE_WORKFLOW_TYPE,
  PLAN_ID_ATTRIBUTE,
  replanMilestoneSignal,
} from '@app/workflows';
import { TEMPORAL_CLIENT } from './temporal-client.module';
import { fromQueryError, fromSignalError, WorkflowEngineUnavailableError } from './workflow-errors';

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

/** The commitment whose workflow follows a milestone: what starting that workflow needs. */
export interface CommitmentRef {
  commitmentId: string;
  planId: string;
  leadAgencyId: string;
}

/** The milestone as its workflow needs it to start. */
export interface FollowedMilestone {
  id: string;
  startAt: Date;
  dueAt: Date;
  status: string;
  responsibleAgencyId: string;
}

const SIGNAL_FAILED = 'The workflow engine could not be told about the change';

/**
 * Talks to commitment workflows (`commitment-<id>`). Starting, replanning and cancelling a
 * milestone's workflow go through its commitment's workflow with signal-with-start (durable, in
 * order, even while no worker runs). Every call is safe to retry; errors are WorkflowErrors.
 */
@Injectable()
export class CommitmentWorkflows {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Hands the milestone to its commitment's workflow (started if need be), which starts the milestone's workflow; a repeat is a no-op. */
  async follow(commitment: CommitmentRef, milestone: FollowedMilestone, policy: MonitoringPolicy): Promise<{ commitmentWorkflowId: string }> {
    const follow: FollowMilestoneInput = {
      milestoneId: milestone.id,
      startAt: milestone.startAt.toISOString(),
      dueAt: milestone.dueAt.toISOString(),
      status: milestone.status as MilestoneStatus,
      responsibleAgencyId: milestone.responsibleAgencyId,
      policy,
    };
    return this.signal(commitment, followMilestoneSignal, follow);
  }

  /** Re-arms the milestone workflow's timers from a new due date; the replanning id makes a repeat a no-op. */
  async replan(commitment: CommitmentRef, milestoneId: string, replanningId: string, dueAt: Date, reason: string): Promise<{ commitmentWorkflowId: string }> {
    return this.signal(commitment, replanMilestoneSignal, { milestoneId, replanningId, dueAt: dueAt.toISOString(), reason });
  }

  /** Ends the milestone workflow: no more requests or reminders. */
  async cancel(commitment: CommitmentRef, milestoneId: string, reason: string): Promise<{ commitmentWorkflowId: string }> {
    return this.signal(commitment, cancelMilestoneSignal, { milestoneId, reason });
  }

  /** What the commitment's workflow follows. WorkflowNotFoundForQueryError while it never ran. */
  async state(commitmentId: string): Promise<CommitmentState> {
    try {
      return await this.client.workflow.getHandle(commitmentWorkflowId(commitmentId)).query(getCommitmentStateQuery);
    } catch (error) {
      throw fromQueryError(error, {
        notFound: 'The commitment has no workflow (yet): it starts when a milestone of an active plan is followed.',
        unavailable: 'The workflow engine could not answer',
      });
    }
  }

  /** Commitment and milestone workflows of a plan as the Temporal server lists them (by their search attributes). */
  async listForPlan(planId: string, filter: { status?: string; type?: 'commitment' | 'milestone'; running?: boolean } = {}, limit = 200): Promise<PlanWorkflowRow[]> {
    const clauses = [`${PLAN_ID_ATTRIBUTE.name} = "${planId.replace(/"/g, '')}"`];
    if (filter.status) clauses.push(`${MILESTONE_STATUS_ATTRIBUTE.name} = "${filter.status.replace(/"/g, '')}"`);
    if (filter.type) clauses.push(`WorkflowType = "${filter.type === 'commitment' ? COMMITMENT_WORKFLOW_TYPE : MILESTONE_WORKFLOW_TYPE}"`);
    if (filter.running) clauses.push(`ExecutionStatus = "Running"`);
    const rows: PlanWorkflowRow[] = [];
    try {
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
    } catch (error) {
      throw new WorkflowEngineUnavailableError(`The workflow engine could not list the workflows: ${error instanceof Error ? error.message : String(error)}`, false, { cause: error });
    }
    return rows;
  }

  /** Ids of the plan's milestones whose workflow is running (as far as Temporal's visibility knows: it lags a little behind). */
  async runningMilestones(planId: string): Promise<{ milestoneId: string; commitmentId: string | null }[]> {
    const rows = await this.listForPlan(planId, { type: 'milestone', running: true }, 10_000);
    return rows.map((row) => ({ milestoneId: row.workflowId.replace(/^milestone-/, ''), commitmentId: row.commitmentId }));
  }

  /** Signals the commitment's workflow, starting it when no run is open (a closed one is started again). */
  private async signal<T>(commitment: CommitmentRef, signal: SignalDefinition<[T]>, payload: T): Promise<{ commitmentWorkflowId: string }> {
    const workflowId = commitmentWorkflowId(commitment.commitmentId);
    const input: CommitmentWorkflowInput = { commitmentId: commitment.commitmentId, planId: commitment.planId, leadAgencyId: commitment.leadAgencyId };
    try {
      // Callers may hold a database transaction open meanwhile: give up after a bounded time.
      await this.client.withDeadline(Date.now() + this.config.temporal.signalTimeoutSeconds * 1000, () =>
        this.client.workflow.signalWithStart(COMMITMENT_WORKFLOW_TYPE, {
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
        }),
      );
    } catch (error) {
      throw fromSignalError(error, SIGNAL_FAILED);
    }
    return { commitmentWorkflowId: workflowId };
  }
}
