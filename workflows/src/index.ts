// Entry point of the workflow bundle (the worker's workflowsPath): workflow functions only.
export { milestoneWorkflow } from './milestone/milestone.workflow';
