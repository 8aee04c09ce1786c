import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild, WorkflowIdReusePolicy, workflowInfo } from '@temporalio/workflow';
import { digestWorkflow } from './digest.workflow';
import { DigestActivities, DigestRunInput, digestWorkflowId } from './digest.messages';

const activities = proxyActivities<DigestActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The schedule's time of this run: TemporalScheduledStartTime, else the run's start (as dialogueBoardRunWorkflow reads it). */
function scheduledAtOf(input: DigestRunInput): string {
  if (input.scheduledAt) return input.scheduledAt;
  const info = workflowInfo();
  const fromAttribute = (info.searchAttributes?.TemporalScheduledStartTime as unknown[] | undefined)?.[0];
  if (fromAttribute instanceof Date || typeof fromAttribute === 'string') {
    const at = new Date(fromAttribute);
    if (!Number.isNaN(at.getTime())) return at.toISOString();
  }
  return info.startTime.toISOString();
}

/**
 * One firing of a plan's digest schedule (`digest-<planId>`): works out the month it reports (in an
 * activity: the zone's rules are not workflow code) and starts `digest-<planId>-<month>`, which
 * outlives it (abandoned). A second firing for the same month finds it started and ends.
 */
export async function digestRunWorkflow(input: DigestRunInput): Promise<{ month: string | null; started: boolean }> {
  const found = await activities.digestMonthOf({ planId: input.planId, scheduledAt: scheduledAtOf(input) });
  if (!found) return { month: null, started: false };
  try {
    await startChild(digestWorkflow, {
      workflowId: digestWorkflowId(input.planId, found.month),
      args: [{ planId: input.planId, month: found.month }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return { month: found.month, started: true };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return { month: found.month, started: false };
  }
}
