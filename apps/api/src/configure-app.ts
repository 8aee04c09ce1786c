import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { RejectNulPipe } from './common/reject-nul.pipe';
import { validationPipe } from './common/validation';

/** Everything main.ts does to the application besides listening; tests call it too. */
export function configureApp(app: INestApplication): INestApplication {
  app.useGlobalPipes(new RejectNulPipe(), validationPipe());
  // CSV imports arrive as text; JSON bodies keep the default parser (100 kB would be too small for a plan document).
  (app as NestExpressApplication).useBodyParser('text', { type: 'text/csv', limit: '2mb' });
  (app as NestExpressApplication).useBodyParser('json', { limit: '2mb' });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('OGP Local Monitor API')
      .setDescription(
        'Follow-up of OGP Local action plans: plans, commitments and milestones, evidence requested from implementing agencies, and the workflows that chase it. Errors are RFC 7807 problem+json.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
