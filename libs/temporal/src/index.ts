export * from './temporal-client.module';
export * from './milestone-workflows';
export * from './temporal.module';
export * from './search-attributes';
