export * from './entities';
export * from './migrations';
export * from './data-source-options';
export * from './persistence.module';
export * from './audit-trail';
export * from './repositories';
