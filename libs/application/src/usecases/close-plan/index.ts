export * from './close-plan.command';
export * from './close-plan.usecase';
