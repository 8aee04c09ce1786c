import 'reflect-metadata';
import { jsonLogger, loadConfig } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { installTemporalRuntime } from './temporal/temporal-runtime';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  installTemporalRuntime(config.logLevel);
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: jsonLogger('worker', config.logLevel) });
  // SIGTERM/SIGINT run onApplicationShutdown: the worker drains, then connections close.
  app.enableShutdownHooks();
}

bootstrap().catch((error) => {
  console.error(JSON.stringify({ level: 'fatal', context: 'worker', message: 'worker failed to start', error: String(error?.stack ?? error) }));
  process.exit(1);
});
