import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { SignalDefinition, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ACTION_ITEM_WORKFLOW_TYPE,
  actionItemClosedSignal,
  ActionItemWorkflowInput,
  actionItemWorkflowId,
  checkInCancelledSignal,
  checkInChangedSignal,
  checkInClosedSignal,
  checkInWorkflowId,
} from '@app/workflows';
import { TEMPORAL_CLIENT } from './temporal-client.module';
import { fromSignalError, WorkflowEngineUnavailableError, reasonOf } from './workflow-errors';

const SIGNAL_FAILED = 'The workflow engine could not be told about the check-in';

/**
 * Talks to check-in workflows (`check-in-<id>`, started by the plan's schedule runs) and action item
 * workflows (`action-item-<id>`). The database is the truth: a signal only tells the workflow to read
 * it again, so a signal to a workflow that has ended (or not started yet: it reads the row when it
 * does) is not an error. Every call is safe to retry; errors are WorkflowErrors.
 */
@Injectable()
export class CheckInWorkflows {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The date or place changed (after the API raised `sequence`): invitations already sent get an update. */
  async changed(checkInId: string): Promise<void> {
    await this.signal(checkInWorkflowId(checkInId), checkInChangedSignal);
  }

  /** Cancelled (status in the row): invitations already sent get a METHOD:CANCEL; the workflow ends. */
  async cancelled(checkInId: string): Promise<void> {
    await this.signal(checkInWorkflowId(checkInId), checkInCancelledSignal);
  }

  /** Closed with minutes: no close reminder; the workflow ends. */
  async closed(checkInId: string): Promise<void> {
    await this.signal(checkInWorkflowId(checkInId), checkInClosedSignal);
  }

  /** Starts `action-item-<id>` (one reminder to its owner before the due date); a repeat is a no-op. */
  async followActionItem(actionItemId: string): Promise<void> {
    const input: ActionItemWorkflowInput = { actionItemId };
    try {
      await this.client.withDeadline(Date.now() + this.config.temporal.signalTimeoutSeconds * 1000, () =>
        this.client.workflow.start(ACTION_ITEM_WORKFLOW_TYPE, {
          workflowId: actionItemWorkflowId(actionItemId),
          taskQueue: this.config.temporal.taskQueue,
          args: [input],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        }),
      );
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      throw new WorkflowEngineUnavailableError(`The workflow engine could not start following the action item (${reasonOf(error)})`, true, { cause: error });
    }
  }

  /** The action item was closed: its workflow ends. */
  async actionItemClosed(actionItemId: string): Promise<void> {
    await this.signal(actionItemWorkflowId(actionItemId), actionItemClosedSignal);
  }

  private async signal(workflowId: string, signal: SignalDefinition<[]>): Promise<void> {
    try {
      await this.client.withDeadline(Date.now() + this.config.temporal.signalTimeoutSeconds * 1000, () => this.client.workflow.getHandle(workflowId).signal(signal));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return;
      throw fromSignalError(error, SIGNAL_FAILED);
    }
  }
}
