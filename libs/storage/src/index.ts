export * from './evidence-storage';
export * from './local-disk-evidence-storage';
export * from './orphan-sweep';
export * from './storage.module';
