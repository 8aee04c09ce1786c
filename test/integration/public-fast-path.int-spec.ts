/**
 * The public read fast path (apps/api/src/public/public-fast-path.ts, issue #11 "served fast"): a
 * fresh cached public read is answered before Nest with the same body and headers (security headers,
 * CORS, ETag, Last-Modified, Cache-Control, Vary, Content-Language), the same 304s and HEADs as the
 * Nest route that filled the cache; it spends the same public rate-limit budget (then 429
 * problem+json with Retry-After); a token still goes through the AuthGuard; and a changed plan shows
 * once the TTL has passed. "Served by the fast path" is observed as the service not being called.
 */
import { randomBytes } from 'node:crypto';
import { PublicPagesService } from '../../apps/api/src/public-pages/public-pages.service';
import { PublicReadCache } from '../../apps/api/src/public/public-read-cache';
import { PublicService } from '../../apps/api/src/public/public.service';
import { createPlanFixture, eventually, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const CACHE_SECONDS = 2;
const PUBLIC_LIMIT = 8;

/** Headers that differ between any two responses, whoever sends them. */
const PER_RESPONSE = new Set(['date', 'connection', 'keep-alive']);
const comparable = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_RESPONSE.has(name)));

describe('public read fast path', () => {
  let system: TestSystem;
  let fixture: PlanFixture;
  let slug: string;
  let client = 0;
  /** A new client address (TEST-NET-3) as the trusted proxy forwards it: a fresh rate-limit budget. */
  const newClient = () => `203.0.113.${++client}`;
  let planReads: jest.SpyInstance;
  let pageRenders: jest.SpyInstance;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false, config: { publicCacheSeconds: CACHE_SECONDS, trustProxy: 'loopback', rateLimits: { publicPerMinute: PUBLIC_LIMIT, tokenPerMinute: 100 } } });
    fixture = await createPlanFixture(system);
    slug = (await system.http().get(`/jurisdictions/${fixture.jurisdictionId}`).set(system.adminAuth).expect(200)).body.slug;
    planReads = jest.spyOn(system.api.get(PublicService), 'planRead');
    pageRenders = jest.spyOn(system.api.get(PublicPagesService), 'render');
  }, 120_000);

  afterAll(async () => {
    await system?.close();
  });

  beforeEach(() => {
    // Each test starts cold: its first request goes through Nest, which fills the cache.
    system.api.get(PublicReadCache).evict();
    planReads.mockClear();
    pageRenders.mockClear();
  });

  const get = (path: string, from = newClient()) => system.http().get(path).set('X-Forwarded-For', from);
  const plan = () => `/public/plans/${fixture.planId}`;

  it('serves a cached plan with the body and headers of the Nest route (security headers, CORS, validators, Cache-Control)', async () => {
    const viaNest = await get(plan()).set('Origin', 'https://news.example').expect(200);
    expect(planReads).toHaveBeenCalledTimes(1);
    const viaFastPath = await get(plan()).set('Origin', 'https://news.example').expect(200);
    expect(planReads).toHaveBeenCalledTimes(1);
    expect(viaFastPath.text).toBe(viaNest.text);
    expect(comparable(viaFastPath.headers)).toEqual(comparable(viaNest.headers));
    expect(viaFastPath.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD',
      'cache-control': expect.stringMatching(/^public, max-age=\d+/),
      etag: expect.stringMatching(/^"[\w-]{22}"$/),
      'last-modified': expect.any(String),
      'x-content-type-options': 'nosniff',
      'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
      'cross-origin-resource-policy': 'cross-origin',
      'referrer-policy': 'no-referrer',
    });
    expect(viaFastPath.headers['x-powered-by']).toBeUndefined();
  });

  it.each(['/plan.csv', '/decidim-results.csv', '/check-ins', '/check-ins.ics', '/digests'])('serves %s the same way, with its own Content-Type', async (suffix) => {
    const viaNest = await get(plan() + suffix).expect(200);
    const viaFastPath = await get(plan() + suffix).expect(200);
    expect(viaFastPath.text).toBe(viaNest.text);
    expect(comparable(viaFastPath.headers)).toEqual(comparable(viaNest.headers));
  });

  it('answers 304 on If-None-Match and If-Modified-Since as the Nest route does, and HEAD with the headers only', async () => {
    const first = await get(plan()).expect(200);
    const nest304 = await get(plan()).set('If-None-Match', first.headers.etag).expect(304);
    const calls = planReads.mock.calls.length;
    const fast304 = await get(plan()).set('If-None-Match', first.headers.etag).expect(304);
    expect(planReads).toHaveBeenCalledTimes(calls);
    expect(fast304.text ?? '').toBe('');
    expect(comparable(fast304.headers)).toEqual(comparable(nest304.headers));
    expect(fast304.headers['content-type']).toBeUndefined();
    await get(plan()).set('If-Modified-Since', first.headers['last-modified']).expect(304);
    await get(plan()).set('If-None-Match', '"something-else"').expect(200);
    expect(planReads).toHaveBeenCalledTimes(calls);

    system.api.get(PublicReadCache).evict();
    const nestHead = await system.http().head(plan()).set('X-Forwarded-For', newClient()).expect(200);
    const fastHead = await system.http().head(plan()).set('X-Forwarded-For', newClient()).expect(200);
    expect(fastHead.text ?? '').toBe('');
    expect(comparable(fastHead.headers)).toEqual(comparable(nestHead.headers));
    expect(fastHead.headers['content-length']).toBe(String(Buffer.byteLength(first.text)));
  });

  it('serves a cached page in the negotiated language with the headers of the Nest route (Vary, Content-Language, no CORS)', async () => {
    const page = `/p/${slug}/plans/${fixture.planId}`;
    for (const [query, acceptLanguage, language] of [['', 'en-GB,en;q=0.9', 'en'], ['', 'fr', 'fr'], ['?lang=pt', 'en', 'pt'], ['', '', 'es']] as const) {
      const viaNest = await get(page + query).set('Accept-Language', acceptLanguage).expect(200);
      const renders = pageRenders.mock.calls.length;
      const viaFastPath = await get(page + query).set('Accept-Language', acceptLanguage).expect(200);
      expect({ query, acceptLanguage, renders: pageRenders.mock.calls.length }).toEqual({ query, acceptLanguage, renders });
      expect(viaFastPath.text).toBe(viaNest.text);
      expect(comparable(viaFastPath.headers)).toEqual(comparable(viaNest.headers));
      expect(viaFastPath.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'content-language': language, vary: 'Accept-Language', 'cross-origin-resource-policy': 'same-origin' });
      expect(viaFastPath.headers['access-control-allow-origin']).toBeUndefined();
      const notModified = await get(page + query).set('Accept-Language', acceptLanguage).set('If-None-Match', viaNest.headers.etag).expect(304);
      expect(notModified.headers['content-language']).toBe(language);
    }
    // Languages do not mix: the English page is not the Spanish one.
    const en = await get(page).set('Accept-Language', 'en').expect(200);
    const es = await get(page).set('Accept-Language', 'es').expect(200);
    expect(en.headers.etag).not.toBe(es.headers.etag);
  });

  it('spends the public rate-limit budget: fast answers and Nest answers share it, then 429 problem+json with Retry-After', async () => {
    await get(plan()).expect(200); // another client fills the cache
    const ana = newClient();
    const calls = planReads.mock.calls.length;
    for (let i = 0; i < PUBLIC_LIMIT - 2; i++) await get(plan(), ana).expect(200);
    expect(planReads).toHaveBeenCalledTimes(calls); // all of them fast
    await get('/public/jurisdictions', ana).expect(200); // through Nest
    await get(plan(), ana).expect(200);
    for (const path of [plan(), '/public/jurisdictions']) {
      const refused = await get(path, ana).expect(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests', detail: expect.stringMatching(/public routes/) });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.headers['x-content-type-options']).toBe('nosniff');
      // Readable by a script on another site: the refusal carries CORS too.
      expect(refused.headers['access-control-allow-origin']).toBe('*');
    }
    // Another client still has its budget.
    await get(plan()).expect(200);
  });

  it('leaves requests with a token or a body to Nest: a bad token is 401 even when the read is cached', async () => {
    await get(plan()).expect(200);
    await get(plan()).set('Authorization', 'Bearer not-a-token').expect(401);
    const calls = planReads.mock.calls.length;
    await get(plan()).set(fixture.coordinator).expect(200);
    expect(planReads).toHaveBeenCalledTimes(calls + 1);
    await get(plan()).set('Content-Type', 'application/json').send('{}').expect(200);
    expect(planReads).toHaveBeenCalledTimes(calls + 2);
  });

  it(`shows a changed plan once the ${CACHE_SECONDS} s TTL has passed, in the JSON and on the page`, async () => {
    const page = `/p/${slug}/plans/${fixture.planId}?lang=en`;
    const before = await get(plan()).expect(200);
    await get(page).expect(200);
    const current = await system.http().get(`/plans/${fixture.planId}`).set(fixture.coordinator).expect(200);
    const title = `Renamed plan ${randomBytes(3).toString('hex')}`;
    await system.http().patch(`/plans/${fixture.planId}`).set(fixture.coordinator).set('If-Match', current.headers.etag).send({ title }).expect(200);
    const stale = await get(plan()).expect(200);
    expect(stale.body.title).toBe(before.body.title);
    const fresh = await eventually(
      () => get(plan()).expect(200),
      (res) => res.body.title === title,
      { timeoutMs: (CACHE_SECONDS + 4) * 1000, everyMs: 250, description: 'the new title on the public plan once the cache TTL has passed' },
    );
    expect(fresh.headers.etag).not.toBe(before.headers.etag);
    await eventually(
      () => get(page).expect(200),
      (res) => res.text.includes(title),
      { timeoutMs: (CACHE_SECONDS + 4) * 1000, everyMs: 250, description: 'the new title on the plan page once the cache TTL has passed' },
    );
    // And the new version is served fast again.
    const calls = planReads.mock.calls.length;
    const again = await get(plan()).expect(200);
    expect(again.body.title).toBe(title);
    expect(planReads).toHaveBeenCalledTimes(calls);
  });
});
