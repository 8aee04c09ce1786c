import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { MonitoringPolicy } from '@app/domain';
import {
  cancelUpdate,
  getMilestoneStateQuery,
  MILESTONE_WORKFLOW_TYPE,
  MilestoneState,
  MilestoneWorkflowInput,
  milestoneWorkflowId,
  MilestoneUpdateResult,
  replanUpdate,
  SubmitEvidenceInput,
  SubmitEvidenceResult,
  submitEvidenceUpdate,
} from '@app/workflows';
import { TEMPORAL_CLIENT } from './temporal-client.module';

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

  async start(milestone: { id: string; startAt: Date; dueAt: Date }, policy: MonitoringPolicy): Promise<WorkflowStartResult> {
    const workflowId = milestoneWorkflowId(milestone.id);
    const input: MilestoneWorkflowInput = { milestoneId: milestone.id, startAt: milestone.startAt.toISOString(), dueAt: milestone.dueAt.toISOString(), policy };
    try {
      await this.client.workflow.start(MILESTONE_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.config.temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return { workflowId, started: true };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
      throw error;
    }
  }

  /** Delivers evidence to the workflow. The update id makes a retried delivery a no-op. */
  async submitEvidence(milestoneId: string, input: SubmitEvidenceInput): Promise<SubmitEvidenceResult> {
    return this.client.workflow
      .getHandle(milestoneWorkflowId(milestoneId))
      .executeUpdate(submitEvidenceUpdate, { args: [input], updateId: `evidence-${input.evidenceId}` });
  }

  /**
   * Re-arms the workflow's timers from a new due date. The update id is derived from the
   * replanning record, so a retried call applies it once.
   */
  async replan(milestoneId: string, replanningId: string, dueAt: Date, reason: string): Promise<MilestoneUpdateResult> {
    return this.client.workflow
      .getHandle(milestoneWorkflowId(milestoneId))
      .executeUpdate(replanUpdate, { args: [{ dueAt: dueAt.toISOString(), reason }], updateId: `replan-${replanningId}` });
  }

  /** Ends the workflow: no more requests or reminders. */
  async cancel(milestoneId: string, reason: string): Promise<MilestoneUpdateResult> {
    return this.client.workflow.getHandle(milestoneWorkflowId(milestoneId)).executeUpdate(cancelUpdate, { args: [{ reason }], updateId: `cancel-${milestoneId}` });
  }

  async state(milestoneId: string): Promise<MilestoneState> {
    return this.client.workflow.getHandle(milestoneWorkflowId(milestoneId)).query(getMilestoneStateQuery);
  }
}
