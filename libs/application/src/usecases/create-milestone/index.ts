export * from './create-milestone.command';
export * from './create-milestone.usecase';
export * from './new-milestone';
