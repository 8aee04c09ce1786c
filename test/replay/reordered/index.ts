/**
 * A deliberately broken milestone workflow for the replay test: it schedules the same activities as
 * the real one but asks for the evidence request before marking the milestone open. Replaying a
 * recorded history against it must fail, which proves the replay test catches reordered commands.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { MilestoneActivities, MilestoneWorkflowInput } from '../../../workflows/src/messages';

const activities = proxyActivities<MilestoneActivities>({ startToCloseTimeout: '1 minute' });

export async function milestoneWorkflow(input: MilestoneWorkflowInput): Promise<void> {
  await activities.openEvidenceRequest({ milestoneId: input.milestoneId, cycle: 1 });
  await activities.setMilestoneStatus({ milestoneId: input.milestoneId, status: 'open' as never });
}
