export * from './deliver-evidence.command';
export * from './deliver-evidence.usecase';
