export * from './evidence-storage';
export * from './local-disk-evidence-storage';
export * from './storage.module';
