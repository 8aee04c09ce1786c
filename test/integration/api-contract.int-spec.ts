/**
 * The API's contract without a worker: authentication, validation errors as problem+json naming the
 * field, the plan rules the foundation enforces, health and the OpenAPI document.
 */
import { createPlanFixture, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

describe('API contract', () => {
  let system: TestSystem;
  let fixture: PlanFixture;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
    fixture = await createPlanFixture(system);
  });

  afterAll(async () => {
    await system?.close();
  });

  const problem = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

  describe('authentication', () => {
    it('refuses a request without the bearer token with 401 problem+json', async () => {
      const response = await system.http().get('/jurisdictions').expect(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401, instance: '/jurisdictions' });
    });

    it('refuses a wrong token', async () => {
      await system.http().get('/jurisdictions').set({ Authorization: 'Bearer not-the-token' }).expect(401);
    });

    it('lets /health, /docs-json and upload links through without a token', async () => {
      await system.http().get('/health').expect(200);
      await system.http().get('/docs-json').expect(200);
      await system.http().get('/evidence-uploads/not-a-token').expect(401); // the link is the credential
    });
  });

  describe('validation', () => {
    it('names each missing or mistyped field', async () => {
      const response = await system.http().post('/jurisdictions').set(system.adminAuth).send({ slug: 'Bad Slug', name: 42, country: 'Argentina' }).expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.title).toBe('Invalid request');
      expect(problem(response.body)).toEqual(expect.arrayContaining(['slug', 'name', 'country', 'timeZone', 'defaultLanguage']));
    });

    it('refuses unknown fields rather than ignoring them', async () => {
      const response = await system
        .http()
        .post(`/plans/${fixture.planId}/commitments`)
        .set(fixture.coordinator)
        .send({ title: 'Open contracting', leadAgencyId: fixture.agencyId, budget: 100 })
        .expect(400);
      expect(problem(response.body)).toEqual(['budget']);
    });

    it('names nested fields with their path', async () => {
      const response = await system
        .http()
        .post('/plans')
        .set(fixture.coordinator)
        .send({ jurisdictionId: fixture.jurisdictionId, title: 'Plan', periodStart: '2026-01-01', periodEnd: '2027-01-01', termEnd: '2027-03-01', policy: { maxReminders: -1, reminderIntervalSeconds: 'weekly' } })
        .expect(400);
      expect(problem(response.body)).toEqual(expect.arrayContaining(['policy.maxReminders', 'policy.reminderIntervalSeconds']));
    });

    it('refuses oversized strings', async () => {
      const response = await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/agencies`).set(fixture.coordinator).send({ name: 'x'.repeat(201), contacts: [{ email: 'a@b.example' }], language: 'es' }).expect(400);
      expect(problem(response.body)).toEqual(['name']);
    });

    it('names a path parameter that is not a UUID', async () => {
      const response = await system.http().get('/milestones/42').set(fixture.coordinator).expect(400);
      expect(problem(response.body)).toEqual(['milestoneId']);
    });

    it('answers 400, not 500, to a body that is not JSON', async () => {
      const response = await system.http().post('/jurisdictions').set(system.adminAuth).set('content-type', 'application/json').send('{"slug": ').expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    });
  });

  describe('plan rules', () => {
    it('refuses a plan that ends after the government term, naming periodEnd', async () => {
      const response = await system
        .http()
        .post('/plans')
        .set(fixture.coordinator)
        .send({ jurisdictionId: fixture.jurisdictionId, title: 'Too long', periodStart: '2026-01-01', periodEnd: '2028-01-01', termEnd: '2027-12-10' })
        .expect(422);
      expect(problem(response.body)).toEqual(['periodEnd']);
    });

    it('refuses a milestone due outside the plan period, and saves nothing', async () => {
      const response = await system
        .http()
        .post(`/commitments/${fixture.commitmentId}/milestones`)
        .set(fixture.coordinator)
        .send({ title: 'Late', startAt: new Date().toISOString(), dueAt: '2040-01-01T00:00:00Z', responsibleAgencyId: fixture.agencyId })
        .expect(422);
      expect(problem(response.body)).toEqual(['dueAt']);
      const list = await system.http().get(`/plans/${fixture.planId}/milestones`).query({ commitmentId: fixture.commitmentId }).set(fixture.coordinator).expect(200);
      expect(list.body).toMatchObject({ items: [], total: 0 });
    });

    it("refuses an agency of another jurisdiction as the responsible agency", async () => {
      const other = await createPlanFixture(system);
      const response = await system
        .http()
        .post(`/commitments/${fixture.commitmentId}/milestones`)
        .set(fixture.coordinator)
        .send({ title: 'Mine', startAt: new Date().toISOString(), dueAt: new Date(Date.now() + 86_400_000).toISOString(), responsibleAgencyId: other.agencyId })
        .expect(422);
      expect(problem(response.body)).toEqual(['responsibleAgencyId']);
    });

    it('answers 409 naming the slug when a jurisdiction slug is taken', async () => {
      const jurisdiction = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}`).set(fixture.coordinator).expect(200);
      const response = await system
        .http()
        .post('/jurisdictions')
        .set(system.adminAuth)
        .send({ slug: jurisdiction.body.slug, name: 'Again', country: 'AR', timeZone: 'America/Argentina/Cordoba', defaultLanguage: 'es' })
        .expect(409);
      expect(problem(response.body)).toEqual(['slug']);
    });

    it('answers 404 for a plan that does not exist', async () => {
      await system.http().get('/plans/8c4f8c2e-2f7e-4d8a-9d1e-0e4b6f1a2b3c').set(fixture.coordinator).expect(404);
    });
  });

  describe('health and documentation', () => {
    it('reports the database and Temporal as up', async () => {
      const response = await system.http().get('/health').expect(200);
      expect(response.body.status).toBe('ok');
      expect(response.body.info.database.status).toBe('up');
      expect(response.body.info.temporal.status).toBe('up');
    });

    it('publishes an OpenAPI document listing every route and the bearer scheme', async () => {
      const response = await system.http().get('/docs-json').expect(200);
      expect(Object.keys(response.body.paths)).toEqual(
        expect.arrayContaining([
          '/health',
          '/jurisdictions',
          '/jurisdictions/{jurisdictionId}/agencies',
          '/plans',
          '/plans/{planId}/commitments',
          '/commitments/{commitmentId}/milestones',
          '/milestones/{milestoneId}',
          '/evidence-uploads/{token}',
        ]),
      );
      expect(response.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(response.body.paths['/plans'].post.responses['422'].content['application/problem+json']).toBeDefined();
    });
  });
});
