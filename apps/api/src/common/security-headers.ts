import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The Content-Security-Policy of every response but the API explorer: scripts, styles, fonts and
 * images only from this origin (no inline script or style, no `style="..."`), images also as data:
 * URIs; no plugins, no <base>, forms post only here, no page may frame ours. JSON, CSV and feeds carry
 * it too: a browser that renders one of them by mistake runs nothing.
 */
export const PAGE_CSP: Readonly<Record<string, string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Swagger UI (/docs) loads its scripts from this origin but writes inline <style> blocks and style
 * attributes: the same policy with inline styles allowed there, and there only. Still no inline script.
 */
export const DOCS_CSP: Readonly<Record<string, string[]>> = { ...PAGE_CSP, 'style-src': ["'self'", "'unsafe-inline'"] };

const DOCS_PATH = /^\/docs(\/|$)/;
/** Open data: read-only, meant to be reused from other origins (CORS); other sites may embed them. */
const OPEN_DATA_PATH = /^\/public(\/|$)/;

export function helmetOptions(csp: Readonly<Record<string, string[]>>, resourcePolicy: 'same-origin' | 'cross-origin'): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: { ...csp } },
    // Signed links carry their token in the path: no Referer ever leaves a page.
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    crossOriginResourcePolicy: { policy: resourcePolicy },
    // Helmet's defaults for the rest: nosniff, HSTS (one year; browsers honour it over HTTPS only),
    // Cross-Origin-Opener-Policy same-origin, Origin-Agent-Cluster, X-DNS-Prefetch-Control off, no X-Powered-By.
  };
}

/** What a helmet middleware does to every response, recorded once: the headers it sets and those it removes. */
interface HeaderSet {
  set: [string, string][];
  remove: string[];
}

/**
 * Runs a helmet middleware once against a recording response. Our helmet options hold no function
 * (no per-request nonce): every response gets the same headers, so they are computed once and set
 * with plain setHeader calls per request, instead of helmet's dozen middlewares re-running each time.
 */
function record(handler: RequestHandler): HeaderSet {
  const set = new Map<string, string>();
  const remove: string[] = [];
  let done = false;
  const response = {
    setHeader(name: string, value: unknown) {
      set.set(name, Array.isArray(value) ? value.join(', ') : String(value));
      return response;
    },
    removeHeader(name: string) {
      set.delete(name);
      remove.push(name);
    },
  };
  handler({ headers: {}, method: 'GET' } as Request, response as unknown as Response, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be precomputed');
  return { set: [...set], remove };
}

function apply(headers: HeaderSet, response: Response): void {
  for (let i = 0; i < headers.set.length; i++) response.setHeader(headers.set[i][0], headers.set[i][1]);
  for (let i = 0; i < headers.remove.length; i++) response.removeHeader(headers.remove[i]);
}

/**
 * Security headers on every response (helmet, its output precomputed per kind of route): one
 * middleware in front of everything, so JSON, problem documents, pages, feeds, downloads and the API
 * explorer all get them.
 */
export function securityHeaders(): RequestHandler {
  const pages = record(helmet(helmetOptions(PAGE_CSP, 'same-origin')));
  const openData = record(helmet(helmetOptions(PAGE_CSP, 'cross-origin')));
  const docs = record(helmet(helmetOptions(DOCS_CSP, 'same-origin')));
  return (request: Request, response: Response, next: NextFunction) => {
    const path = request.path;
    apply(DOCS_PATH.test(path) ? docs : OPEN_DATA_PATH.test(path) ? openData : pages, response);
    next();
  };
}
