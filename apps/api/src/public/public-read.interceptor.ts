import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { map, Observable } from 'rxjs';
import { CachedRead } from './public-read-cache';

/**
 * Browsers and proxies may keep a public read a minute, and serve it up to ten minutes stale while
 * they revalidate in the background (RFC 5861); the API's own cache is at most PUBLIC_CACHE_SECONDS old.
 */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=600';

/**
 * CORS for read-only open data: any origin, GET and HEAD only, no credentials (no
 * Access-Control-Allow-Credentials, so browsers send no cookies and read nothing private); ETag is
 * exposed so scripts can revalidate.
 */
export const PUBLIC_CORS_HEADERS: readonly (readonly [string, string])[] = [
  ['Access-Control-Allow-Origin', '*'],
  ['Access-Control-Allow-Methods', 'GET, HEAD'],
  ['Access-Control-Expose-Headers', 'ETag, Last-Modified'],
];

export function setPublicCors(res: Response): void {
  for (const [name, value] of PUBLIC_CORS_HEADERS) res.setHeader(name, value);
}

/** The Content-Type of a public read that sets none (`@Header`): its body is JSON. */
export const PUBLIC_JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The conditional-GET part of a public read, for any route that serves a {@link CachedRead}
 * (the open-data routes through {@link PublicReadInterceptor}; the HTML pages may call it directly):
 * sets `ETag`, `Last-Modified` and `Cache-Control`, and returns true when the request's
 * `If-None-Match` (or, without it, `If-Modified-Since`) says the client already has this body.
 *
 * When it returns true, answer `304` with no body: with `@Res()` write
 * `return res.status(304).end()`; a handler that lets Nest send `cached.body` needs nothing more,
 * because Express's `res.send` answers 304 itself on a fresh request (`req.fresh`, the `fresh` module,
 * which this function also uses). Example for a page:
 *
 * ```ts
 * const cached = await this.cache.read(`page:${slug}:${planId}:${lang}`, () => this.render(...));
 * res.setHeader('Vary', 'Accept-Language');
 * if (applyConditionalGet(req, res, cached)) return res.status(304).end();
 * res.type('html').send(cached.body);
 * ```
 */
export function applyConditionalGet(req: Request, res: Response, cached: CachedRead<unknown>): boolean {
  res.setHeader('ETag', cached.etag);
  res.setHeader('Last-Modified', cached.lastModifiedHttp);
  res.setHeader('Cache-Control', PUBLIC_CACHE_CONTROL);
  return req.fresh;
}

/**
 * Every public read route (`@UseInterceptors(PublicReadInterceptor)` on a controller): CORS
 * headers on every answer, errors included (a script can read the 404 problem); a handler that
 * returns a {@link CachedRead} is answered with its serialised body (as JSON unless the route set
 * another Content-Type with `@Header`), its validators and `Cache-Control`, or 304 when the client's
 * copy is current. Errors get no Cache-Control, so a plan published a moment later is seen at once.
 * Not for writes: the subscription POST lives in another controller and gets none of this.
 */
@Injectable()
export class PublicReadInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    setPublicCors(res);
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof CachedRead)) return result;
        if (!res.getHeader('Content-Type')) res.setHeader('Content-Type', PUBLIC_JSON_TYPE);
        // A fresh request: Express's res.send turns this into 304 and drops the body.
        applyConditionalGet(req, res, result);
        return result.body;
      }),
    );
  }
}
