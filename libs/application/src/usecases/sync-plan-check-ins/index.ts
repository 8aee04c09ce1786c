export * from './sync-plan-check-ins.command';
export * from './sync-plan-check-ins.usecase';
