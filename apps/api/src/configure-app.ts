import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { getStorageToken } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig, bodyIdleTimeoutMs } from '@app/config';
import { spendBudget } from './common/rate-limit';
import { FixedWindowRateLimitStorage } from './common/rate-limit-storage';
import { RejectNulPipe } from './common/reject-nul.pipe';
import { securityHeaders } from './common/security-headers';
import { cutOffStalledBodies } from './common/stalled-body';
import { validationPipe } from './common/validation';
import { cachedPageLookup } from './public-pages/public-pages.controller';
import { PublicPagesService } from './public-pages/public-pages.service';
import { openDataLookup, publicFastPath } from './public/public-fast-path';
import { setPublicCors } from './public/public-read.interceptor';
import { PublicReadCache } from './public/public-read-cache';

/** Everything main.ts does to the application besides listening; tests call it too. */
export function configureApp(app: INestApplication): INestApplication {
  const express = app as NestExpressApplication;
  const config = app.get<AppConfig>(APP_CONFIG);
  express.disable('x-powered-by');
  // Behind a reverse proxy, the client's address (rate limits, logs) comes from X-Forwarded-For only when TRUST_PROXY says whose to believe.
  express.set('trust proxy', config.trustProxy ?? false);
  // First of all middleware: every response, errors and the API explorer included, carries the security headers.
  express.use(securityHeaders());
  // Open data reads carry CORS on every answer, refusals included (a 429 from the rate limit comes
  // before the interceptor that also sets it), so a script on another site can read why.
  express.use('/public', (request: Request, response: Response, next: NextFunction) => {
    if (request.method === 'GET' || request.method === 'HEAD') setPublicCors(response);
    next();
  });
  // Right after them: cached public reads (plan JSON and open data, the /p/ pages) answered from the
  // cache when fresh, spending the public rate limit; everything else goes on to Nest (public-fast-path.ts).
  const storage = app.get(getStorageToken(), { strict: false });
  if (!(storage instanceof FixedWindowRateLimitStorage)) throw new Error('The rate limit storage is not the FixedWindowRateLimitStorage the fast path counts in');
  express.use(
    publicFastPath([openDataLookup(app.get(PublicReadCache, { strict: false })), cachedPageLookup(app.get(PublicPagesService, { strict: false }))], (request) =>
      spendBudget(storage, config, 'public', request),
    ),
  );
  // Before any body is read (the parsers below, multer on the upload routes): a body that stalls is cut off with a 408.
  express.use(cutOffStalledBodies(bodyIdleTimeoutMs(config)));
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
  documentRateLimits(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

/**
 * Every rate-limited route (common/rate-limit.ts: public routes but /health) documents its 429 with
 * Retry-After, whichever controller declares it.
 */
function documentRateLimits(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const operation = item[method];
      const roles = (operation as { 'x-roles'?: string[] } | undefined)?.['x-roles'];
      if (!operation || !roles?.includes('public') || /^\/health(\/|$)/.test(path)) continue;
      operation.responses['429'] = {
        description: 'Too many requests from this client (a per-client limit per minute); Retry-After says in how many seconds to try again',
        headers: { 'Retry-After': { description: 'Seconds until the client may try again', schema: { type: 'integer' } } },
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      };
    }
  }
}
