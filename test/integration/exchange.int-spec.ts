/** Import and export: the plan document round trip, milestone CSV upserts with dry runs, Decidim's results CSV. */
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { MilestoneStatus } from '../../libs/domain/src';
import { MilestoneEntity, MilestoneReplanningEntity } from '../../libs/persistence/src';
import { createPlanFixture, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

describe('import and export', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
  });

  afterAll(async () => {
    await system?.close();
  });

  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString();

  /** A plan with weights, a replanning, a cancellation, a committee and both assessments. */
  async function richPlan(): Promise<PlanFixture> {
    const fixture = await createPlanFixture(system, { status: 'draft' });
    const http = () => system.http();
    await http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).set('If-Match', '"1"').send({ externalId: 'C1', sdgTags: [11, 16], challengeArea: 'public_participation' }).expect(200);
    const a = await http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).send({ title: 'Framework agreed', externalId: 'C1.1', startAt: day(0), dueAt: day(30), responsibleAgencyId: fixture.agencyId }).expect(201);
    const b = await http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).send({ title: 'Tools evaluated', externalId: 'C1.2', startAt: day(0), dueAt: day(60), responsibleAgencyId: fixture.agencyId, verifiable: false }).expect(201);
    const c = await http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).send({ title: 'Dropped', externalId: 'C1.3', startAt: day(0), dueAt: day(90), responsibleAgencyId: fixture.agencyId }).expect(201);
    const commitment = await http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).expect(200);
    await http().put(`/commitments/${fixture.commitmentId}/milestone-weights`).set(fixture.coordinator).set('If-Match', commitment.headers.etag).send({ weights: [{ milestoneId: a.body.id, weight: 0.5 }, { milestoneId: b.body.id, weight: 0.3 }, { milestoneId: c.body.id, weight: 0.2 }] }).expect(200);
    const etag = async (id: string) => (await http().get(`/milestones/${id}`).set(fixture.coordinator).expect(200)).headers.etag;
    await http().post(`/milestones/${b.body.id}/replan`).set(fixture.coordinator).set('If-Match', await etag(b.body.id)).send({ dueAt: day(75), reason: 'Waiting for the new portal' }).expect(200);
    await http().post(`/milestones/${c.body.id}/cancel`).set(fixture.coordinator).set('If-Match', await etag(c.body.id)).send({ reason: 'Merged into C1.2' }).expect(200);
    await http().post(`/commitments/${fixture.commitmentId}/committee/members`).set(fixture.coordinator).send({ kind: 'government_referent', name: 'Open Government referent', organisation: 'Directorate of Open Government' }).expect(201);
    await http().post(`/commitments/${fixture.commitmentId}/assessments`).set(fixture.coordinator).send({ completion: 'limited', narrative: 'Started.' }).expect(201);
    return fixture;
  }

  it('exports a plan that imports into an empty jurisdiction and exports again identically', async () => {
    const source = await richPlan();
    const first = await system.http().get(`/plans/${source.planId}/export`).set(source.coordinator).expect(200);
    expect(first.body.format).toBe('ogp-local-monitor/plan@1');
    expect(first.body.commitments[0].milestones).toHaveLength(3);
    expect(JSON.stringify(first.body)).not.toContain(source.planId);

    const target = await createEmptyJurisdiction();
    const dry = await system.http().post(`/jurisdictions/${target.jurisdictionId}/plans/import`).query({ dryRun: true }).set(target.coordinator).send(first.body).expect(200);
    expect(dry.body).toMatchObject({ dryRun: true, valid: true, planId: null, summary: { commitments: 1, milestones: 3, agenciesCreated: 1 } });
    const agenciesAfterDryRun = await system.http().get(`/jurisdictions/${target.jurisdictionId}/agencies`).set(target.coordinator).expect(200);
    expect(agenciesAfterDryRun.body).toEqual([]);

    const imported = await system.http().post(`/jurisdictions/${target.jurisdictionId}/plans/import`).set(target.coordinator).send(first.body).expect(200);
    expect(imported.body.valid).toBe(true);
    const second = await system.http().get(`/plans/${imported.body.planId}/export`).set(target.coordinator).expect(200);
    expect(second.body).toEqual(first.body);
  });

  it('refuses an invalid document with every error named, and writes nothing', async () => {
    const source = await richPlan();
    const doc = (await system.http().get(`/plans/${source.planId}/export`).set(source.coordinator).expect(200)).body;
    doc.plan.periodEnd = '2099-01-01';
    doc.commitments[0].milestones[0].responsibleAgency = 'Unknown Secretariat';
    doc.commitments[0].milestones[1].weight = 0.9;
    const target = await createEmptyJurisdiction();
    const dry = await system.http().post(`/jurisdictions/${target.jurisdictionId}/plans/import`).query({ dryRun: 'true' }).set(target.coordinator).send(doc).expect(200);
    expect(dry.body.valid).toBe(false);
    expect(dry.body.errors.map((e: { field: string }) => e.field)).toEqual(['plan.periodEnd', 'commitments.0.milestones', 'commitments.0.milestones.0.responsibleAgency']);
    const real = await system.http().post(`/jurisdictions/${target.jurisdictionId}/plans/import`).set(target.coordinator).send(doc).expect(422);
    expect(real.body.errors).toHaveLength(3);
    const plans = await system.http().get('/plans').query({ jurisdictionId: target.jurisdictionId }).set(target.coordinator).expect(200);
    expect(plans.body.total).toBe(0);
  });

  it('upserts milestones from CSV by external id, with a dry run that reports per row and changes nothing', async () => {
    const fixture = await richPlan();
    const agencyName = 'Secretariat of Modernization and Proximity';
    const csv = [
      'commitment_external_id,external_id,title,expected_output,start_date,due_date,responsible_agency,weight,verifiable,completion',
      `C1,C1.1,Framework agreed and published,Framework document,${day(0).slice(0, 10)},${day(30).slice(0, 10)},${agencyName},0.4,yes,`,
      `C1,C1.4,Public report,Report,${day(0).slice(0, 10)},${day(100).slice(0, 10)},${agencyName},0.1,yes,`,
      `C9,C9.1,Orphan,,${day(0).slice(0, 10)},${day(10).slice(0, 10)},${agencyName},,yes,`,
      `C1,C1.5,Bad dates,,${day(20).slice(0, 10)},${day(10).slice(0, 10)},Nobody,,maybe,`,
    ].join('\n');
    const url = `/plans/${fixture.planId}/milestones/import`;
    const dry = await system.http().post(url).query({ dryRun: true }).set(fixture.coordinator).set('content-type', 'text/csv').send(csv).expect(200);
    expect(dry.body.valid).toBe(false);
    expect(dry.body.errors.map((e: { line: number; field: string }) => `${e.line}:${e.field}`)).toEqual(expect.arrayContaining(['4:commitment_external_id', '5:verifiable']));
    await system.http().post(url).set(fixture.coordinator).set('content-type', 'text/csv').send(csv).expect(422);
    const before = await system.http().get(`/plans/${fixture.planId}/milestones`).set(fixture.coordinator).expect(200);
    expect(before.body.items.map((m: { title: string }) => m.title)).not.toContain('Public report');

    const good = csv.split('\n').slice(0, 3).join('\n');
    const ok = await system.http().post(url).set(fixture.coordinator).set('content-type', 'text/csv').send(good).expect(200);
    expect(ok.body).toMatchObject({ valid: true, summary: { created: 1, updated: 1 } });
    const after = await system.http().get(`/plans/${fixture.planId}/milestones`).set(fixture.coordinator).expect(200);
    const titles = after.body.items.map((m: { title: string; weight: number }) => [m.title, m.weight]);
    expect(titles).toEqual(expect.arrayContaining([['Framework agreed and published', 0.4], ['Public report', 0.1]]));
    const again = await system.http().post(url).set(fixture.coordinator).set('content-type', 'text/csv').send(good).expect(200);
    expect(again.body.summary).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
  });

  it('refuses per row to move the due date of a milestone under review or completed, as replanning through the API does', async () => {
    const fixture = await richPlan();
    const db = system.api.get(DataSource);
    const listed = await system.http().get(`/plans/${fixture.planId}/milestones`).set(fixture.coordinator).expect(200);
    const byExternalId = new Map<string, { id: string; dueAt: string }>(listed.body.items.map((m: { externalId: string; id: string; dueAt: string }) => [m.externalId, m]));
    await db.getRepository(MilestoneEntity).update({ id: byExternalId.get('C1.1')!.id }, { status: MilestoneStatus.UnderReview });
    await db.getRepository(MilestoneEntity).update({ id: byExternalId.get('C1.2')!.id }, { status: MilestoneStatus.Completed });
    const agencyName = 'Secretariat of Modernization and Proximity';
    const header = 'commitment_external_id,external_id,title,expected_output,start_date,due_date,responsible_agency,weight,verifiable,completion';
    const url = `/plans/${fixture.planId}/milestones/import`;
    // The API refuses these replannings...
    const etag = (await system.http().get(`/milestones/${byExternalId.get('C1.1')!.id}`).set(fixture.coordinator).expect(200)).headers.etag;
    await system.http().post(`/milestones/${byExternalId.get('C1.1')!.id}/replan`).set(fixture.coordinator).set('If-Match', etag).send({ dueAt: day(40), reason: 'Later' }).expect(409);
    // ...and so does the import, row by row.
    const moved = [
      header,
      `C1,C1.1,Framework agreed,,${day(0).slice(0, 10)},${day(40).slice(0, 10)},${agencyName},0.5,yes,`,
      `C1,C1.2,Tools evaluated,,${day(0).slice(0, 10)},${day(80).slice(0, 10)},${agencyName},0.3,no,`,
    ].join('\n');
    const dry = await system.http().post(url).query({ dryRun: true }).set(fixture.coordinator).set('content-type', 'text/csv').send(moved).expect(200);
    expect(dry.body.valid).toBe(false);
    expect(dry.body.errors).toEqual([
      { line: 2, field: 'due_date', message: 'That milestone is under_review: its due date cannot be moved' },
      { line: 3, field: 'due_date', message: 'That milestone is completed: its due date cannot be moved' },
    ]);
    await system.http().post(url).set(fixture.coordinator).set('content-type', 'text/csv').send(moved).expect(422);
    const after = await db.getRepository(MilestoneEntity).findBy({ commitmentId: fixture.commitmentId });
    for (const m of after.filter((m) => m.externalId === 'C1.1' || m.externalId === 'C1.2')) expect(m.dueAt.toISOString()).toBe(byExternalId.get(m.externalId!)!.dueAt);
    expect(await db.getRepository(MilestoneReplanningEntity).countBy({ milestoneId: byExternalId.get('C1.1')!.id })).toBe(0);
  });

  it("exports progress in Decidim's accountability results layout", async () => {
    const fixture = await richPlan();
    const response = await system.http().get(`/plans/${fixture.planId}/progress.csv`).set(fixture.coordinator).expect(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const rows = parse(response.text, { columns: true, delimiter: ';' }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(['id', 'parent/id', 'title/es', 'description/es', 'start_date', 'end_date', 'status/id', 'progress', 'external_id', 'weight']);
    expect(rows[0]).toMatchObject({ id: '1', 'parent/id': '', 'title/es': 'Dynamic and evaluable citizen-participation tools', external_id: fixture.commitmentId });
    expect(rows.slice(1).map((r) => [r['parent/id'], r['title/es']])).toEqual([
      ['1', 'Framework agreed'],
      ['1', 'Tools evaluated'],
      ['1', 'Dropped'],
    ]);
  });

  async function createEmptyJurisdiction() {
    const suffix = Math.random().toString(36).slice(2, 8);
    const jurisdiction = await system.http().post('/jurisdictions').set(system.adminAuth).send({ slug: `empty-${suffix}`, name: `Empty ${suffix}`, country: 'EC', timeZone: 'America/Guayaquil', defaultLanguage: 'es' }).expect(201);
    const token = await system.http().post(`/jurisdictions/${jurisdiction.body.id}/tokens`).set(system.adminAuth).send({ role: 'coordinator', label: 'Riobamba coordinator' }).expect(201);
    return { jurisdictionId: jurisdiction.body.id as string, coordinator: { Authorization: `Bearer ${token.body.token}` } };
  }
});
