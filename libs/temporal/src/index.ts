export * from './temporal-client.module';
export * from './workflow-errors';
export * from './commitment-workflows';
export * from './milestone-workflows';
export * from './schedules';
export * from './temporal.module';
export * from './search-attributes';
