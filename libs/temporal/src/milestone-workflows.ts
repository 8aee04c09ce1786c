import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { MonitoringPolicy } from '@app/domain';
import {
  acknowledgeEscalationUpdate,
  AGENCY_ID_ATTRIBUTE,
  COMMITMENT_ID_ATTRIBUTE,
  DUE_AT_ATTRIBUTE,
  MILESTONE_STATUS_ATTRIBUTE,
  PLAN_ID_ATTRIBUTE,
  cancelSignal,
  EscalationActionInput,
  MilestoneUpdateResult,
  recommendEscalationUpdate,
  resolveEscalationUpdate,
  ReviewEvidenceInput,
  reviewEvidenceUpdate,
  getMilestoneStateQuery,
  MILESTONE_WORKFLOW_TYPE,
  MilestoneState,
  MilestoneWorkflowInput,
  milestoneWorkflowId,
  replanSignal,
  SubmitEvidenceInput,
  SubmitEvidenceResult,
  submitEvidenceUpdate,
} from '@app/workflows';
import { TEMPORAL_CLIENT } from './temporal-client.module';

const UPDATE_DEADLINE_MS = 15_000;

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export interface WorkflowStartResult {
  workflowId: string;
  /** False when a retried call found the workflow already running. */
  started: boolean;
}

/** Starts, updates and queries milestone workflows; every call is safe to retry. */
@Injectable()
export class MilestoneWorkflows {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(
    milestone: { id: string; startAt: Date; dueAt: Date; status: string; responsibleAgencyId: string; commitmentId: string },
    planId: string,
    policy: MonitoringPolicy,
  ): Promise<WorkflowStartResult> {
    const workflowId = milestoneWorkflowId(milestone.id);
    const input: MilestoneWorkflowInput = { milestoneId: milestone.id, startAt: milestone.startAt.toISOString(), dueAt: milestone.dueAt.toISOString(), policy };
    try {
      await this.client.workflow.start(MILESTONE_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.config.temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: PLAN_ID_ATTRIBUTE, value: planId },
          { key: COMMITMENT_ID_ATTRIBUTE, value: milestone.commitmentId },
          { key: AGENCY_ID_ATTRIBUTE, value: milestone.responsibleAgencyId },
          { key: MILESTONE_STATUS_ATTRIBUTE, value: milestone.status },
          { key: DUE_AT_ATTRIBUTE, value: milestone.dueAt },
        ],
      });
      return { workflowId, started: true };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
      throw error;
    }
  }

  /** Delivers evidence to the workflow. The update id makes a retried delivery a no-op. */
  /**
   * Delivers evidence to the workflow. The update id makes a retried delivery a no-op. An update
   * needs a running worker to be accepted, so the call gives up after UPDATE_DEADLINE_MS.
   */
  async submitEvidence(milestoneId: string, input: SubmitEvidenceInput): Promise<SubmitEvidenceResult> {
    return this.client.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () =>
      this.client.workflow.getHandle(milestoneWorkflowId(milestoneId)).executeUpdate(submitEvidenceUpdate, { args: [input], updateId: `evidence-${input.evidenceId}` }),
    );
  }

  /** Re-arms the workflow's timers from a new due date; durable even while no worker runs. */
  async replan(milestoneId: string, replanningId: string, dueAt: Date, reason: string): Promise<void> {
    await this.client.workflow.getHandle(milestoneWorkflowId(milestoneId)).signal(replanSignal, { replanningId, dueAt: dueAt.toISOString(), reason });
  }

  /** Ends the workflow: no more requests or reminders. */
  async cancel(milestoneId: string, reason: string): Promise<void> {
    await this.client.workflow.getHandle(milestoneWorkflowId(milestoneId)).signal(cancelSignal, { reason });
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

  /** Milestone workflows of a plan as the Temporal server lists them (by their search attributes). */
  async listForPlan(planId: string, filter: { status?: string } = {}, limit = 200): Promise<{ workflowId: string; status: string; milestoneStatus: string | null; dueAt: string | null; agencyId: string | null }[]> {
    const clauses = [`${PLAN_ID_ATTRIBUTE.name} = "${planId.replace(/"/g, '')}"`];
    if (filter.status) clauses.push(`${MILESTONE_STATUS_ATTRIBUTE.name} = "${filter.status.replace(/"/g, '')}"`);
    const rows: { workflowId: string; status: string; milestoneStatus: string | null; dueAt: string | null; agencyId: string | null }[] = [];
    for await (const execution of this.client.workflow.list({ query: clauses.join(' AND ') })) {
      rows.push({
        workflowId: execution.workflowId,
        status: execution.status.name,
        milestoneStatus: execution.typedSearchAttributes.get(MILESTONE_STATUS_ATTRIBUTE) ?? null,
        dueAt: execution.typedSearchAttributes.get(DUE_AT_ATTRIBUTE)?.toISOString() ?? null,
        agencyId: execution.typedSearchAttributes.get(AGENCY_ID_ATTRIBUTE) ?? null,
      });
      if (rows.length >= limit) break;
    }
    return rows;
  }

  async state(milestoneId: string): Promise<MilestoneState> {
    return this.client.workflow.getHandle(milestoneWorkflowId(milestoneId)).query(getMilestoneStateQuery);
  }
}
