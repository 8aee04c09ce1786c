import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { jsonLogger, loadConfig } from '@app/config';
import { AppModule } from './app.module';
import { configureApp } from './configure-app';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.create(AppModule, { logger: jsonLogger('api', config.logLevel), bodyParser: true });
  configureApp(app);
  await app.listen(config.port);
}

bootstrap().catch((error) => {
  console.error(JSON.stringify({ level: 'fatal', context: 'api', message: 'API failed to start', error: String(error?.stack ?? error) }));
  process.exit(1);
});
