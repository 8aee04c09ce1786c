import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { dataSourceOptions } from './data-source-options';
import { ENTITIES } from './entities';
import { REPOSITORIES } from './repositories';

/** The TypeORM connection, a repository for every entity, and our repositories over them (REPOSITORIES). */
@Module({})
export class PersistenceModule {
  /**
   * `applyMigrations`: the API applies pending migrations at start (when RUN_MIGRATIONS is not
   * false); the worker never does, so two processes never race on the schema.
   */
  static forRoot(options: { applyMigrations: boolean }): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            dataSourceOptions(config.databaseUrl, { migrationsRun: options.applyMigrations && config.runMigrations }),
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      providers: [...REPOSITORIES],
      exports: [TypeOrmModule, ...REPOSITORIES],
    };
  }
}
