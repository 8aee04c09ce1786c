export * from './activate-plan.command';
export * from './activate-plan.usecase';
