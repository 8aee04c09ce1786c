import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Signed links' tokens (evidence uploads, subscribers' confirm, manage and unsubscribe links) as `:token`: a logged link would work for whoever reads the log. */
export function maskTokens(path: string): string {
  return path.replace(/\/evidence-uploads\/[^/]+/i, '/evidence-uploads/:token').replace(/\/subscriptions\/(confirm|manage|unsubscribe)\/[^/]+/i, '/subscriptions/$1/:token');
}

/** A URL as logs may show it: no query (it may carry tokens), signed links' tokens masked. */
export function loggablePath(url: string): string {
  const query = url.indexOf('?');
  return maskTokens(query < 0 ? url : url.slice(0, query));
}

const logger = new Logger('HTTP');

/**
 * Logs one structured line when `response` has been sent: method, path (no query: it may carry
 * tokens; signed links' tokens masked), status, duration. Every request goes through it: Nest's
 * routes through RequestLoggerMiddleware, cached public reads answered before Nest (the fast path) directly.
 */
export function logRequest(request: Request, response: Response): void {
  const started = process.hrtime.bigint();
  response.once('finish', () => {
    logger.log({
      msg: 'request',
      method: request.method,
      path: loggablePath(request.originalUrl),
      status: response.statusCode,
      durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
    });
  });
}

/** One structured log line per HTTP request (see {@link logRequest}). */
@Injectable()
export class RequestLoggerMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    logRequest(request, response);
    next();
  }
}
