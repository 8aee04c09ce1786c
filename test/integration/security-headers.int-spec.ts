/**
 * Security headers on every kind of response (issue #11, point 4): JSON, problem+json errors (401,
 * 404, 400, 429), the subscriber's HTML pages, the public pages under /p/, open data, the API
 * explorer. Every response has a Content-Security-Policy that runs no inline script and lets no page
 * frame ours, nosniff, a referrer policy, HSTS, and no X-Powered-By. Real headless Chromium then opens
 * the API explorer (its own policy) and the public pages, and no policy violation is reported.
 */
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import type { Response } from 'supertest';
import { createPlanFixture, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

/** Directive name → its sources, from a Content-Security-Policy header. */
export function parseCsp(header: string | undefined): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** The sources that decide whether a script runs (script-src, else default-src). */
function scriptSources(csp: Map<string, string[]>): string[] | undefined {
  return csp.get('script-src') ?? csp.get('default-src');
}

/** What every response must carry, whatever it is. */
function expectSecurityHeaders(response: Response, what: string): Map<string, string[]> {
  const headers = response.headers;
  const seen = { what, status: response.status, headers };
  expect({ ...seen, csp: headers['content-security-policy'] !== undefined }).toMatchObject({ csp: true });
  const csp = parseCsp(headers['content-security-policy']);
  const scripts = scriptSources(csp);
  // A policy that names script sources, none of them inline or eval.
  expect({ what, scripts }).toEqual({ what, scripts: expect.any(Array) });
  expect({ what, scripts: scripts!.filter((s) => /unsafe-inline|unsafe-eval|unsafe-hashes|\*|data:/.test(s)) }).toEqual({ what, scripts: [] });
  expect({ what, frameAncestors: csp.get('frame-ancestors') }).toEqual({ what, frameAncestors: ["'none'"] });
  expect({ what, baseUri: csp.get('base-uri') }).toEqual({ what, baseUri: ["'none'"] });
  expect({ what, nosniff: headers['x-content-type-options'] }).toEqual({ what, nosniff: 'nosniff' });
  expect({ what, referrer: headers['referrer-policy'] }).toEqual({ what, referrer: expect.stringMatching(/^(no-referrer|strict-origin-when-cross-origin)$/) });
  expect({ what, poweredBy: headers['x-powered-by'] }).toEqual({ what, poweredBy: undefined });
  expect({ what, hsts: headers['strict-transport-security'] }).toEqual({ what, hsts: expect.stringMatching(/^max-age=\d{7,}/) });
  expect({ what, frameOptions: headers['x-frame-options'] }).toEqual({ what, frameOptions: 'DENY' });
  return csp;
}

describe('security headers', () => {
  let system: TestSystem;
  let fixture: PlanFixture;
  let slug: string;
  let origin: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false, config: { rateLimits: { publicPerMinute: 1_000, tokenPerMinute: 1_000 }, subscribers: { linkSecret: 'a-secret-of-enough-length', confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: 1 } } });
    fixture = await createPlanFixture(system);
    slug = (await system.http().get(`/jurisdictions/${fixture.jurisdictionId}`).set(fixture.coordinator).expect(200)).body.slug;
    origin = `http://127.0.0.1:${(system.api.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  const http = () => system.http();

  it('JSON: a public plan and an authenticated read', async () => {
    const csp = expectSecurityHeaders(await http().get(`/public/plans/${fixture.planId}`).expect(200), 'public plan JSON');
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
    expectSecurityHeaders(await http().get(`/plans/${fixture.planId}`).set(fixture.coordinator).expect(200), 'coordinator plan JSON');
    expectSecurityHeaders(await http().get('/docs-json').expect(200), 'OpenAPI document');
  });

  it('problem+json errors: 401, 404 (no such route, no such plan), 400, 429', async () => {
    const cases: [string, Promise<Response>, number][] = [
      ['401 without a token', http().get(`/plans/${fixture.planId}`).then((r) => r), 401],
      ['404 for a route that does not exist', http().get('/no/such/route').then((r) => r), 404],
      ['404 for an unknown plan', http().get('/public/plans/00000000-0000-4000-8000-000000000000').then((r) => r), 404],
      ['400 for a malformed id', http().get('/public/plans/not-a-uuid').then((r) => r), 400],
      ['400 for a body that is not JSON', http().post('/plans').set(fixture.coordinator).set('Content-Type', 'application/json').send('{"title":').then((r) => r), 400],
    ];
    for (const [what, pending, status] of cases) {
      const response = await pending;
      expect({ what, status: response.status, type: response.headers['content-type'] }).toEqual({ what, status, type: expect.stringMatching(/^application\/problem\+json/) });
      expectSecurityHeaders(response, what);
    }
    // The subscription limit of this system is 1 a minute: the second answer is a 429.
    const subscribe = () => http().post(`/public/plans/${fixture.planId}/subscriptions`).send({ email: `headers-${Date.now()}@vecinos.example`, language: 'es' });
    await subscribe().expect(202);
    const limited = await subscribe().expect(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expectSecurityHeaders(limited, '429');
  });

  it("HTML: the subscriber's page behind a link that is not valid, the public pages, open data", async () => {
    const page = await http().get('/subscriptions/unsubscribe/not-a-valid-token').expect(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectSecurityHeaders(page, 'subscriber page (404)');

    const routes = await publicPageAndDataRoutes();
    console.log(`Security headers checked on:\n${routes.join('\n')}`);
    expect(routes).toEqual(expect.arrayContaining([`/p/${slug}`, `/p/${slug}/plans/${fixture.planId}`, `/public/plans/${fixture.planId}`]));
    for (const url of routes) {
      const response = await http().get(url);
      expect({ url, status: response.status }).toEqual({ url, status: 200 });
      const csp = expectSecurityHeaders(response, url);
      if (/^text\/html/.test(response.headers['content-type'])) {
        // The public pages style themselves from a file, never inline.
        expect({ url, styles: csp.get('style-src') }).toEqual({ url, styles: ["'self'"] });
        expect({ url, inlineScript: /<script(?![^>]*\ssrc=)[^>]*>/i.test(response.text), styleAttribute: /\sstyle\s*=/i.test(response.text), styleElement: /<style[\s>]/i.test(response.text) }).toEqual({ url, inlineScript: false, styleAttribute: false, styleElement: false });
      }
    }
  });

  it('the API explorer has its own policy (inline styles only) and works under it in Chromium', async () => {
    const docs = await http().get('/docs').redirects(1);
    expect(docs.status).toBe(200);
    const csp = expectSecurityHeaders(docs, '/docs');
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);

    const violations = await openInChromium(`${origin}/docs`, async (page) => {
      await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
      return page.locator('.opblock').count();
    });
    expect(violations.result).toBeGreaterThan(50);
    expect(violations.reports).toEqual([]);
  });

  it('the public pages run in Chromium without a policy violation, styled by their stylesheet', async () => {
    const pages = (await publicPageAndDataRoutes()).filter((url) => url.startsWith('/p/'));
    expect(pages.length).toBeGreaterThan(0);
    for (const url of pages) {
      const opened = await openInChromium(`${origin}${url}`, (page) => page.evaluate<number>('Array.from(document.styleSheets).reduce((rules, sheet) => rules + sheet.cssRules.length, 0)'));
      expect({ url, reports: opened.reports }).toEqual({ url, reports: [] });
      expect({ url, styled: opened.result > 0 }).toEqual({ url, styled: true });
    }
  });

  /**
   * The public pages and open data routes there are in this build, from the OpenAPI document (the
   * pages are in it too, or the test adds the plan page at /p/{slug}): GET routes anyone may call,
   * with the fixture's slug and plan id.
   */
  async function publicPageAndDataRoutes(): Promise<string[]> {
    const document = (await http().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, { 'x-roles'?: string[] }>> };
    const fill: Record<string, string> = { slug, jurisdictionSlug: slug, planId: fixture.planId, id: fixture.planId };
    const urls = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      const get = operations.get;
      if (!get?.['x-roles']?.includes('public') || path.startsWith('/health') || path.includes('{token}')) continue;
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      if (!params.every((p) => p in fill)) continue;
      if (!/^\/(p|public)\//.test(path)) continue;
      if (path.startsWith('/public/jurisdictions/') || path.startsWith('/public/plans/{planId}/subscriptions')) continue;
      urls.add(path.replace(/\{(\w+)\}/g, (_m, name: string) => fill[name]));
    }
    const page = await http().get(`/p/${slug}`);
    if (page.status === 200) urls.add(`/p/${slug}`);
    return [...urls].sort();
  }

  /** Opens a page in headless Chromium, runs `inspect`, and returns its result with every CSP violation reported meanwhile. */
  async function openInChromium<T>(url: string, inspect: (page: import('playwright-core').Page) => Promise<T>): Promise<{ result: T; reports: string[] }> {
    browser ??= await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] });
    const context = await browser.newContext();
    const page = await context.newPage();
    const reports: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) reports.push(message.text());
    });
    await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error('Refused to load: CSP ' + e.violatedDirective + ' ' + e.blockedURI))" });
    try {
      const response = await page.goto(url, { waitUntil: 'load' });
      expect({ url, status: response?.status() }).toEqual({ url, status: 200 });
      const result = await inspect(page);
      return { result, reports };
    } finally {
      await context.close();
    }
  }
});
