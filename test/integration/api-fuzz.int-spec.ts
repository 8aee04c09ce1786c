/**
 * Property-based fuzzing (fast-check) of every writing route (POST, PUT, PATCH, DELETE) of the
 * OpenAPI document the running API serves at /docs-json, the /p/ subscription form included. Each
 * route gets requests whose bodies are generated from its schema (test/support/fuzz/openapi-arbitraries.ts):
 * valid-ish ones, ones broken in one place (wrong type, missing required field, extra field, huge
 * string, NUL and control characters, lone surrogates, deep nesting, an array for an object) and
 * bodies that are not what the route reads (text that is not JSON, JSON cut short, another content
 * type, nothing); the evidence routes also get multipart forms from their form schema (fields broken
 * the same way, odd files, forms cut short). Path parameters are real fixture ids most of the time and random text sometimes;
 * the token is the right role's most of the time, none or a forged one sometimes; If-Match is the
 * current ETag most of the time. Malformed-input.int-spec.ts has the hand-written cases and what each
 * error must name; this file looks for what nobody thought of.
 *
 * Properties, for every request:
 *  1. no answer ≥ 500 (a 503 with Retry-After, the designed "Temporal did not answer" of routes that
 *     hand over to a workflow, is counted and printed instead: no worker runs here);
 *  2. every 4xx is RFC 7807 problem+json with its status, except the HTML form routes (/p/…/subscribe
 *     and the subscriber links under /subscriptions/), whose 4xx may also be text/html;
 *  3. after a refused request (4xx, or that 503) the database is unchanged.
 *
 * The database is this file's own (created and migrated here, dropped at the end), so no other test
 * file's writes can show up in (3). Its check: before and after every request, a cheap digest of
 * every application table (row count and the largest xmin, which any committed INSERT, UPDATE or
 * DELETE moves: a new row version has a new transaction id, a removal changes the count); for every
 * FULL_EVERY-th request also a full one (md5 of every row's text, per table).
 *
 * Seed: FUZZ_SEED (default below) is printed; `FUZZ_SEED=<n> npx jest test/integration/api-fuzz.int-spec.ts`
 * replays a run. Each route's property runs with seed + its index; a failure prints the shrunk request.
 * FUZZ_RUNS changes the total (default 10 000 requests across routes).
 */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CheckInStatus } from '../../libs/domain/src';
import {
  ActionItemEntity,
  ActionPlanEntity,
  CheckInEntity,
  EscalationEntity,
  EscalationStatus,
  EvidenceEntity,
  EvidenceRequestEntity,
  EvidenceRequestStatus,
  OutboxMessageEntity,
  OutboxStatus,
  SubscriberEntity,
} from '../../libs/persistence/src';
import { signUploadLink, subscriberLinks } from '../../libs/security/src';
import { dropDatabase, ensureDatabase } from '../../infra/dev-stack/embedded-postgres';
import { createPlanFixture, insertCheckIn, PlanFixture } from '../support/fixtures';
import { malformed, nastyString, OpenApiDocument, Operation, rawText, resolve, Schema, validish } from '../support/fuzz/openapi-arbitraries';
import { startTestSystem, TestSystem } from '../support/test-system';

const DEFAULT_SEED = 20261129;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : DEFAULT_SEED;
const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/** A full snapshot (md5 of every row) every this many requests; the cheap digest on all of them. */
const FULL_EVERY = 25;
/**
 * Columns written in the background whatever the request: a token's last use (the request was
 * authenticated), and the delivery state of emails queued earlier (subscriber emails go out through
 * the outbox right after an accepted request's answer). A refused request that queued an email, or
 * changed what one says, still shows: every other column of those tables is compared.
 */
/** Routes whose accepted requests queue an email after the answer (SubscriberMailer sends it on setImmediate). */
const MAILS_AFTER_ANSWER = /^\/(p|public|subscriptions)\/|\/subscribers\//;
const BOOKKEEPING: Record<string, string[]> = { api_token: ['last_used_at'], outbox_message: ['status', 'attempts', 'last_error', 'sent_at'] };

