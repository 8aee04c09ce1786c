export * from './application.module';
export * from './base-command';
export * from './errors';
export * from './milestone-workflow-sync.service';
export * from './plan-calendar-schedule-sync';
export * from './plan-status';
export * from './usecases';
