import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { SignalDefinition, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  cancelDigestSignal,
  DIGEST_WORKFLOW_TYPE,
  DigestProgress,
  DigestWorkflowInput,
  digestWorkflowId,
  getDigestProgressQuery,
  pauseDigestSignal,
  resumeDigestSignal,
} from '@app/workflows';
import { TEMPORAL_CLIENT } from './temporal-client.module';
import { fromSignalError, reasonOf, WorkflowEndedError, WorkflowEngineUnavailableError } from './workflow-errors';

const SIGNAL_FAILED = 'The workflow engine could not be told about the digest';

/**
 * Talks to the digest of one plan and month (`digest-<planId>-<month>`): start it (the schedule's
 * run does it too; a repeat is a no-op), pause, resume, cancel, read its progress. Errors are
 * WorkflowErrors; a signal to a digest that has ended is WorkflowEndedError (409).
 */
@Injectable()
export class DigestWorkflows {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts the month's digest; false when it was already started (running or done). */
  async start(input: DigestWorkflowInput): Promise<boolean> {
    try {
      await this.client.withDeadline(Date.now() + this.config.temporal.signalTimeoutSeconds * 1000, () =>
        this.client.workflow.start(DIGEST_WORKFLOW_TYPE, {
          workflowId: digestWorkflowId(input.planId, input.month),
          taskQueue: this.config.temporal.taskQueue,
          args: [input],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw new WorkflowEngineUnavailableError(`The workflow engine could not start the digest (${reasonOf(error)})`, true, { cause: error });
    }
  }

  pause(planId: string, month: string): Promise<void> {
    return this.signal(planId, month, pauseDigestSignal);
  }

  resume(planId: string, month: string): Promise<void> {
    return this.signal(planId, month, resumeDigestSignal);
  }

  cancel(planId: string, month: string): Promise<void> {
    return this.signal(planId, month, cancelDigestSignal);
  }

  /** The running send's progress; null when no run is open (digest_send has the last counts). */
  async progress(planId: string, month: string): Promise<DigestProgress | null> {
    try {
      const handle = this.client.workflow.getHandle(digestWorkflowId(planId, month));
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') return null;
      return await handle.query(getDigestProgressQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw new WorkflowEngineUnavailableError(`The workflow engine could not read the digest (${reasonOf(error)})`, false, { cause: error });
    }
  }

  private async signal(planId: string, month: string, signal: SignalDefinition<[]>): Promise<void> {
    try {
      await this.client.withDeadline(Date.now() + this.config.temporal.signalTimeoutSeconds * 1000, () => this.client.workflow.getHandle(digestWorkflowId(planId, month)).signal(signal));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new WorkflowEndedError(`The digest of ${month} is not running.`, { cause: error });
      throw fromSignalError(error, SIGNAL_FAILED);
    }
  }
}
