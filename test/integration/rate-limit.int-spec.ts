/**
 * Per-client rate limits (issue #11, point 4) with small limits for the test: the public routes
 * share one budget per client, the signed-link routes (subscribers' pages, evidence upload links)
 * another, the subscribe route its own besides; over a limit, 429 problem+json with Retry-After.
 * Routes that need a token and /health are not limited. Clients are told apart by their address:
 * X-Forwarded-For only when TRUST_PROXY believes the proxy (here loopback), never otherwise.
 */
import { createPlanFixture, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const PUBLIC_LIMIT = 6;
const TOKEN_LIMIT = 4;
const SUBSCRIBE_LIMIT = 2;

function expectLimited(response: { status: number; headers: Record<string, string>; body: unknown }, what: string, detail: RegExp): void {
  expect({ what, status: response.status, type: response.headers['content-type'] }).toEqual({ what, status: 429, type: expect.stringMatching(/^application\/problem\+json/) });
  expect(response.body).toMatchObject({ type: 'about:blank', status: 429, title: 'Too Many Requests', detail: expect.stringMatching(detail) });
  const retryAfter = Number(response.headers['retry-after']);
  expect({ what, retryAfter }).toEqual({ what, retryAfter: expect.any(Number) });
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  // The security headers are on the refusal too.
  expect(response.headers['x-content-type-options']).toBe('nosniff');
}

describe('rate limits behind a trusted proxy (TRUST_PROXY=loopback)', () => {
  let system: TestSystem;
  let fixture: PlanFixture;
  let client = 0;
  /** A new client address (TEST-NET-3), as the proxy would forward it. */
  const newClient = () => `203.0.113.${++client}`;

  beforeAll(async () => {
    system = await startTestSystem({
      worker: false,
      config: {
        trustProxy: 'loopback',
        rateLimits: { publicPerMinute: PUBLIC_LIMIT, tokenPerMinute: TOKEN_LIMIT },
        subscribers: { linkSecret: 'rate-limit-test-secret-0123456789', confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: SUBSCRIBE_LIMIT },
      },
    });
    fixture = await createPlanFixture(system);
  });

  afterAll(async () => {
    await system?.close();
  });

  const get = (path: string, from: string) => system.http().get(path).set('X-Forwarded-For', from);

  it('gives each client one public budget across all public routes, then 429 with Retry-After', async () => {
    const ana = newClient();
    const routes = [`/public/plans/${fixture.planId}`, '/public/jurisdictions', `/public/plans/${fixture.planId}/check-ins`, `/public/plans/${fixture.planId}/check-ins.ics`];
    for (let i = 0; i < PUBLIC_LIMIT; i++) {
      const response = await get(routes[i % routes.length], ana);
      expect({ i, status: response.status }).toEqual({ i, status: 200 });
    }
    // An error answer (404 for a plan that is not published) spends the budget too: it is over now, on every public route.
    for (const path of [...routes, '/public/plans/00000000-0000-4000-8000-000000000000']) expectLimited(await get(path, ana), path, /public routes/);

    // Another client is not affected.
    await get(`/public/plans/${fixture.planId}`, newClient()).expect(200);
  });

  it('answers a reader over the limit on the public pages with an HTML page in their language, same status and Retry-After', async () => {
    const dora = newClient();
    const slug = (await system.http().get(`/jurisdictions/${fixture.jurisdictionId}`).set(fixture.coordinator).expect(200)).body.slug as string;
    for (let i = 0; i < PUBLIC_LIMIT; i++) {
      const response = await get(`/p/${slug}`, dora);
      expect({ i, status: response.status }).toEqual({ i, status: 200 });
    }
    const refused = await get(`/p/${slug}?lang=fr`, dora);
    expect({ status: refused.status, type: refused.headers['content-type'], language: refused.headers['content-language'], cache: refused.headers['cache-control'] }).toEqual({
      status: 429,
      type: 'text/html; charset=utf-8',
      language: 'fr',
      cache: 'no-store',
    });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.text).toContain('<html lang="fr">');
    expect(refused.text).toContain('Trop de requêtes');
    expect(refused.text).toContain(`Veuillez patienter ${retryAfter} secondes`);
    // Accept-Language chooses when ?lang= does not; the open data routes of the same budget stay problem+json.
    const english = await get(`/p/${slug}/open-data`, dora).set('Accept-Language', 'en-GB,en;q=0.8');
    expect({ status: english.status, language: english.headers['content-language'] }).toEqual({ status: 429, language: 'en' });
    expect(english.text).toContain('Too many requests');
    expectLimited(await get(`/public/plans/${fixture.planId}`, dora), 'plan JSON', /public routes/);
  });

  it('limits the signed-link routes apart, with their own budget', async () => {
    const bruno = newClient();
    // Links that are not valid: each try is counted (guessing tokens is what the limit slows down).
    const tries = ['/subscriptions/confirm/guess-1', '/subscriptions/manage/guess-2', '/subscriptions/unsubscribe/guess-3', '/evidence-uploads/guess-4'];
    for (let i = 0; i < TOKEN_LIMIT; i++) {
      const response = await get(tries[i % tries.length], bruno);
      expect({ i, status: response.status }).toEqual({ i, status: expect.any(Number) });
      expect(response.status).not.toBe(429);
    }
    expectLimited(await get('/subscriptions/unsubscribe/guess-5', bruno), 'unsubscribe page', /signed-link routes/);
    expectLimited(await system.http().post('/subscriptions/unsubscribe/guess-6').set('X-Forwarded-For', bruno).type('form').send('List-Unsubscribe=One-Click'), 'one-click unsubscribe', /signed-link routes/);
    expectLimited(await get('/evidence-uploads/guess-7', bruno), 'evidence upload link', /signed-link routes/);
    // Its public budget is untouched.
    await get(`/public/plans/${fixture.planId}`, bruno).expect(200);
  });

  it('limits subscribing to SUBSCRIBE_RATE_LIMIT_PER_MINUTE a client, within the public budget', async () => {
    const carla = newClient();
    const subscribe = () =>
      system
        .http()
        .post(`/public/plans/${fixture.planId}/subscriptions`)
        .set('X-Forwarded-For', carla)
        .send({ email: `carla-${Date.now()}-${Math.random().toString(36).slice(2)}@vecinos.example`, language: 'es' });
    for (let i = 0; i < SUBSCRIBE_LIMIT; i++) await subscribe().expect(202);
    expectLimited(await subscribe(), 'subscribe', /subscription requests/);
    // Reading is still allowed: the public budget has room left.
    await get(`/public/plans/${fixture.planId}`, carla).expect(200);
  });

  it('does not limit routes that need a token, nor /health', async () => {
    const office = newClient();
    for (let i = 0; i < PUBLIC_LIMIT * 2; i++) {
      await get(`/plans/${fixture.planId}`, office).set(fixture.coordinator).expect(200);
      const health = await get('/health', office);
      expect({ i, status: health.status }).toEqual({ i, status: expect.any(Number) });
      expect(health.status).not.toBe(429);
    }
  });

  it('documents the 429 of every rate-limited route in the OpenAPI document', async () => {
    const document = (await system.http().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, { 'x-roles'?: string[]; responses: Record<string, unknown> }>> };
    const publicOperations = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => operation['x-roles']?.includes('public'))
        .map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, has429: '429' in operation.responses })),
    );
    expect(publicOperations.length).toBeGreaterThan(8);
    expect(publicOperations.filter((o) => o.route.startsWith('GET /health'))).toEqual([{ route: 'GET /health', has429: false }]);
    expect(publicOperations.filter((o) => !o.route.startsWith('GET /health') && !o.has429)).toEqual([]);
  });
});

describe('rate limits without a trusted proxy (the default)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false, config: { rateLimits: { publicPerMinute: 3, tokenPerMinute: 3 } } });
  });

  afterAll(async () => {
    await system?.close();
  });

  it('counts the peer address: a forged X-Forwarded-For does not buy a new budget', async () => {
    for (let i = 0; i < 3; i++) await system.http().get('/public/jurisdictions').set('X-Forwarded-For', `198.51.100.${i}`).expect(200);
    expectLimited(await system.http().get('/public/jurisdictions').set('X-Forwarded-For', '198.51.100.99'), 'forged client address', /public routes/);
  });
});
