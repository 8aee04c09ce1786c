import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  acknowledgeEscalationUpdate,
  EscalationActionInput,
  getMilestoneStateQuery,
  MilestoneState,
  MilestoneUpdateResult,
  milestoneWorkflowId,
  recommendEscalationUpdate,
  resolveEscalationUpdate,
  ReviewEvidenceInput,
  reviewEvidenceUpdate,
  SubmitEvidenceInput,
  SubmitEvidenceResult,
  submitEvidenceUpdate,
} from '@app/workflows';
import { TEMPORAL_CLIENT } from './temporal-client.module';
import { fromQueryError, fromUpdateError } from './workflow-errors';

export type EscalationAction = 'acknowledge' | 'recommend' | 'resolve';

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The id of the evidence's delivery: a retried delivery (the API's, or housekeeping's) is the same Update. */
export function evidenceUpdateId(evidenceId: string): string {
  return `evidence-${evidenceId}`;
}

/** The id names the decision: a retried call gets the same answer, a different decision is validated (and refused). */
export function reviewUpdateId(input: ReviewEvidenceInput): string {
  return `review-${input.evidenceId}-${input.decision}-${input.completion ?? ''}-${hash(input.comments ?? '')}`;
}

/** The id names the IMB's act and its content (not who sent it): a retried request gets the first answer. */
export function escalationUpdateId(action: EscalationAction, input: EscalationActionInput): string {
  return `escalation-${input.escalationId}-${action}-${hash(JSON.stringify([input.text ?? null, input.keepMilestoneOpen ?? null]))}`;
}

const ENDED = "The milestone's workflow has ended (the milestone is completed, cancelled or its plan closed): there is nothing to decide.";

/**
 * Talks to milestone workflows (`milestone-<id>`): evidence, the committee's review and the IMB's
 * acts are Updates with stable ids (a retry is the same Update, answered once), and the state query.
 * An Update needs a running worker to be accepted, so each call waits at most
 * TEMPORAL_UPDATE_TIMEOUT_SECONDS. Errors are WorkflowErrors.
 */
@Injectable()
export class MilestoneWorkflows {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Delivers evidence. WorkflowRefusedError: the milestone does not take it; WorkflowEndedError: its
   * workflow is not running; WorkflowEngineUnavailableError with outcomeUnknown: it may still be taken.
   */
  async submitEvidence(milestoneId: string, input: SubmitEvidenceInput): Promise<SubmitEvidenceResult> {
    return this.update(milestoneId, submitEvidenceUpdate, input, evidenceUpdateId(input.evidenceId), {
      refused: (reason) => `The milestone did not accept this evidence: ${reason}`,
      ended: "The milestone did not accept this evidence: its workflow is not running (it has ended, or has not started yet).",
      unavailable: 'The evidence could not be delivered to the workflow engine in time.',
    });
  }

  /** The follow-up committee's decision on the evidence under review; once per evidence. */
  async reviewEvidence(milestoneId: string, input: ReviewEvidenceInput): Promise<MilestoneUpdateResult> {
    return this.update(milestoneId, reviewEvidenceUpdate, input, reviewUpdateId(input), {
      refused: (reason) => reason,
      ended: ENDED,
      unavailable: 'The workflow engine did not take the decision; nothing was recorded. Try again.',
    });
  }

  /** The IMB acts on the milestone's open escalation; the same act sent again gets the same answer. */
  async escalationAction(milestoneId: string, action: EscalationAction, input: EscalationActionInput): Promise<MilestoneUpdateResult> {
    const update = { acknowledge: acknowledgeEscalationUpdate, recommend: recommendEscalationUpdate, resolve: resolveEscalationUpdate }[action];
    return this.update(milestoneId, update, input, escalationUpdateId(action, input), {
      refused: (reason) => reason,
      ended: ENDED,
      unavailable: 'The workflow engine did not take the decision; nothing was recorded. Try again.',
    });
  }

  /** The workflow's own view. WorkflowNotFoundForQueryError while it does not exist. */
  async state(milestoneId: string): Promise<MilestoneState> {
    try {
      return await this.client.workflow.getHandle(milestoneWorkflowId(milestoneId)).query(getMilestoneStateQuery);
    } catch (error) {
      throw fromQueryError(error, { notFound: 'The milestone has no workflow (yet).', unavailable: 'The workflow engine could not answer' });
    }
  }

  private async update<I, R>(milestoneId: string, update: UpdateDefinition<R, [I]>, input: I, updateId: string, texts: Parameters<typeof fromUpdateError>[1]): Promise<R> {
    try {
      return await this.client.withDeadline(Date.now() + (this.config.temporal.updateTimeoutSeconds ?? 15) * 1000, () =>
        this.client.workflow.getHandle(milestoneWorkflowId(milestoneId)).executeUpdate(update, { args: [input], updateId }),
      );
    } catch (error) {
      throw fromUpdateError(error, texts);
    }
  }
}
