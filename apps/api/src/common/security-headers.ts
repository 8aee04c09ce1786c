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

function options(csp: Readonly<Record<string, string[]>>, resourcePolicy: 'same-origin' | 'cross-origin'): HelmetOptions {
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

/**
 * Security headers on every response (helmet): one middleware in front of everything, so JSON,
 * problem documents, pages, feeds, downloads and the API explorer all get them.
 */
export function securityHeaders(): RequestHandler {
  const pages = helmet(options(PAGE_CSP, 'same-origin'));
  const openData = helmet(options(PAGE_CSP, 'cross-origin'));
  const docs = helmet(options(DOCS_CSP, 'same-origin'));
  return (request: Request, response: Response, next: NextFunction) => {
    const path = request.path;
    const handler = DOCS_PATH.test(path) ? docs : OPEN_DATA_PATH.test(path) ? openData : pages;
    handler(request, response, next);
  };
}
