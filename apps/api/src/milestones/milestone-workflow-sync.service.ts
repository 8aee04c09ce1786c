// MilestoneWorkflowSync lives in @app/application: the worker's housekeeping reconciles workflows with it too.
export { MilestoneWorkflowSync } from '@app/application';
