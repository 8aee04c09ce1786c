export * from './reconcile-workflows.command';
export * from './reconcile-workflows.usecase';
