/**
 * A workflow for tests only: runs the evidence-request email activity with the milestone workflow's
 * options for email activities, except a heartbeat timeout the test chooses (the real one is 15 s),
 * so a test can run an SMTP send slower than the heartbeat timeout in a few seconds.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { MilestoneActivities } from '../../workflows/src/messages';

export async function sendEvidenceRequestEmailWorkflow(input: { evidenceRequestId: string; heartbeatTimeoutSeconds: number }): Promise<string> {
  const mail = proxyActivities<MilestoneActivities>({
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds} seconds`,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });
  return mail.sendEvidenceRequestEmail({ evidenceRequestId: input.evidenceRequestId, reminderNumber: 0 });
}
