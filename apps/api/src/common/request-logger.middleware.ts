import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Signed links' tokens (evidence uploads, subscribers' confirm, manage and unsubscribe links) as `:token`: a logged link would work for whoever reads the log. */
export function maskTokens(path: string): string {
  return path.replace(/\/evidence-uploads\/[^/]+/i, '/evidence-uploads/:token').replace(/\/subscriptions\/(confirm|manage|unsubscribe)\/[^/]+/i, '/subscriptions/$1/:token');
}

/** One structured log line per HTTP request: method, path (no query: it may carry tokens), status, duration. */
@Injectable()
export class RequestLoggerMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const path = maskTokens(request.originalUrl.split('?')[0]);
      this.logger.log({
        msg: 'request',
        method: request.method,
        path,
        status: response.statusCode,
        durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
      });
    });
    next();
  }
}