type Method = 'post' | 'put' | 'patch' | 'delete';
interface Route {
  method: Method;
  path: string;
  op: Operation;
  /** What the body is, from the document's requestBody. */
  kind: 'json' | 'form' | 'csv' | 'none';
  schema?: Schema;
  /** The HTML form routes: their 4xx may be text/html. */
  html: boolean;
  /** The multipart/form-data form the route also takes (the evidence routes), fuzzed beside its JSON. */
  multipart?: Schema;
}
interface FuzzRequest {
  params: Record<string, string>;
  auth: 'role' | 'none' | 'forged';
  ifMatch: 'current' | 'none' | string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: string | undefined;
  /** How the body was made (shown with a failure). */
  how: string;
}

/**
 * Requests the fuzzer found answered with a 500 (seed 20261129), replayed first on every run. `real`
 * gives the fixture's ids by parameter name.
 */
const REGRESSIONS: Record<string, ((real: Record<string, string[]>) => FuzzRequest)[]> = {
  // class-transformer recursed through 1 500 nested arrays into "Maximum call stack size exceeded".
  'POST /commitments/{commitmentId}/milestones': [(real) => json({ commitmentId: real.commitmentId[0] }, `${'['.repeat(1_500)}1${']'.repeat(1_500)}`)],
  // A lone surrogate made isEmail's encodeURI throw (URIError) inside validation.
  'POST /public/plans/{planId}/subscriptions': [(real) => json({ planId: real.subscribedPlanId[0] }, '{"email":"x\\udfff","language":"es","commitmentIds":[]}')],
  // `[[]]` passed @ValidateNested({ each: true }) and the handler read `links` of a list.
  'PUT /check-ins/{checkInId}/agenda': [(real) => ({ ...json({ checkInId: real.checkInId[0] }, '{"items":[[]]}'), ifMatch: 'current' })],
  // IsNumber({ maxDecimalPlaces }) read the digits after a "." of "3e-323" and threw.
  'PUT /commitments/{commitmentId}/milestone-weights': [(real) => ({ ...json({ commitmentId: real.commitmentId[0] }, JSON.stringify({ weights: [{ milestoneId: real.milestoneId[0], weight: 3e-323 }] })), ifMatch: 'current' })],
};
function json(params: Record<string, string>, body: string): FuzzRequest {
  return { params, auth: 'role', ifMatch: 'none', query: {}, contentType: 'application/json', body, how: 'regression' };
}

const days = (n: number) => new Date(Date.now() + n * 86_400_000);
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const hex = () => randomBytes(4).toString('hex');
const MILESTONE_CSV_HEADER = 'commitment_external_id,external_id,title,expected_output,start_date,due_date,responsible_agency,weight,verifiable,completion';
const SUBSCRIBER_CSV_HEADER = 'email;language;commitment_external_ids;consented_at';
/** The public page's subscription form has no requestBody in the document (it is an HTML form). */
const PAGE_FORM: Schema = { type: 'object', properties: { email: { type: 'string', format: 'email' }, language: { type: 'string', enum: ['es', 'en', 'fr', 'pt'] }, commitmentIds: { type: 'array', items: { type: 'string', format: 'uuid' } } }, required: ['email', 'language'] };

const safeEncode = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'));
  }
};
/** A JSON object as an HTML form sends it (arrays as repeated keys, anything else as its text). */
const formEncode = (value: unknown): string => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return typeof value === 'string' ? value : safeEncode(JSON.stringify(value) ?? '');
  return Object.entries(value as Record<string, unknown>)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((item) => `${safeEncode(k)}=${safeEncode(typeof item === 'string' ? item : (JSON.stringify(item) ?? ''))}`))
    .join('&');
};

