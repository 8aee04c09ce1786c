import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild, WorkflowIdReusePolicy, workflowInfo } from '@temporalio/workflow';
import { checkInWorkflow } from './check-in.workflow';
import { CheckInActivities, checkInWorkflowId, DialogueBoardRunInput, DialogueBoardRunResult } from './check-in.messages';

const activities = proxyActivities<CheckInActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The time this run stands for: given (a test, a repeat), else the schedule's
 * TemporalScheduledStartTime (the occurrence, or the time of a trigger), else the time Temporal
 * appended to the run's id (`dialogue-board-<plan>-2026-03-03T21:00:00Z`), else the run's start.
 * All of them are in the run's first event, so a replay reads the same.
 */
function scheduledAtOf(input: DialogueBoardRunInput): string {
  if (input.scheduledAt) return input.scheduledAt;
  const info = workflowInfo();
  const fromAttribute = (info.searchAttributes?.TemporalScheduledStartTime as unknown[] | undefined)?.[0];
  if (fromAttribute instanceof Date || typeof fromAttribute === 'string') {
    const at = new Date(fromAttribute);
    if (!Number.isNaN(at.getTime())) return at.toISOString();
  }
  const fromId = /-(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/.exec(info.workflowId)?.[1];
  if (fromId) return new Date(fromId).toISOString();
  return info.startTime.toISOString();
}

/**
 * One run of a plan's Dialogue Board schedule (`dialogue-board-<plan>`): prepares the NEXT meeting,
 * the first calendar occurrence after the run's scheduled time, whose invitations go out a lead
 * time before it, and hands it to its own workflow (`check-in-<id>`), which outlives this run.
 * Short, so the schedule's overlap policy (SKIP) never skips a meeting. A run repeated for the same
 * time finds the check-in its predecessor prepared and the workflow already started.
 */
export async function dialogueBoardRunWorkflow(input: DialogueBoardRunInput): Promise<DialogueBoardRunResult> {
  const prepared = await activities.prepareCheckIn({ planId: input.planId, scheduledAt: scheduledAtOf(input) });
  if (!prepared.checkInId) return prepared;
  try {
    await startChild(checkInWorkflow, {
      workflowId: checkInWorkflowId(prepared.checkInId),
      args: [{ checkInId: prepared.checkInId }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return prepared;
}
