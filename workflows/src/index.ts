// Entry point of the workflow bundle (the worker's workflowsPath): workflow functions only.
export { commitmentWorkflow } from './commitment/commitment.workflow';
export { housekeepingWorkflow } from './housekeeping/housekeeping.workflow';
export { milestoneWorkflow } from './milestone/milestone.workflow';
