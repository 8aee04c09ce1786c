export * from './deliver-pending-evidence.command';
export * from './deliver-pending-evidence.usecase';