const BOUNDARY = 'api-fuzz-boundary';
/** A multipart/form-data body written out by hand: each field a part (lists as repeated parts, other values as JSON), then the files. */
function multipartEncode(value: unknown, files: { filename: string; type: string; content: string }[]): string {
  const fields = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>) : [['body', value] as [string, unknown]];
  const parts = fields
    .filter(([key]) => key !== 'files')
    .flatMap(([key, v]) => (Array.isArray(v) ? v : [v]).map((item) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${typeof item === 'string' ? item : JSON.stringify(item)}\r\n`));
  const attached = files.map((f) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${f.filename}"\r\n${f.type ? `Content-Type: ${f.type}\r\n` : ''}\r\n${f.content}\r\n`);
  return [...parts, ...attached].join('') + `--${BOUNDARY}--\r\n`;
}

describe('fuzzing every writing route from the OpenAPI document', () => {
  let system: TestSystem;
  let db: DataSource;
  let f: PlanFixture;
  const database = { serverUrl: '', name: `ogp_fuzz_${process.pid}_${Date.now()}` };
  let routes: Route[] = [];
  /** Real values of each path parameter, by name (and by route for the ambiguous ones). */
  const real: Record<string, string[]> = {};
  const ids: string[] = [];
  const subs = { planId: '', commitmentId: '', manageToken: '', slug: '' };
  let uploadToken = '';
  let quickDigest = '';
  let fullDigest = '';
  let requestCount = 0;
  const unavailable: string[] = [];
  const statuses = new Map<string, number>();

  const http = () => system.http();

  beforeAll(async () => {
    // A database of this file's own: (3) then sees only what this file's requests wrote.
    const url = new URL(process.env.TEST_DATABASE_URL!);
    database.serverUrl = `${url.protocol}//${url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : ''}${url.host}`;
    await ensureDatabase(database.serverUrl, database.name);
    url.pathname = `/${database.name}`;
    const subscriberSecret = randomBytes(24).toString('base64url');
    system = await startTestSystem({
      worker: false,
      config: {
        databaseUrl: url.toString(),
        runMigrations: true,
        rateLimits: { publicPerMinute: 1_000_000, tokenPerMinute: 1_000_000 },
        subscribers: { linkSecret: subscriberSecret, confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: 1_000_000 },
        // Routes that wait on a workflow's answer (no worker polls here) give up after 0.3 s.
        temporal: { signalTimeoutSeconds: 0.3 } as TestSystem['config']['temporal'],
      },
    });
    db = system.api.get(DataSource);
    f = await createPlanFixture(system, { status: 'draft' });

    // Rows for every path parameter, as malformed-input.int-spec.ts makes them (no worker: evidence
    // requests, evidence, escalations, check-ins and a failed email are written as the activities would).
    const coord = f.coordinator;
    const milestone = async (commitmentId: string, title: string) =>
      (await http().post(`/commitments/${commitmentId}/milestones`).set(coord).send({ title, startAt: days(1).toISOString(), dueAt: days(20).toISOString(), responsibleAgencyId: f.agencyId, externalId: `M-${hex()}` }).expect(201)).body.id as string;
    const milestoneIds = [await milestone(f.commitmentId, 'Participation report'), await milestone(f.commitmentId, 'Second report')];
    await http().post(`/plans/${f.planId}/commitments`).set(coord).send({ title: 'Open data', leadAgencyId: f.agencyId, externalId: 'CSV1' }).expect(201);
    const memberIds = [(await http().post(`/commitments/${f.commitmentId}/committee/members`).set(coord).send({ kind: 'government_referent', name: 'Referent' }).expect(201)).body.id];
    const tokenIds = [(await http().post(`/jurisdictions/${f.jurisdictionId}/tokens`).set(coord).send({ role: 'imb', label: 'IMB' }).expect(201)).body.id];
    const requests = db.getRepository(EvidenceRequestEntity);
    const request = await requests.save({ milestoneId: milestoneIds[0], cycle: 1, status: EvidenceRequestStatus.Open, dueAt: days(20), linkExpiresAt: days(30) });
    uploadToken = signUploadLink({ evidenceRequestId: request.id, expiresAt: days(30) }, system.config.uploadLinkSecret);
    const reviewed = await requests.save({ milestoneId: milestoneIds[1], cycle: 1, status: EvidenceRequestStatus.Fulfilled, dueAt: days(20), linkExpiresAt: days(30), fulfilledAt: new Date() });
    const evidenceId = (await db.getRepository(EvidenceEntity).save({ milestoneId: milestoneIds[1], evidenceRequestId: reviewed.id, narrative: 'An inventory', links: [], claimedCompletion: 'complete', isPublic: false, submittedBy: 'upload-link' })).id;
    const escalationId = (await db.getRepository(EscalationEntity).save({ milestoneId: milestoneIds[1], cycle: 1, level: 1, reason: 'overdue', status: EscalationStatus.Open })).id;
    await http().put(`/plans/${f.planId}/check-in-schedule`).set(coord).send({ calendar: { dayOfWeek: ['TUESDAY'], hour: [{ start: 18 }], minute: [{ start: 0 }] }, mode: 'in_person', address: 'Palacio Municipal' }).expect(201);
    await http().put(`/plans/${f.planId}/digest-schedule`).set(coord).send({ calendar: { dayOfMonth: [{ start: 1 }], hour: [{ start: 9 }], minute: [{ start: 0 }] } }).expect(201);
    const checkIn = (values: Partial<CheckInEntity> = {}) => insertCheckIn(db, { planId: f.planId, ...values });
    const checkInIds = [await checkIn(), await checkIn({ startsAt: days(-1), status: CheckInStatus.Invited, invitationsSentAt: days(-8) }), await checkIn({ startsAt: days(-3), status: CheckInStatus.Closed, closedAt: days(-2), minutes: 'Met.' })];
    const actionItemIds = [(await db.getRepository(ActionItemEntity).save({ checkInId: checkInIds[2], planId: f.planId, title: 'Publish the calendar', ownerName: 'Ana', ownerEmail: 'ana@colectivo.example', ownerLanguage: 'es', dueAt: days(10), status: 'open' as ActionItemEntity['status'] })).id];
    const messageIds = [
      (
        await db.getRepository(OutboxMessageEntity).save({ idempotencyKey: `fuzz:${hex()}`, toAddress: 'failed@test.example', subject: 'Evidence requested', textBody: 'Text', htmlBody: '<p>HTML</p>', status: OutboxStatus.Failed, attempts: 1, lastError: '550', messageId: `<${hex()}@ogp-monitor>`, jurisdictionId: f.jurisdictionId })
      ).id,
    ];
    await db.query(`INSERT INTO digest_send (plan_id, month, status, finished_at) VALUES ($1, '2030-01', 'completed', now())`, [f.planId]);
    // Subscribers: an active plan of their own with a commitment and a subscriber managed through its link.
    subs.planId = (await http().post('/plans').set(coord).send({ jurisdictionId: f.jurisdictionId, title: 'Subscribed plan', periodStart: isoDate(days(-1)), periodEnd: isoDate(days(300)), termEnd: isoDate(days(400)) }).expect(201)).body.id;
    subs.commitmentId = (await http().post(`/plans/${subs.planId}/commitments`).set(coord).send({ title: 'Open budget', leadAgencyId: f.agencyId, externalId: 'SUB1' }).expect(201)).body.id;
    await db.getRepository(ActionPlanEntity).update({ id: subs.planId }, { status: 'active' as ActionPlanEntity['status'] });
    const managed = await db.getRepository(SubscriberEntity).save({ planId: subs.planId, email: 'managed@vecinos.example', language: 'es', commitmentIds: [], status: 'confirmed' as const, consentSource: 'form' as const, consentedAt: new Date(), confirmedAt: new Date() });
    subs.manageToken = subscriberLinks('http://127.0.0.1', managed.id, subscriberSecret, null).preferencesUrl.split('/').pop()!;
    [{ slug: subs.slug }] = await db.query(`SELECT slug FROM jurisdiction WHERE id = $1`, [f.jurisdictionId]);

    Object.assign(real, {
      jurisdictionId: [f.jurisdictionId],
      agencyId: [f.agencyId],
      tokenId: tokenIds,
      planId: [f.planId],
      commitmentId: [f.commitmentId],
      milestoneId: milestoneIds,
      memberId: memberIds,
      evidenceId: [evidenceId],
      escalationId: [escalationId],
      checkInId: checkInIds,
      actionItemId: actionItemIds,
      messageId: messageIds,
      month: ['2030-01', isoDate(new Date()).slice(0, 7)],
      slug: [subs.slug],
    });
    ids.push(...Object.values(real).flat().filter((v) => /^[0-9a-f-]{36}$/.test(v)), subs.planId, subs.commitmentId);

    const doc = (await http().get('/docs-json').expect(200)).body as OpenApiDocument;
    routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      (Object.entries(operations) as [string, Operation][])
        .filter(([m]) => ['post', 'put', 'patch', 'delete'].includes(m))
        .map(([method, op]): Route => {
          const content = op.requestBody?.content ?? {};
          const html = path.startsWith('/p/') || path.startsWith('/subscriptions/');
          if (path.startsWith('/p/')) return { method: method as Method, path, op, kind: 'form', schema: PAGE_FORM, html };
          if (content['text/csv']) return { method: method as Method, path, op, kind: 'csv', html };
          if (content['application/json']) {
            const schema = content['application/json'].schema;
            // The evidence routes take JSON or a multipart form (each a oneOf: the DTO, then the form's fields).
            const form = content['multipart/form-data']?.schema;
            return { method: method as Method, path, op, kind: 'json', schema: schema.oneOf ? schema.oneOf[0] : schema, html, multipart: form?.oneOf ? form.oneOf[form.oneOf.length - 1] : form };
          }
          if (content['application/x-www-form-urlencoded']) {
            const schema = resolve(doc, content['application/x-www-form-urlencoded'].schema);
            return { method: method as Method, path, op, kind: schema.type === 'object' ? 'form' : 'none', schema, html };
          }
          return { method: method as Method, path, op, kind: 'none', html };
        }),
    );
    (globalThis as { fuzzDoc?: OpenApiDocument }).fuzzDoc = doc;

    const tables: { table_name: string }[] = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('migrations', 'typeorm_metadata') ORDER BY table_name`);
    // Bookkeeping a request may write whether or not it is refused: a token's last use (the request
    // was authenticated). Those tables are digested without that column (a scan of their few rows).
    const row = (t: string) => (BOOKKEEPING[t] ? `(to_jsonb(x) - ${BOOKKEEPING[t].map((c) => `'${c}'`).join(' - ')})::text` : 'x::text');
    quickDigest = tables
      .map(({ table_name: t }) =>
        BOOKKEEPING[t]
          ? `SELECT '${t}' AS t, md5(coalesce(string_agg(${row(t)}, E'\\n' ORDER BY ${row(t)}), '')) AS d FROM "${t}" x`
          : `SELECT '${t}' AS t, count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text AS d FROM "${t}"`,
      )
      .join(' UNION ALL ');
    fullDigest = tables.map(({ table_name: t }) => `SELECT '${t}' AS t, md5(coalesce(string_agg(${row(t)}, E'\\n' ORDER BY ${row(t)}), '')) AS d FROM "${t}" x`).join(' UNION ALL ');
    process.stdout.write(`[api-fuzz] seed ${SEED} (replay: FUZZ_SEED=${SEED}), ${routes.length} writing routes, ${tables.length} tables\n`);
  }, 120_000);

  afterAll(async () => {
    await system?.close();
    if (database.serverUrl) await dropDatabase(database.serverUrl, database.name);
    const counts = [...statuses.entries()].sort().map(([k, n]) => `${k}: ${n}`).join(', ');
    process.stdout.write(`[api-fuzz] ${requestCount} requests; answers ${counts}\n`);
    if (unavailable.length) process.stdout.write(`[api-fuzz] 503 with Retry-After (a workflow did not answer; no worker runs here): ${[...new Set(unavailable)].join(', ')}\n`);
  });

  let settle = false;
  /** Waits until two cheap digests 15 ms apart agree (at most 5 s: then the next check shows what kept changing). */
  const settled = async () => {
    let last = JSON.stringify(await digest(false));
    for (const started = Date.now(); Date.now() - started < 5_000; ) {
      await new Promise((resolve) => setTimeout(resolve, 15));
      const now = JSON.stringify(await digest(false));
      if (now === last) return;
      last = now;
    }
  };
  const digest = async (full: boolean): Promise<Record<string, string>> => Object.fromEntries((await db.query(full ? fullDigest : quickDigest)).map((r: { t: string; d: string }) => [r.t, r.d]));

  /** The generator of one route's requests. */
  function requests(route: Route): fc.Arbitrary<FuzzRequest> {
    const doc = (globalThis as { fuzzDoc?: OpenApiDocument }).fuzzDoc!;
    const ctx = { ids };
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const realFor = (name: string): string[] => {
      if (name === 'token') return [route.path.startsWith('/evidence-uploads') ? uploadToken : subs.manageToken];
      if (name === 'planId' && /subscri/.test(route.path)) return [subs.planId];
      return real[name] ?? ['missing'];
    };
    const param = (name: string) =>
      fc.oneof(
        { weight: 17, arbitrary: fc.constantFrom(...realFor(name)) },
        { weight: 3, arbitrary: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), nastyString, fc.constantFrom('12345', '00000000-0000-0000-0000-000000000000', '..', 'x'.repeat(2_000))) },
      );
    const params = fc.record(Object.fromEntries(pathParams.map((name) => [name, param(name)])) as Record<string, fc.Arbitrary<string>>);
    const auth = fc.oneof({ weight: 18, arbitrary: fc.constant('role' as const) }, { weight: 1, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constant('forged' as const) });
    const takesIfMatch = (route.op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'If-Match');
    const ifMatch = takesIfMatch ? fc.oneof({ weight: 17, arbitrary: fc.constant('current') }, { weight: 1, arbitrary: fc.constant('none') }, { weight: 2, arbitrary: fc.stringMatching(/^[ -~]{0,20}$/) }) : fc.constant('none');
    const queryParams = (route.op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    const query = fc.record(
      Object.fromEntries(queryParams.map((name) => [name, name === 'dryRun' ? fc.constantFrom('true', 'true', 'true', 'false', 'maybe', '', '1') : fc.oneof(fc.constantFrom('es', 'en', 'fr', 'pt'), fc.string({ maxLength: 8 }))])) as Record<string, fc.Arbitrary<string>>,
      { requiredKeys: [] },
    );

    type Body = { contentType: string | undefined; body: string | undefined; how: string };
    let body: fc.Arbitrary<Body>;
    if (route.kind === 'json' || route.kind === 'form') {
      const valid = validish(doc, route.schema, ctx);
      const encode = (v: unknown) => (route.kind === 'json' ? JSON.stringify(v) : formEncode(v));
      const contentType = route.kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
      const branches: fc.WeightedArbitrary<Body>[] = [
        { weight: 4, arbitrary: valid.map((v) => ({ contentType, body: encode(v), how: 'valid-ish' })) },
        { weight: 5, arbitrary: malformed(valid).map((m) => ({ contentType, body: m.value === undefined ? undefined : encode(m.value), how: `${m.mutation} at ${m.at}` })) },
        { weight: 2, arbitrary: rawText(valid.map((v) => JSON.stringify(v) ?? '')).map((r) => ({ contentType: r.contentType, body: r.text, how: r.why })) },
      ];
      if (route.multipart) {
        const form = validish(doc, route.multipart, ctx);
        const files = fc.array(fc.record({ filename: fc.oneof(fc.constantFrom('report.pdf', 'datos.csv', '../../etc/passwd', 'a\u0000.txt', 'informe ñ.txt', ''), fc.string({ maxLength: 30 })), type: fc.constantFrom('text/plain', 'text/csv', 'application/pdf', 'image/png', 'application/octet-stream', ''), content: fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('%PDF-1.4\n', '\x89PNG\r\n\x1a\n', 'indicador;valor\nformularios;42\n', '')) }), { maxLength: 3 });
        const multipart = (value: unknown, attached: { filename: string; type: string; content: string }[], cut: number | null) => {
          const text = multipartEncode(value, attached);
          return { contentType: `multipart/form-data; boundary=${BOUNDARY}`, body: cut === null ? text : text.slice(0, cut % Math.max(text.length, 1)) };
        };
        branches.push(
          { weight: 3, arbitrary: fc.tuple(form, files).map(([v, attached]) => ({ ...multipart(v, attached, null), how: 'multipart, valid-ish' })) },
          { weight: 3, arbitrary: fc.tuple(malformed(form), files, fc.option(fc.nat(), { freq: 4 })).map(([m, attached, cut]) => ({ ...multipart(m.value, attached, cut), how: `multipart, ${m.mutation} at ${m.at}${cut === null ? '' : ', cut short'}` })) },
        );
      }
      body = fc.oneof(...branches);
    } else if (route.kind === 'csv') {
      const header = route.path.includes('subscribers') ? SUBSCRIBER_CSV_HEADER : MILESTONE_CSV_HEADER;
      const separator = header.includes(';') ? ';' : ',';
      const cell = fc.oneof(fc.constantFrom('', 'CSV1', 'SUB1', 'es', 'yes', 'complete', '2027-01-01', '2024-05-01', '1', 'Secretariat of Modernization and Proximity', 'a@b.example', '"', '=cmd|calc', '"quoted, cell"'), fc.string({ maxLength: 20 }), nastyString);
      const columns = header.split(separator).length;
      const csv = fc.tuple(fc.oneof(fc.constant(header), fc.string({ maxLength: 60 })), fc.array(fc.array(cell, { minLength: columns - 2, maxLength: columns + 1 }), { maxLength: 5 }), fc.constantFrom('\n', '\r\n')).map(([head, rows, eol]) => [head, ...rows.map((r) => r.join(separator))].join(eol));
      body = fc.oneof(
        { weight: 7, arbitrary: csv.map((text) => ({ contentType: 'text/csv', body: text, how: 'CSV' })) },
        { weight: 3, arbitrary: rawText(csv).map((r) => ({ contentType: r.contentType, body: r.text, how: r.why })) },
      );
    } else {
      body = fc.oneof(
        { weight: 6, arbitrary: fc.constant({ contentType: undefined, body: undefined, how: 'no body' }) },
        { weight: 4, arbitrary: rawText(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? '')).map((r) => ({ contentType: r.contentType, body: r.text, how: r.why })) },
      );
    }
    return fc.record({ params, auth, ifMatch, query, body }).map(({ body: b, ...rest }): FuzzRequest => ({ ...rest, query: rest.query as Record<string, string>, contentType: b.contentType, body: b.body, how: b.how }));
  }

  /** Sends one generated request and checks the three properties. */
  async function check(route: Route, req: FuzzRequest): Promise<void> {
    const roles = route.op['x-roles'] ?? [];
    const url = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => safeEncode(req.params[name]));
    let call = http()[route.method](url);
    if (req.auth === 'forged') call = call.set('Authorization', `Bearer ${randomBytes(24).toString('base64url')}`);
    else if (req.auth === 'role' && !roles.includes('public')) call = call.set(roles.includes('coordinator') ? f.coordinator : system.adminAuth);
    if (req.ifMatch === 'current') {
      const resource = url.replace(/\/(replan|cancel|close|agenda|milestone-weights)$/, '');
      const etag = (await http().get(resource).set(f.coordinator)).headers.etag;
      if (etag) call = call.set('If-Match', etag);
    } else if (req.ifMatch !== 'none') call = call.set('If-Match', req.ifMatch);
    if (Object.keys(req.query).length) call = call.query(req.query);
    if (req.contentType) call = call.set('Content-Type', req.contentType);

    requestCount++;
    const full = requestCount % FULL_EVERY === 0;
    // A subscriber request the API accepted goes on writing after its answer (its email is queued in
    // the outbox right after it): wait until the database is still before reading "before".
    if (settle) await settled();
    settle = false;
    const before = await digest(full);
    const response = req.body === undefined ? await call : await call.send(req.body);
    const { status } = response;
    settle = (status < 400 || status >= 500) && MAILS_AFTER_ANSWER.test(route.path);
    statuses.set(`${Math.floor(status / 100)}xx`, (statuses.get(`${Math.floor(status / 100)}xx`) ?? 0) + 1);
    const type = String(response.headers['content-type'] ?? '');
    const shown = () => ({ route: `${route.method.toUpperCase()} ${route.path}`, status, type, answer: response.text?.slice(0, 600) });

    // (1) Nothing ≥ 500; a 503 with Retry-After is a workflow that did not answer (no worker here).
    if (status === 503 && response.headers['retry-after'] && type.startsWith('application/problem+json')) {
      unavailable.push(`${route.method.toUpperCase()} ${route.path}`);
      // "Not saved, try again": nothing half-saved either.
      expect({ ...shown(), tables: await digest(full) }).toEqual({ ...shown(), tables: before });
      return;
    }
    expect({ ...shown(), serverError: status >= 500 }).toEqual({ ...shown(), serverError: false });
    if (status < 400) return;
    // (2) A refusal is problem+json with its status (the HTML form routes may answer their page).
    const problem = type.startsWith('application/problem+json') && response.body?.status === status && typeof response.body?.title === 'string';
    const htmlPage = route.html && type.startsWith('text/html');
    expect({ ...shown(), problemOrPage: problem || htmlPage }).toEqual({ ...shown(), problemOrPage: true });
    // (3) A refused request wrote nothing.
    const after = await digest(full);
    expect({ ...shown(), snapshot: full ? 'full' : 'quick', tables: after }).toEqual({ ...shown(), snapshot: full ? 'full' : 'quick', tables: before });
  }

  it('fuzzes every writing route of the document, the /p/ form included', () => {
    const listed = routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(listed.length).toBeGreaterThanOrEqual(50);
    expect(listed).toEqual(expect.arrayContaining(['POST /plans', 'POST /p/{slug}/plans/{planId}/subscribe', 'DELETE /tokens/{tokenId}', ...Object.keys(REGRESSIONS)]));
  });

  it(`sends at least ${TOTAL_RUNS} generated requests across the routes: no 5xx, every 4xx a problem (or the form's page), nothing written by a refusal`, async () => {
    const numRuns = Math.ceil(TOTAL_RUNS / routes.length);
    const started = Date.now();
    // Every route runs even when one fails, so a run reports all it found.
    const failures: string[] = [];
    for (const [index, route] of routes.entries()) {
      const name = `${route.method.toUpperCase()} ${route.path}`;
      const details = await fc.check(fc.asyncProperty(requests(route), (req) => check(route, req)), {
        numRuns,
        seed: SEED + index,
        examples: (REGRESSIONS[name] ?? []).map((make) => [make({ ...real, subscribedPlanId: [subs.planId] })] as [FuzzRequest]),
        interruptAfterTimeLimit: 60_000,
      });
      if (details.failed) {
        const [req] = details.counterexample ?? [];
        const shown = req ? { ...req, body: req.body && req.body.length > 400 ? `${req.body.slice(0, 200)}… (${req.body.length} characters) …${req.body.slice(-100)}` : req.body } : undefined;
        const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        failures.push(`${name} (seed ${SEED + index}, path ${details.counterexamplePath}, shrunk ${details.numShrinks} times):\n  request: ${JSON.stringify(shown)}\n  ${cause.slice(0, 1500)}`);
      }
    }
    process.stdout.write(`[api-fuzz] ${requestCount} requests over ${routes.length} routes (${numRuns} each) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    expect(failures.join('\n\n')).toBe('');
    expect(requestCount).toBeGreaterThanOrEqual(TOTAL_RUNS);
  }, 600_000);
});
