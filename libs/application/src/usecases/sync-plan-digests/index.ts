export * from './sync-plan-digests.command';
export * from './sync-plan-digests.usecase';
