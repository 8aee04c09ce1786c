/**
 * Open data without a token, read as a stranger would: a published plan with commitments, a
 * replanned, a completed (accepted evidence), an overdue and escalated milestone and both
 * assessments; its plan.csv (csv-parse: the documented columns, formula cells escaped), the Decidim
 * results CSV (header equal to Decidim's own), the Atom feed (@rowanmanning/feed-parser) and the
 * iCalendar feed (ical.js); CORS, Cache-Control, ETag and Last-Modified with 304s; a draft plan is
 * 404; the digest archive without the emailed bodies; and the public read cache (2 s here) serving a
 * read again until its TTL passes.
 */
import { randomBytes } from 'node:crypto';
import { parseFeed } from '@rowanmanning/feed-parser';
import { parse } from 'csv-parse/sync';
import ICAL from 'ical.js';
import { DataSource } from 'typeorm';
import { CheckInStatus, MeetingMode, PLAN_CSV_COLUMNS } from '../../libs/domain/src';
import { MESSAGE_CATALOGS } from '../../libs/mail/src';
import { CheckInEntity, DigestIssueEntity, EscalationEntity, EscalationStatus, EvidenceEntity, EvidenceRequestEntity, EvidenceRequestStatus, EvidenceReviewEntity, MilestoneEntity } from '../../libs/persistence/src';
import { PublicReadCache } from '../../apps/api/src/public/public-read-cache';
import { createPlanFixture, eventually, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

/**
 * The header of Decidim's own results CSV, which its results importer spec reads: decidim/decidim,
 * decidim-accountability/spec/fixtures/valid_result.csv at commit 32f006ccdc17140c6223a966de7862a2799a825c
 * (written by lib/decidim/accountability/result_serializer.rb, read by name by
 * app/services/decidim/accountability/results_csv_importer.rb), for the locales ca, en, es.
 */
const DECIDIM_FIXTURE_HEADER =
  'id;category/id;category/name/ca;category/name/en;category/name/es;scope/id;scope/name/ca;scope/name/en;scope/name/es;parent/id;title/ca;title/en;title/es;description/ca;description/en;description/es;start_date;end_date;status/id;status/key;status/name/ca;status/name/en;status/name/es;progress;created_at;url;component/id;proposal_urls';

/** Decidim's header with its translated column groups for this system's locales instead of ca, en, es. */
const decidimHeaderFor = (locales: string[]) => DECIDIM_FIXTURE_HEADER.replace(/([a-z/]+)\/ca;\1\/en;\1\/es/g, (_all, field: string) => locales.map((l) => `${field}/${l}`).join(';')).split(';');

/** Long enough that a read, a PATCH and a read again fit in it on a busy machine. */
const CACHE_SECONDS = 2;

describe('open data', () => {
  let system: TestSystem;
  let db: DataSource;
  let fixture: PlanFixture;
  let imb: { Authorization: string };
  let draftPlanId: string;
  const ids: Record<'replanned' | 'completed' | 'overdue' | 'formula' | 'escalation' | 'second', string> = {} as never;
  const http = () => system.http();
  const days = (n: number) => new Date(Date.now() + n * 86_400_000);
  const secret = randomBytes(6).toString('hex');
  const plan = (suffix = '') => `/public/plans/${fixture.planId}${suffix}`;

  beforeAll(async () => {
    // No worker: the milestones' workflows wait in Temporal, and the rows written below stay as written.
    system = await startTestSystem({ worker: false, config: { publicCacheSeconds: CACHE_SECONDS } });
    db = system.api.get(DataSource);
    fixture = await createPlanFixture(system);
    const auth = fixture.coordinator;
    const imbToken = await http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(system.adminAuth).send({ role: 'imb', label: `IMB person ${secret}` }).expect(201);
    imb = { Authorization: `Bearer ${imbToken.body.token}` };
    const milestone = async (commitmentId: string, title: string, dueInDays: number) =>
      (await http().post(`/commitments/${commitmentId}/milestones`).set(auth).send({ title, startAt: days(1).toISOString(), dueAt: days(dueInDays).toISOString(), responsibleAgencyId: fixture.agencyId }).expect(201)).body as { id: string; version: number };

    const replanned = await milestone(fixture.commitmentId, 'Participation portal launched', 200);
    ids.replanned = replanned.id;
    await http().post(`/milestones/${replanned.id}/replan`).set(auth).set('If-Match', `"${replanned.version}"`).send({ dueAt: days(250).toISOString(), reason: '-Procurement delayed by the council' }).expect(200);
    ids.completed = (await milestone(fixture.commitmentId, 'Participation rules adopted', 100)).id;
    ids.overdue = (await milestone(fixture.commitmentId, 'First public hearing held', 150)).id;
    const second = await http().post(`/plans/${fixture.planId}/commitments`).set(auth).send({ title: '=HYPERLINK("http://evil.example","open")', leadAgencyId: fixture.agencyId, ogpValues: ['access_to_information', 'public_accountability'] }).expect(201);
    ids.second = second.body.id;
    ids.formula = (await milestone(second.body.id, '+Open contracting data', 300)).id;
    await http().post(`/commitments/${fixture.commitmentId}/assessments`).set(auth).send({ completion: 'substantial', narrative: 'Two of three milestones are on track.' }).expect(201);
    await http().post(`/commitments/${fixture.commitmentId}/assessments`).set(imb).send({ completion: 'limited', potentialForResults: 'modest', didItOpenGovernment: 'marginal', narrative: 'The hearing is late.' }).expect(201);

    // What workflows and reviewers would have written: accepted evidence, an overdue milestone and its escalation.
    const milestones = db.getRepository(MilestoneEntity);
    await milestones.update({ id: ids.completed }, { status: 'completed', completion: 'complete' });
    const request = await db.getRepository(EvidenceRequestEntity).save({ milestoneId: ids.completed, cycle: 1, status: EvidenceRequestStatus.Fulfilled, dueAt: days(90), linkExpiresAt: days(95), fulfilledAt: days(-2) });
    const evidence = await db.getRepository(EvidenceEntity).save({ milestoneId: ids.completed, evidenceRequestId: request.id, narrative: 'Decree 12/2027', links: [], claimedCompletion: 'complete', isPublic: true, submittedBy: `agency person ${secret}` });
    await db.getRepository(EvidenceReviewEntity).save({ evidenceId: evidence.id, milestoneId: ids.completed, decision: 'accepted', completion: 'complete', comments: null, reviewer: `reviewer ${secret}` });
    await milestones.update({ id: ids.overdue }, { status: 'overdue', startAt: days(-60), dueAt: days(-10) });
    ids.escalation = (await db.getRepository(EscalationEntity).save({ milestoneId: ids.overdue, cycle: 1, level: 1, reason: 'overdue', status: EscalationStatus.Open, recommendation: 'Publish a new calendar', raisedAt: days(-3) })).id;
    await db.getRepository(CheckInEntity).save({
      planId: fixture.planId,
      scheduledFor: days(20),
      startsAt: days(20),
      durationMinutes: 90,
      mode: MeetingMode.InPerson,
      address: 'Palacio Municipal',
      onlineUrl: null,
      status: CheckInStatus.Scheduled,
      agenda: [{ kind: 'other', title: 'Progress review', durationMinutes: 30, commitmentId: null, links: [] }],
    });
    await db.getRepository(DigestIssueEntity).save([
      { planId: fixture.planId, month: '2027-03', language: 'es', subject: 'Resumen de marzo', html: `<a href="%%unsubscribe_url%%">${secret}</a>`, text: `%%unsubscribe_url%% ${secret}`, content: { schema: 1, planId: fixture.planId, month: '2027-03' } as never },
      { planId: fixture.planId, month: '2027-03', language: 'en', subject: 'March summary', html: `<a href="%%unsubscribe_url%%">${secret}</a>`, text: `%%unsubscribe_url%% ${secret}`, content: { schema: 1, planId: fixture.planId, month: '2027-03' } as never },
    ]);
    draftPlanId = (await createPlanFixture(system, { status: 'draft' })).planId;
  }, 120_000);

  afterAll(async () => {
    await system?.close();
  });

  describe('plan.csv', () => {
    it('has the documented columns and one row per milestone with its commitment, in OGP’s vocabulary', async () => {
      const res = await http().get(plan('/plan.csv')).expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const rows = parse(res.text, { columns: true }) as Record<string, string>[];
      const header = (parse(res.text, { to_line: 1 }) as string[][])[0];
      expect(header).toEqual(PLAN_CSV_COLUMNS.map((c) => c.name));
      expect(header).toEqual(expect.arrayContaining(['commitment_id', 'commitment_title', 'lead_agency', 'ogp_values', 'milestone_id', 'milestone_title', 'start', 'due', 'original_due', 'milestone_status', 'milestone_completion', 'verifiable', 'replanned_count', 'last_replanning_reason', 'government_assessment_completion', 'imb_assessment_completion']));
      expect(rows.map((r) => r.milestone_id).sort()).toEqual([ids.replanned, ids.completed, ids.overdue, ids.formula].sort());
      const byId = new Map(rows.map((r) => [r.milestone_id, r]));
      expect(byId.get(ids.completed)).toMatchObject({
        commitment_id: fixture.commitmentId,
        lead_agency: 'Secretariat of Modernization and Proximity',
        ogp_values: 'civic_participation',
        milestone_status: 'completed',
        milestone_completion: 'complete',
        verifiable: 'true',
        government_assessment_completion: 'substantial',
        imb_assessment_completion: 'limited',
        imb_did_it_open_government: 'marginal',
        commitment_completion: expect.any(String),
      });
      const replanned = byId.get(ids.replanned)!;
      expect(replanned.replanned_count).toBe('1');
      expect(new Date(replanned.due).getTime()).toBeGreaterThan(new Date(replanned.original_due).getTime());
      expect(byId.get(ids.formula)!.ogp_values).toBe('access_to_information|public_accountability');
    });

    it('escapes formula-looking cells', async () => {
      const rows = parse((await http().get(plan('/plan.csv')).expect(200)).text, { columns: true }) as Record<string, string>[];
      const byId = new Map(rows.map((r) => [r.milestone_id, r]));
      expect(byId.get(ids.formula)).toMatchObject({ commitment_title: '\'=HYPERLINK("http://evil.example","open")', milestone_title: "'+Open contracting data" });
      expect(byId.get(ids.replanned)!.last_replanning_reason).toBe("'-Procurement delayed by the council");
      for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    });
  });

  describe('decidim-results.csv', () => {
    it("has the header of Decidim's results file and commitments before their milestones", async () => {
      const res = await http().get(plan('/decidim-results.csv')).expect(200);
      const [header, ...rows] = parse(res.text, { delimiter: ';' }) as string[][];
      expect(header).toEqual(decidimHeaderFor(['en', 'es', 'fr', 'pt']));
      const at = (row: string[], name: string) => row[header.indexOf(name)];
      const parents = rows.filter((r) => at(r, 'parent/id') === '');
      expect(parents.map((r) => at(r, 'title/es'))).toEqual(['Dynamic and evaluable citizen-participation tools', '\'=HYPERLINK("http://evil.example","open")']);
      const children = rows.filter((r) => at(r, 'parent/id') === at(parents[0], 'id'));
      expect(children.map((r) => at(r, 'title/es')).sort()).toEqual(['First public hearing held', 'Participation portal launched', 'Participation rules adopted']);
      expect(at(children.find((r) => at(r, 'title/es') === 'Participation rules adopted')!, 'progress')).toBe('100');
      expect(rows.every((r) => /^\d+$/.test(at(r, 'id')) && /^\d{4}-\d{2}-\d{2}$/.test(at(r, 'start_date')))).toBe(true);
    });
  });

  describe('feed.atom', () => {
    it('parses as Atom and carries the completion, overdue, replanning, escalation and both assessments, with stable ids', async () => {
      const res = await http().get(plan('/feed.atom?lang=en')).expect(200);
      expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
      const feed = parseFeed(res.text);
      const byKind = (kind: string) => feed.items.filter((i) => i.categories.some((c) => c.term === kind));
      expect(byKind('milestone_completed').map((i) => i.title)).toEqual(['Completed: Participation rules adopted']);
      expect(byKind('milestone_overdue').map((i) => i.title)).toEqual(['Overdue: First public hearing held']);
      expect(byKind('milestone_replanned')).toHaveLength(1);
      expect(byKind('milestone_replanned')[0].description).toContain('-Procurement delayed by the council');
      expect(byKind('escalated')[0].description).toContain('Publish a new calendar');
      expect(byKind('assessment_published').map((i) => i.title).sort()).toEqual([`Government's self-assessment: Dynamic and evaluable citizen-participation tools`, `Independent Monitoring Body's assessment: Dynamic and evaluable citizen-participation tools`]);
      expect(byKind('escalated')[0].id).toBe(`tag:127.0.0.1,2025:plan/${fixture.planId}/escalation/${ids.escalation}`);
      expect(feed.items.every((i) => i.updated instanceof Date && i.id?.startsWith('tag:'))).toBe(true);
      // Newest first.
      const times = feed.items.map((i) => i.updated!.getTime());
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(res.text).not.toContain(secret);
      expect(res.text).not.toMatch(/@test\.example/);
    });

    it('speaks the jurisdiction’s language by default and refuses an unknown one', async () => {
      const feed = parseFeed((await http().get(plan('/feed.atom')).expect(200)).text);
      expect(feed.items.find((i) => i.categories.some((c) => c.term === 'milestone_completed'))!.title).toBe(`${MESSAGE_CATALOGS.es.publicPage.commitment.milestoneStatus.completed}: Participation rules adopted`);
      const refused = await http().get(plan('/feed.atom?lang=xx')).expect(422);
      expect(refused.body.errors[0].field).toBe('lang');
    });
  });

  it('check-ins.ics parses with ical.js', async () => {
    const res = await http().get(plan('/check-ins.ics')).expect(200);
    const calendar = new ICAL.Component(ICAL.parse(res.text));
    expect(calendar.getAllSubcomponents('vevent').map((e) => e.getFirstPropertyValue('location'))).toEqual(['Palacio Municipal']);
  });

  describe('digests', () => {
    it('lists the archive and serves a month in a language, falling back to the jurisdiction’s, never the emailed bodies', async () => {
      const list = await http().get(plan('/digests')).expect(200);
      expect(list.body).toEqual([expect.objectContaining({ month: '2027-03', language: 'en', subject: 'March summary' }), expect.objectContaining({ month: '2027-03', language: 'es', subject: 'Resumen de marzo' })]);
      const en = await http().get(plan('/digests/2027-03?lang=en')).expect(200);
      expect(en.body).toMatchObject({ month: '2027-03', language: 'en', availableLanguages: ['es', 'en'], subject: 'March summary', content: { schema: 1 } });
      const fr = await http().get(plan('/digests/2027-03?lang=fr')).expect(200);
      expect(fr.body.language).toBe('es');
      for (const res of [list, en, fr]) expect(res.text).not.toMatch(new RegExp(`%%|${secret}`));
      await http().get(plan('/digests/2027-04')).expect(404);
      expect((await http().get(plan('/digests/march')).expect(422)).body.errors[0].field).toBe('month');
    });
  });

  describe('HTTP for everyone', () => {
    const routes = ['', '/plan.csv', '/decidim-results.csv', '/feed.atom', '/check-ins.ics', '/check-ins', '/digests', '/digests/2027-03'];

    it.each(routes)('%s: CORS for any origin (GET, HEAD, no credentials), Cache-Control, ETag and Last-Modified', async (suffix) => {
      const res = await http().get(plan(suffix)).set('Origin', 'https://news.example').expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+/);
      expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(new Date(res.headers['last-modified']).getTime()).toBeLessThanOrEqual(Date.now());
    });

    it.each(routes)('%s: 304 on If-None-Match and on If-Modified-Since', async (suffix) => {
      const first = await http().get(plan(suffix)).expect(200);
      const again = await http().get(plan(suffix)).set('If-None-Match', first.headers.etag).expect(304);
      expect(again.text).toBe('');
      expect(again.headers.etag).toBe(first.headers.etag);
      await http().get(plan(suffix)).set('If-Modified-Since', first.headers['last-modified']).expect(304);
      await http().get(plan(suffix)).set('If-None-Match', '"something-else"').expect(200);
      await http().get(plan(suffix)).set('If-Modified-Since', new Date(Date.parse(first.headers['last-modified']) - 60_000).toUTCString()).expect(200);
    });

    it('HEAD answers with the headers and no body', async () => {
      const res = await http().head(plan('/plan.csv')).expect(200);
      expect(res.headers.etag).toMatch(/^"/);
      expect(res.text ?? '').toBe('');
    });

    it.each(routes)('%s of a draft plan is 404 problem+json (with CORS, without Cache-Control)', async (suffix) => {
      const res = await http().get(`/public/plans/${draftPlanId}${suffix}`).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['cache-control'] ?? '').not.toMatch(/public/);
    });

    it('the open data routes are in the OpenAPI document, plan.csv with its columns', async () => {
      const doc = (await http().get('/docs-json').expect(200)).body;
      for (const path of ['/public/plans/{planId}/plan.csv', '/public/plans/{planId}/decidim-results.csv', '/public/plans/{planId}/feed.atom', '/public/plans/{planId}/check-ins.ics', '/public/plans/{planId}/digests', '/public/plans/{planId}/digests/{month}']) {
        expect(doc.paths[path]?.get?.summary).toEqual(expect.any(String));
      }
      const description = doc.paths['/public/plans/{planId}/plan.csv'].get.description as string;
      for (const column of PLAN_CSV_COLUMNS) expect(description).toContain(`\`${column.name}\``);
    });
  });

  describe('the public read cache', () => {
    it(`serves a read again for ${CACHE_SECONDS} s: a new title shows once the TTL has passed`, async () => {
      system.api.get(PublicReadCache).evict(); // the read below loads, so the TTL starts now
      const before = await http().get(plan()).expect(200);
      const current = await http().get(`/plans/${fixture.planId}`).set(fixture.coordinator).expect(200);
      const title = `Renamed plan ${randomBytes(3).toString('hex')}`;
      await http().patch(`/plans/${fixture.planId}`).set(fixture.coordinator).set('If-Match', current.headers.etag).send({ title }).expect(200);
      const cached = await http().get(plan()).expect(200);
      expect(cached.body.title).toBe(before.body.title);
      expect(cached.headers.etag).toBe(before.headers.etag);
      const fresh = await eventually(
        () => http().get(plan()).expect(200),
        (res) => res.body.title === title,
        { timeoutMs: (CACHE_SECONDS + 4) * 1000, everyMs: 250, description: 'the new title on the public plan once the cache TTL has passed' },
      );
      expect(fresh.headers.etag).not.toBe(before.headers.etag);
      expect(Date.parse(fresh.headers['last-modified'])).toBeGreaterThanOrEqual(Date.parse(before.headers['last-modified']));
    });
  });
});
