// Entry point of the workflow bundle (the worker's workflowsPath): workflow functions only.
export { actionItemWorkflow } from './check-in/action-item.workflow';
export { checkInWorkflow } from './check-in/check-in.workflow';
export { dialogueBoardRunWorkflow } from './check-in/dialogue-board-run.workflow';
export { digestRunWorkflow } from './digest/digest-run.workflow';
export { digestWorkflow } from './digest/digest.workflow';
export { commitmentWorkflow } from './commitment/commitment.workflow';
export { housekeepingWorkflow } from './housekeeping/housekeeping.workflow';
export { milestoneWorkflow } from './milestone/milestone.workflow';
