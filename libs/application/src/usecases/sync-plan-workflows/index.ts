export * from './sync-plan-workflows.command';
export * from './sync-plan-workflows.usecase';
