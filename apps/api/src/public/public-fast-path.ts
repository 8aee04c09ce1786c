import { HEADERS_METADATA } from '@nestjs/common/constants';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { routeBudget } from '../common/rate-limit';
import { logRequest } from '../common/request-logger.middleware';
import { PublicController } from './public.controller';
import { CachedRead, PublicReadCache } from './public-read-cache';
import { PUBLIC_READ_KEYS, type PlanReadKind } from './public-read-keys';
import { applyConditionalGet, PUBLIC_CORS_HEADERS, PUBLIC_JSON_TYPE } from './public-read.interceptor';

/** A cached public read a request would be answered with, and the headers its route sets besides the validators and Cache-Control. */
export interface CachedAnswer {
  cached: CachedRead<unknown>;
  /** Called once per cached read (the result is kept with it): Content-Type and the route's other headers. */
  headers: () => readonly (readonly [string, string])[];
}

/** The answer of a GET of `path` when its cached read is fresh, else undefined (Nest answers). Must not load or throw. */
export type CachedAnswerLookup = (request: Request, path: string) => CachedAnswer | undefined;

interface Prepared {
  /** Sent on 200 and 304 alike. */
  headers: (readonly [string, string])[];
  contentType: string;
  contentLength: string;
}

/** Per cached read, its headers computed once (a cached read is only ever reached through one route: its key names it). */
const prepared = new WeakMap<CachedRead<unknown>, Prepared>();

function prepare(answer: CachedAnswer): Prepared {
  let ready = prepared.get(answer.cached);
  if (!ready) {
    const headers = [...answer.headers()];
    const type = headers.find(([name]) => name.toLowerCase() === 'content-type');
    if (!type) throw new Error('A cached answer needs a Content-Type');
    ready = { headers: headers.filter((h) => h !== type), contentType: type[1], contentLength: String(answer.cached.bodyBytes.length) };
    prepared.set(answer.cached, ready);
  }
  return ready;
}

/**
 * Checked once at start-up for every route a lookup shortcuts: it must spend the public budget, the
 * one the fast path spends (a route outside it, or in the signed-link budget, must stay with Nest).
 */
export function assertPublicBudget(controller: object, handlers: readonly string[]): void {
  for (const name of handlers) {
    const handler = (controller as { prototype: Record<string, object> }).prototype[name];
    if (!handler || routeBudget(handler, controller) !== 'public') throw new Error(`${(controller as { name: string }).name}.${name} is not a public-budget route: the fast path must not answer it`);
  }
}

/**
 * The read-through fast path of cached public reads (issue #11, "served fast"): an Express
 * middleware right after the security headers that answers a GET or HEAD whose public read is fresh
 * in the PublicReadCache straight from its serialised body, without Nest's guards, interceptors and
 * router. It answers exactly as the Nest route would from the same entry: same cache key (the
 * services' own key functions), same headers (the route's Content-Type and other headers, CORS for
 * /public, Vary and Content-Language for pages, ETag, Last-Modified, Cache-Control through
 * applyConditionalGet, hence the same 304s), same request log line, and the request spends the same
 * public rate-limit budget (`spend`, RateLimitGuard's storage and key).
 *
 * Everything else goes on to Nest untouched: other methods and routes, requests with an
 * Authorization header (the AuthGuard judges those) or a body (Nest's body parsers judge those),
 * misses and expired entries (the controller loads and fills the cache), and clients over their
 * limit (the guard answers the 429 problem). Every route a lookup shortcuts is checked at start-up
 * to be in the public budget ({@link assertPublicBudget}).
 */
export function publicFastPath(lookups: readonly CachedAnswerLookup[], spend: (request: Request) => boolean): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const method = request.method;
    const headers = request.headers;
    // A request with a body (which Nest's parsers would read and may refuse) or a token goes to Nest.
    if ((method !== 'GET' && method !== 'HEAD') || headers.authorization !== undefined || headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) return next();
    const url = request.url;
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    let answer: CachedAnswer | undefined;
    try {
      for (let i = 0; i < lookups.length && !answer; i++) answer = lookups[i](request, path);
    } catch {
      // A lookup cannot tell: Nest answers (and reports whatever is wrong as it always does).
      return next();
    }
    if (!answer || !spend(request)) return next();
    logRequest(request, response);
    const ready = prepare(answer);
    response.statusCode = 200;
    for (let i = 0; i < ready.headers.length; i++) response.setHeader(ready.headers[i][0], ready.headers[i][1]);
    if (applyConditionalGet(request, response, answer.cached)) {
      // As Express's res.send answers a fresh request: 304, no body, no Content-Type or Content-Length.
      response.statusCode = 304;
      response.end();
      return;
    }
    response.setHeader('Content-Type', ready.contentType);
    response.setHeader('Content-Length', ready.contentLength);
    if (method === 'HEAD') response.end();
    else response.end(answer.cached.bodyBytes);
  };
}

/** The /public/plans/:planId reads keyed by the plan alone: the tail of the path, the cache key and the controller's handler. */
const PLAN_READS: Readonly<Record<string, { kind: PlanReadKind; handler: keyof PublicController }>> = {
  '': { kind: 'plan', handler: 'plan' },
  '/plan.csv': { kind: 'planCsv', handler: 'planCsv' },
  '/decidim-results.csv': { kind: 'decidimCsv', handler: 'decidimCsv' },
  '/check-ins': { kind: 'checkIns', handler: 'planCheckIns' },
  '/check-ins.ics': { kind: 'checkInsIcs', handler: 'planCheckInFeed' },
  '/digests': { kind: 'digests', handler: 'planDigests' },
};

const PLAN_PATH = /^\/public\/plans\/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(\/[a-z.-]+)?$/;

/**
 * The open-data reads of PublicController that depend on the plan alone (the plan JSON, plan.csv,
 * the Decidim CSV, the check-ins and their iCalendar feed, the digest list). Their headers are the
 * controller's own: its `@Header`s (else JSON, as PublicReadInterceptor sets) and the public CORS headers.
 */
export function openDataLookup(cache: PublicReadCache): CachedAnswerLookup {
  assertPublicBudget(PublicController, Object.values(PLAN_READS).map((r) => r.handler));
  const routes = new Map(
    Object.entries(PLAN_READS).map(([tail, { kind, handler }]) => {
      const declared = (Reflect.getMetadata(HEADERS_METADATA, PublicController.prototype[handler]) ?? []) as { name: string; value: string }[];
      const headers: (readonly [string, string])[] = [...PUBLIC_CORS_HEADERS, ...declared.map(({ name, value }): [string, string] => [name, value])];
      if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['Content-Type', PUBLIC_JSON_TYPE]);
      return [tail, { key: PUBLIC_READ_KEYS[kind], headers: () => headers }] as const;
    }),
  );
  return (_request, path) => {
    if (!path.startsWith('/public/plans/')) return undefined;
    const match = PLAN_PATH.exec(path);
    const route = match && routes.get(match[2] ?? '');
    if (!route) return undefined;
    const cached = cache.peek(route.key(match[1]));
    return cached && { cached, headers: route.headers };
  };
}
