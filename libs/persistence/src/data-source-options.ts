import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** Connection options shared by the API, the worker, the migration script and the tests. */
export function dataSourceOptions(databaseUrl: string, overrides: { migrationsRun?: boolean } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: overrides.migrationsRun ?? false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: 10 },
  };
}
