/**
 * Malformed input on every writing route: wrong types, empty and missing bodies, missing required
 * fields, null where a value is required, 100 000-character strings and NUL characters in each string
 * field, unknown fields, a JSON array or string for an object, text that is not JSON, non-UUID path
 * parameters, bad If-Match headers and dryRun flags; for the CSV import, CSV with missing columns,
 * empty, mistyped and oversized cells. Each must be refused with a 4xx problem+json (never a 500)
 * naming the offending field, and must write nothing: the relevant list or record reads the same
 * before and after. Routes without a body (DELETE) get the path and JSON-syntax cases only.
 *
 * Last, controls: the valid request each route's cases vary is accepted, so every refusal above is
 * due to its malformation (and not to a body that was invalid to start with). Routes the milestone's
 * workflow decides (review, escalations, evidence with a token) have no workflow here: their valid
 * request passes the checks of the input and ends at the workflow engine (409 for review and
 * escalations: nothing to decide; 503 for evidence with a token).
 *
 * The fixture's plan is a draft, so a request that wrongly got through would not wait on a workflow
 * (no worker runs here); it shows up as a 2xx and a changed list instead (or, on the routes the
 * workflow decides, as a 503). Evidence under review, an open escalation and a failed email are rows
 * written here as the worker's activities would have written them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { ActionItemStatus, CheckInStatus, DEFAULT_MONITORING_POLICY } from '../../libs/domain/src';
import {
  ActionItemEntity,
  CheckInEntity,
  EscalationEntity,
  EscalationStatus,
  EvidenceEntity,
  EvidenceRequestEntity,
  EvidenceRequestStatus,
  EvidenceReviewEntity,
  OutboxMessageEntity,
  OutboxStatus,
  SubscriberEntity,
} from '../../libs/persistence/src';
import { signUploadLink, subscriberLinks } from '../../libs/security/src';
import { ActionPlanEntity } from '../../libs/persistence/src';
import { createPlanFixture, insertCheckIn, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

type Method = 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Body = Record<string, unknown>;

interface WriteRoute {
  method: Method;
  /** As the OpenAPI document names it. */
  path: string;
  /** Valid values of the path parameters; UUID ones are listed in `uuidParams`. */
  params: () => Record<string, string>;
  uuidParams: string[];
  admin?: boolean;
  /** Routes that take If-Match: the current ETag comes from this GET. */
  etagFrom?: () => string;
  /** A valid body (absent for routes without one). */
  valid?: () => Body;
  required?: string[];
  /** The fields an empty body is refused for, when some are required only in combination (default: `required`). */
  requiredWhenEmpty?: string[];
  /** Required fields for which null is a meaningful value. */
  nullAllowed?: string[];
  /** Optional fields whose column cannot be null: null there is a wrong type, not "clear it". */
  nonNullable?: string[];
  /** String fields by their path in the body; `field` is how the error names it when it differs. */
  strings?: (string | { path: string; field: string })[];
  wrongTypes?: { body: Body; fields: string[] }[];
  /** Cases of routes whose body is not a JSON object (the CSV import). */
  customCases?: Omit<Case, 'route'>[];
  /** The route's own valid request (when not a JSON body), for the control test. */
  validRaw?: { contentType: string; text: () => string };
  /** Routes with a `dryRun` query flag. */
  dryRun?: boolean;
  /** The status the valid request gets; undefined: no control (see the route). */
  control?: number;
  /** What a write would change; read before and after each refused request. */
  snapshot: () => Promise<unknown>;
}

interface Case {
  name: string;
  route: WriteRoute;
  /** Overrides for the request; a function of the valid body. */
  params?: Record<string, string>;
  body?: (valid: Body) => unknown;
  /** A body sent as is, with `contentType` (application/json by default). */
  raw?: string;
  contentType?: string;
  query?: string;
  noBody?: boolean;
  ifMatch?: 'current' | 'none' | string;
  /** The exact fields the problem must name (sorted), or undefined when any 4xx problem will do. */
  fields?: string[];
  status?: number;
}

const HUGE = 'x'.repeat(100_000);
/**
 * The control of a route the milestone's workflow decides (review, escalations, evidence with a
 * token): its valid request gets past every check of the input to the workflow engine, which has no
 * workflow for the draft fixture's milestone (no worker runs here either), so it ends in 503 with
 * nothing recorded; not in a 4xx about the input.
 */
const WORKFLOW_UNREACHABLE = 503;
/**
 * The control of review and escalation routes: the valid request gets past every check of the input;
 * the draft milestone has no workflow, so there is nothing to decide: 409, nothing recorded.
 */
const NO_WORKFLOW_TO_DECIDE = 409;
const CSV_COMMITMENT = 'CSV1';
const CSV_HEADER = 'commitment_external_id,external_id,title,expected_output,start_date,due_date,responsible_agency,weight,verifiable,completion';
const CSV_AGENCY = 'Open data office'; // an agency of its own: the PATCH control renames the fixture's
/** Every policy field given (a partial policy is checked on its own, at the end). */
const fullPolicy = { ...DEFAULT_MONITORING_POLICY };
const hex = () => randomBytes(4).toString('hex');
/** A multipart/form-data body written out by hand, so a case can also send a broken one. */
const BOUNDARY = 'malformed-input-boundary';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
type Part = { name: string; value: string; filename?: string; type?: string };
const multipart = (parts: Part[], close = true) =>
  parts
    .map((p) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n${p.filename ? `Content-Type: ${p.type ?? 'text/plain'}\r\n` : ''}\r\n${p.value}\r\n`)
    .join('') + (close ? `--${BOUNDARY}--\r\n` : '');
const evidenceFields = (fields: Record<string, string> = {}): Part[] =>
  Object.entries({ narrative: 'The report was published.', claimedCompletion: 'complete', ...fields }).map(([name, value]) => ({ name, value }));
const TEXT_FILE: Part = { name: 'files', value: 'indicador;valor\nformularios;42\n', filename: 'indicadores.csv', type: 'text/csv' };
const days = (n: number) => new Date(Date.now() + n * 86_400_000);
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

describe('malformed input on writing routes', () => {
  let system: TestSystem;
  let db: DataSource;
  let f: PlanFixture;
  let milestoneId: string;
  let memberId: string;
  let tokenId: string;
  let uploadToken: string;
  let evidenceRequestId: string;
  /** A milestone with an open evidence request of its own, for evidence sent with an API token. */
  let tokenMilestoneId: string;
  let reviewedMilestoneId: string;
  let tokenRequestId: string;
  /** Evidence under review and an open escalation (rows as the workflow's activities would have written them). */
  let reviewedEvidenceId: string;
  let escalationId: string;
  /** A message the SMTP server refused, for a coordinator to send again. */
  let failedMessageId: string;
  const failedAddress = `failed-${hex()}@test.example`;
  /** Check-ins of the fixture's plan as schedule runs would have prepared them, one per writing route, and an open action item. */
  const checkIns = { agenda: '', update: '', cancel: '', close: '', approve: '' };
  let actionItemId: string;
  const marker = `mal-${hex()}`;
  /** Subscribers: an active plan of their own (the fixture's is a draft), one subscriber managed through its link, one to export, one to erase. */
  const subscriberSecret = randomBytes(24).toString('base64url');
  const subs = { planId: '', commitmentId: '', managedId: '', manageToken: '', exportEmail: `export-${hex()}@vecinos.example`, eraseEmail: `erase-${hex()}@vecinos.example` };
  const subscriberRows = async () => (await db.getRepository(SubscriberEntity).find({ where: { planId: subs.planId }, order: { id: 'ASC' } })).map(({ id, status, language, commitmentIds, version }) => ({ id, status, language, commitmentIds, version }));
  const SUBSCRIBER_CSV_HEADER = 'email;language;commitment_external_ids;consented_at';
  const subscriberCsv = (cells: Partial<Record<'email' | 'language' | 'commitment_external_ids' | 'consented_at', string>> = {}) =>
    `${SUBSCRIBER_CSV_HEADER}\n${Object.values({ email: `import-${hex()}@vecinos.example`, language: 'es', commitment_external_ids: 'SUB1', consented_at: '2024-05-01', ...cells }).join(';')}\n`;
  const FORM = 'application/x-www-form-urlencoded';

  const http = () => system.http();
  const auth = (route: WriteRoute) => (route.admin ? system.adminAuth : f.coordinator);
  const read = async (url: string, admin = false) => {
    const response = await http().get(url).set(admin ? system.adminAuth : f.coordinator);
    return { status: response.status, body: response.body };
  };
  /** Jurisdictions other test files may create meanwhile have fixture-shaped slugs; ours carry the marker. */
  const foreignJurisdiction = (j: { slug: string }) => /^[a-z]+-[0-9a-f]{8}$/.test(j.slug) && !j.slug.startsWith(marker);

  /** Every file under the evidence directory: nothing may be stored for a refused submission. */
  const storedFiles = (): number => {
    const dir = system.config.evidenceDir;
    return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length : 0;
  };
  const escalationRow = async () => {
    const { id, status, recommendation, resolution, acknowledgedAt, resolvedAt, version } = await db.getRepository(EscalationEntity).findOneByOrFail({ id: escalationId });
    return { id, status, recommendation, resolution, acknowledgedAt, resolvedAt, version };
  };

  const contacts = () => [{ name: 'Referent', email: `referent-${hex()}@test.example` }];
  /** A complete plan document (draft, so importing it starts no workflow), with every kind of nested part. */
  const planDocument = (): Body => {
    const agency = `Imported agency ${hex()}`;
    return {
      format: 'ogp-local-monitor/plan@1',
      plan: {
        title: `Imported plan ${hex()}`,
        periodStart: isoDate(days(-1)),
        periodEnd: isoDate(days(300)),
        termEnd: isoDate(days(400)),
        strategicVision: 'An open city',
        status: 'draft',
        policy: fullPolicy,
        imb: { name: 'PoliLab', contacts: contacts() },
        endorsingStakeholders: ['Colectivo'],
      },
      // The second agency is referenced by nothing, so changing its fields breaks no reference.
      agencies: [
        { name: agency, contacts: contacts(), language: 'es' },
        { name: `Support office ${hex()}`, contacts: contacts(), language: 'en' },
      ],
      commitments: [
        {
          externalId: 'C1',
          title: 'Open contracting',
          description: 'Publish every contract',
          leadAgency: agency,
          supportingStakeholders: ['Colectivo'],
          ogpValues: ['public_accountability'],
          challengeArea: 'fiscal_openness',
          sdgTags: [16],
          status: 'active',
          committee: [{ kind: 'government_referent', name: 'Luis Díaz', organisation: 'Secretariat', email: null }],
          assessments: [{ assessor: 'government', completion: 'limited', potentialForResults: null, didItOpenGovernment: null, narrative: 'Started.', actor: 'Coordinator', assessedAt: new Date().toISOString() }],
          milestones: [
            {
              externalId: 'C1.1',
              title: 'Portal published',
              expectedOutput: 'A portal',
              startAt: days(1).toISOString(),
              dueAt: days(60).toISOString(),
              originalDueAt: days(30).toISOString(),
              responsibleAgency: agency,
              weight: null,
              verifiable: true,
              completion: null,
              cancelledReason: null,
              replanning: [{ previousDueAt: days(30).toISOString(), newDueAt: days(60).toISOString(), reason: 'Procurement delayed', actor: 'Coordinator', changedAt: new Date().toISOString() }],
            },
          ],
        },
      ],
    };
  };
  type CsvColumn = 'commitment_external_id' | 'external_id' | 'title' | 'expected_output' | 'start_date' | 'due_date' | 'responsible_agency' | 'weight' | 'verifiable' | 'completion';
  const csvRow = (cells: Partial<Record<CsvColumn, string>> = {}): Record<CsvColumn, string> => ({
    commitment_external_id: CSV_COMMITMENT,
    external_id: `M-${hex()}`,
    title: 'Imported milestone',
    expected_output: 'A report',
    start_date: isoDate(days(1)),
    due_date: isoDate(days(40)),
    responsible_agency: CSV_AGENCY,
    weight: '',
    verifiable: 'yes',
    completion: '',
    ...cells,
  });
  const csv = (rows: Record<CsvColumn, string>[], extraHeader = '') => [CSV_HEADER + extraHeader, ...rows.map((r) => Object.values(r).join(','))].join('\n');
  /** The optional `{ note }` body of pause, resume and closing an action item (an empty body is valid there, so these are raw). */
  const noteCases = (): Omit<Case, 'route'>[] => [
    { name: 'a note that is not a string', raw: JSON.stringify({ note: 1 }), fields: ['note'], status: 400 },
    { name: '100 000 characters in note', raw: JSON.stringify({ note: HUGE }), fields: ['note'], status: 400 },
    { name: 'a NUL character in note', raw: JSON.stringify({ note: 'before\u0000after' }), fields: ['note'] },
    { name: 'an unknown extra field', raw: JSON.stringify({ note: 'Recess', unexpected: 'surprise' }), fields: ['unexpected'], status: 400 },
    { name: 'a JSON array instead of an object', raw: JSON.stringify([{ note: 'Recess' }]), status: 400 },
  ];
  const checkInOf = async (id: string) => ({ checkIn: await read(`/check-ins/${id}`), actionItems: await read(`/plans/${f.planId}/action-items`) });
  const scheduleOf = () => read(`/plans/${f.planId}/check-in-schedule`);
  const validSchedule = () => ({
    calendar: { dayOfMonth: [{ start: 1, end: 7 }], dayOfWeek: ['TUESDAY'], hour: [{ start: 18 }], minute: [{ start: 0 }] },
    mode: 'hybrid',
    address: 'Palacio Municipal',
    onlineUrl: 'https://meet.example/board',
    policy: { durationMinutes: 90 },
  });
  const digestScheduleOf = () => read(`/plans/${f.planId}/digest-schedule`);
  const validDigestSchedule = () => ({ calendar: { dayOfMonth: [{ start: 1 }], hour: [{ start: 9 }], minute: [{ start: 0 }] }, paused: false });
  const validActionItem = () => ({ title: 'Publish the calendar', ownerName: 'Ana Gómez', ownerEmail: 'ana@colectivo.example', ownerLanguage: 'es', dueAt: days(10).toISOString(), commitmentId: f.commitmentId, milestoneId });

  const routes: WriteRoute[] = [
    {
      method: 'POST',
      path: '/jurisdictions',
      control: 201,
      params: () => ({}),
      uuidParams: [],
      admin: true,
      valid: () => ({ slug: `${marker}-${hex()}`, name: `${marker} city`, country: 'AR', timeZone: 'America/Argentina/Cordoba', defaultLanguage: 'es' }),
      required: ['slug', 'name', 'country', 'timeZone', 'defaultLanguage'],
      strings: ['slug', 'name', 'country', 'timeZone', 'defaultLanguage'],
      wrongTypes: [{ body: { slug: 42, name: { first: 'City' }, country: ['AR'], timeZone: 7, defaultLanguage: {} }, fields: ['slug', 'name', 'country', 'timeZone', 'defaultLanguage'] }],
      snapshot: async () => {
        const list = await read('/jurisdictions', true);
        return { status: list.status, ours: (list.body as { slug: string }[]).filter((j) => !foreignJurisdiction(j)) };
      },
    },
    {
      method: 'POST',
      path: '/jurisdictions/{jurisdictionId}/agencies',
      control: 201,
      params: () => ({ jurisdictionId: f.jurisdictionId }),
      uuidParams: ['jurisdictionId'],
      valid: () => ({ name: `Agency ${hex()}`, contacts: contacts(), language: 'en' }),
      required: ['name', 'contacts', 'language'],
      strings: ['name', 'contacts.0.name', 'contacts.0.email', 'language'],
      wrongTypes: [
        { body: { name: 42, contacts: 'referent@test.example', language: {} }, fields: ['name', 'contacts', 'language'] },
        { body: { name: 'Agency', contacts: [{ name: 7, email: ['a@b.example'] }], language: 'en' }, fields: ['contacts.0.name', 'contacts.0.email'] },
      ],
      snapshot: () => read(`/jurisdictions/${f.jurisdictionId}/agencies`),
    },
    {
      method: 'PATCH',
      path: '/agencies/{agencyId}',
      control: 200,
      params: () => ({ agencyId: f.agencyId }),
      uuidParams: ['agencyId'],
      etagFrom: () => `/agencies/${f.agencyId}`,
      nonNullable: ['name', 'contacts', 'language'],
      valid: () => ({ name: `Renamed ${hex()}`, contacts: contacts(), language: 'en' }),
      strings: ['name', 'contacts.0.name', 'contacts.0.email', 'language'],
      wrongTypes: [{ body: { name: 42, contacts: 'referent@test.example', language: {} }, fields: ['name', 'contacts', 'language'] }],
      snapshot: () => read(`/agencies/${f.agencyId}`),
    },
    {
      method: 'POST',
      path: '/jurisdictions/{jurisdictionId}/dialogue-board/members',
      control: 201,
      params: () => ({ jurisdictionId: f.jurisdictionId }),
      uuidParams: ['jurisdictionId'],
      valid: () => ({ name: 'Ana Gómez', organisation: 'Colectivo Ciudadano', email: `ana-${hex()}@test.example`, language: 'es' }),
      required: ['name', 'organisation', 'language'],
      strings: ['name', 'organisation', 'email', 'language'],
      wrongTypes: [{ body: { name: 1, organisation: { name: 'Colectivo' }, email: 2, language: ['es'] }, fields: ['name', 'organisation', 'email', 'language'] }],
      snapshot: () => read(`/jurisdictions/${f.jurisdictionId}/dialogue-board/members`),
    },
    {
      method: 'POST',
      path: '/jurisdictions/{jurisdictionId}/tokens',
      control: 201,
      params: () => ({ jurisdictionId: f.jurisdictionId }),
      uuidParams: ['jurisdictionId'],
      valid: () => ({ role: 'agency', label: `Agency token ${hex()}`, agencyId: f.agencyId }),
      required: ['role', 'label', 'agencyId'],
      requiredWhenEmpty: ['role', 'label'], // agencyId is required for agency tokens only
      strings: ['role', 'label', 'agencyId'],
      wrongTypes: [{ body: { role: 1, label: { text: 'x' }, agencyId: 3 }, fields: ['role', 'label', 'agencyId'] }],
      snapshot: async () => {
        const list = await read(`/jurisdictions/${f.jurisdictionId}/tokens`);
        return { status: list.status, tokens: (list.body as { id: string; revokedAt: string | null }[]).map((t) => [t.id, t.revokedAt]) };
      },
    },
    {
      method: 'DELETE',
      path: '/tokens/{tokenId}',
      control: 200,
      params: () => ({ tokenId }),
      uuidParams: ['tokenId'],
      snapshot: async () => {
        const list = await read(`/jurisdictions/${f.jurisdictionId}/tokens`);
        return { status: list.status, tokens: (list.body as { id: string; revokedAt: string | null }[]).map((t) => [t.id, t.revokedAt]) };
      },
    },
    {
      method: 'POST',
      path: '/plans',
      control: 201,
      params: () => ({}),
      uuidParams: [],
      valid: () => ({
        jurisdictionId: f.jurisdictionId,
        title: `Plan ${hex()}`,
        periodStart: isoDate(days(-1)),
        periodEnd: isoDate(days(300)),
        termEnd: isoDate(days(400)),
        strategicVision: 'An open city',
        status: 'draft',
        policy: fullPolicy,
        imb: { name: 'PoliLab', contacts: contacts() },
        endorsingStakeholders: ['Colectivo'],
      }),
      required: ['jurisdictionId', 'title', 'periodStart', 'periodEnd', 'termEnd'],
      strings: ['jurisdictionId', 'title', 'periodStart', 'periodEnd', 'termEnd', 'strategicVision', 'status', 'imb.name', 'imb.contacts.0.name', 'imb.contacts.0.email', { path: 'endorsingStakeholders.0', field: 'endorsingStakeholders' }],
      wrongTypes: [
        {
          body: { jurisdictionId: 1, title: 2, periodStart: {}, periodEnd: [], termEnd: 3, strategicVision: { text: 'x' }, status: 4, policy: 'weekly', imb: 'PoliLab', endorsingStakeholders: 'Colectivo' },
          fields: ['jurisdictionId', 'title', 'periodStart', 'periodEnd', 'termEnd', 'strategicVision', 'status', 'policy', 'imb', 'endorsingStakeholders'],
        },
        { body: { jurisdictionId: randomUUID(), title: 'Plan', periodStart: '2026-01-01', periodEnd: '2026-06-01', termEnd: '2026-12-01', policy: { maxReminders: 'three' }, imb: { name: 5, contacts: {} } }, fields: ['policy.maxReminders', 'imb.name', 'imb.contacts'] },
      ],
      snapshot: () => read(`/plans?jurisdictionId=${f.jurisdictionId}`),
    },
    {
      method: 'PATCH',
      path: '/plans/{planId}',
      control: 200,
      params: () => ({ planId: f.planId }),
      uuidParams: ['planId'],
      etagFrom: () => `/plans/${f.planId}`,
      nonNullable: ['title', 'periodStart', 'periodEnd', 'termEnd', 'status', 'policy', 'imb', 'endorsingStakeholders'],
      valid: () => ({ title: `Renamed plan ${hex()}`, periodEnd: isoDate(days(320)), strategicVision: 'A more open city', policy: fullPolicy, imb: { name: 'PoliLab', contacts: contacts() }, endorsingStakeholders: ['Colectivo'] }),
      strings: ['title', 'periodStart', 'periodEnd', 'termEnd', 'strategicVision', 'status', 'imb.name', 'imb.contacts.0.name', 'imb.contacts.0.email', { path: 'endorsingStakeholders.0', field: 'endorsingStakeholders' }],
      wrongTypes: [
        {
          body: { title: 2, periodStart: {}, periodEnd: [], termEnd: 3, strategicVision: { text: 'x' }, status: 4, policy: 'weekly', imb: 'PoliLab', endorsingStakeholders: 'Colectivo' },
          fields: ['title', 'periodStart', 'periodEnd', 'termEnd', 'strategicVision', 'status', 'policy', 'imb', 'endorsingStakeholders'],
        },
      ],
      snapshot: () => read(`/plans/${f.planId}`),
    },
    {
      method: 'POST',
      path: '/plans/{planId}/commitments',
      control: 201,
      params: () => ({ planId: f.planId }),
      uuidParams: ['planId'],
      valid: () => ({
        title: `Commitment ${hex()}`,
        description: 'Open contracting data',
        leadAgencyId: f.agencyId,
        supportingStakeholders: ['Colectivo'],
        ogpValues: ['public_accountability'],
        challengeArea: 'fiscal_openness',
        sdgTags: [16],
        externalId: `C-${hex()}`,
      }),
      required: ['title', 'leadAgencyId'],
      strings: ['title', 'description', 'leadAgencyId', { path: 'supportingStakeholders.0', field: 'supportingStakeholders' }, { path: 'ogpValues.0', field: 'ogpValues' }, 'challengeArea', 'externalId'],
      wrongTypes: [
        {
          body: { title: 1, description: {}, leadAgencyId: 2, supportingStakeholders: 'Colectivo', ogpValues: 'civic_participation', challengeArea: 3, sdgTags: '11', externalId: { id: 'C1' } },
          fields: ['title', 'description', 'leadAgencyId', 'supportingStakeholders', 'ogpValues', 'challengeArea', 'sdgTags', 'externalId'],
        },
      ],
      snapshot: () => read(`/plans/${f.planId}/commitments`),
    },
    {
      method: 'PATCH',
      path: '/commitments/{commitmentId}',
      control: 200,
      params: () => ({ commitmentId: f.commitmentId }),
      uuidParams: ['commitmentId'],
      etagFrom: () => `/commitments/${f.commitmentId}`,
      nonNullable: ['title', 'leadAgencyId', 'supportingStakeholders', 'ogpValues', 'sdgTags', 'status'],
      valid: () => ({ title: `Renamed ${hex()}`, description: 'x', leadAgencyId: f.agencyId, supportingStakeholders: ['Colectivo'], ogpValues: ['civic_participation'], challengeArea: 'justice', externalId: `C-${hex()}`, status: 'active' }),
      strings: ['title', 'description', 'leadAgencyId', { path: 'supportingStakeholders.0', field: 'supportingStakeholders' }, { path: 'ogpValues.0', field: 'ogpValues' }, 'challengeArea', 'externalId', 'status'],
      wrongTypes: [
        {
          body: { title: 1, description: {}, leadAgencyId: 2, supportingStakeholders: 'Colectivo', ogpValues: 'civic_participation', challengeArea: 3, sdgTags: '11', externalId: { id: 'C1' }, status: 5 },
          fields: ['title', 'description', 'leadAgencyId', 'supportingStakeholders', 'ogpValues', 'challengeArea', 'sdgTags', 'externalId', 'status'],
        },
      ],
      snapshot: () => read(`/commitments/${f.commitmentId}`),
    },
    {
      method: 'PUT',
      path: '/commitments/{commitmentId}/milestone-weights',
      control: 200,
      etagFrom: () => `/commitments/${f.commitmentId}`,
      params: () => ({ commitmentId: f.commitmentId }),
      uuidParams: ['commitmentId'],
      valid: () => ({ weights: [{ milestoneId, weight: 1 }] }),
      required: ['weights'],
      nullAllowed: ['weights'], // null clears the weights (equal shares)
      strings: [{ path: 'weights.0.milestoneId', field: 'weights.0.milestoneId' }],
      wrongTypes: [
        { body: { weights: 'heavy' }, fields: ['weights'] },
        { body: { weights: [{ milestoneId: 5, weight: 'half' }] }, fields: ['weights.0.milestoneId', 'weights.0.weight'] },
      ],
      snapshot: () => read(`/plans/${f.planId}/milestones?commitmentId=${f.commitmentId}`),
    },
    {
      method: 'POST',
      path: '/commitments/{commitmentId}/committee/members',
      control: 201,
      params: () => ({ commitmentId: f.commitmentId }),
      uuidParams: ['commitmentId'],
      valid: () => ({ kind: 'government_referent', name: 'Luis Díaz', organisation: 'Secretariat', email: `luis-${hex()}@test.example` }),
      required: ['kind', 'name'],
      requiredWhenEmpty: ['kind'], // name is required for government referents only
      strings: ['kind', 'name', 'organisation', 'email', 'dialogueBoardMemberId'],
      wrongTypes: [{ body: { kind: 1, name: { first: 'Luis' }, organisation: 2, email: ['luis@test.example'] }, fields: ['kind', 'name', 'organisation', 'email'] }],
      snapshot: () => read(`/commitments/${f.commitmentId}/committee/members`),
    },
    {
      method: 'DELETE',
      path: '/committee-members/{memberId}',
      control: 204,
      params: () => ({ memberId }),
      uuidParams: ['memberId'],
      snapshot: () => read(`/commitments/${f.commitmentId}/committee/members`),
    },
    {
      method: 'POST',
      path: '/commitments/{commitmentId}/assessments',
      control: 201,
      params: () => ({ commitmentId: f.commitmentId }),
      uuidParams: ['commitmentId'],
      valid: () => ({ completion: 'limited', potentialForResults: 'modest', didItOpenGovernment: 'marginal', narrative: 'Two of four tools were evaluated.' }),
      required: ['completion', 'narrative'],
      strings: ['completion', 'potentialForResults', 'didItOpenGovernment', 'narrative'],
      wrongTypes: [{ body: { completion: 1, potentialForResults: {}, didItOpenGovernment: ['major'], narrative: 2 }, fields: ['completion', 'potentialForResults', 'didItOpenGovernment', 'narrative'] }],
      snapshot: () => read(`/commitments/${f.commitmentId}/assessments`),
    },
    {
      method: 'POST',
      path: '/commitments/{commitmentId}/milestones',
      control: 201,
      params: () => ({ commitmentId: f.commitmentId }),
      uuidParams: ['commitmentId'],
      valid: () => ({ title: `Milestone ${hex()}`, expectedOutput: 'A report', startAt: days(1).toISOString(), dueAt: days(30).toISOString(), responsibleAgencyId: f.agencyId, verifiable: true, externalId: `M-${hex()}` }),
      required: ['title', 'startAt', 'dueAt', 'responsibleAgencyId'],
      strings: ['title', 'expectedOutput', 'startAt', 'dueAt', 'responsibleAgencyId', 'externalId'],
      wrongTypes: [
        {
          body: { title: 1, expectedOutput: {}, startAt: 2, dueAt: [], responsibleAgencyId: 3, verifiable: 'yes', externalId: { id: 'M1' } },
          fields: ['title', 'expectedOutput', 'startAt', 'dueAt', 'responsibleAgencyId', 'verifiable', 'externalId'],
        },
      ],
      snapshot: () => read(`/plans/${f.planId}/milestones`),
    },
    {
      method: 'PATCH',
      path: '/milestones/{milestoneId}',
      control: 200,
      params: () => ({ milestoneId }),
      uuidParams: ['milestoneId'],
      etagFrom: () => `/milestones/${milestoneId}`,
      nonNullable: ['title', 'responsibleAgencyId', 'verifiable'],
      valid: () => ({ title: `Renamed ${hex()}`, expectedOutput: 'A public report', responsibleAgencyId: f.agencyId, verifiable: false, externalId: `M-${hex()}` }),
      strings: ['title', 'expectedOutput', 'responsibleAgencyId', 'externalId'],
      wrongTypes: [{ body: { title: 1, expectedOutput: {}, responsibleAgencyId: 3, verifiable: 'yes', externalId: ['M1'] }, fields: ['title', 'expectedOutput', 'responsibleAgencyId', 'verifiable', 'externalId'] }],
      snapshot: () => read(`/milestones/${milestoneId}`),
    },
    {
      method: 'POST',
      path: '/milestones/{milestoneId}/replan',
      control: 200,
      params: () => ({ milestoneId }),
      uuidParams: ['milestoneId'],
      etagFrom: () => `/milestones/${milestoneId}`,
      valid: () => ({ dueAt: days(60).toISOString(), reason: 'The procurement was delayed' }),
      required: ['dueAt', 'reason'],
      strings: ['dueAt', 'reason'],
      wrongTypes: [{ body: { dueAt: 1, reason: { text: 'late' } }, fields: ['dueAt', 'reason'] }],
      snapshot: async () => ({ milestone: await read(`/milestones/${milestoneId}`), history: await read(`/milestones/${milestoneId}/replanning`) }),
    },
    {
      method: 'POST',
      path: '/milestones/{milestoneId}/cancel',
      control: 200,
      params: () => ({ milestoneId }),
      uuidParams: ['milestoneId'],
      etagFrom: () => `/milestones/${milestoneId}`,
      valid: () => ({ reason: 'Merged into another milestone' }),
      required: ['reason'],
      strings: ['reason'],
      wrongTypes: [{ body: { reason: ['merged'] }, fields: ['reason'] }],
      snapshot: () => read(`/milestones/${milestoneId}`),
    },
    {
      method: 'POST',
      path: '/evidence-uploads/{token}',
      params: () => ({ token: uploadToken }),
      uuidParams: [],
      valid: () => ({ narrative: 'The report was published.', links: ['https://datos.example/report.pdf'], claimedCompletion: 'complete', isPublic: true }),
      required: ['narrative', 'claimedCompletion'],
      strings: ['narrative', { path: 'links.0', field: 'links' }, 'claimedCompletion'],
      wrongTypes: [{ body: { narrative: 1, links: 'https://datos.example/report.pdf', claimedCompletion: {}, isPublic: 'yes' }, fields: ['narrative', 'links', 'claimedCompletion', 'isPublic'] }],
      snapshot: async () => ({
        evidence: await db.getRepository(EvidenceEntity).countBy({ evidenceRequestId }),
        request: (await db.getRepository(EvidenceRequestEntity).findOneByOrFail({ id: evidenceRequestId })).status,
      }),
    },
    {
      method: 'POST',
      path: '/jurisdictions/{jurisdictionId}/plans/import',
      control: 200,
      params: () => ({ jurisdictionId: f.jurisdictionId }),
      uuidParams: ['jurisdictionId'],
      dryRun: true,
      valid: () => planDocument(),
      required: ['format', 'plan', 'agencies', 'commitments'],
      strings: [
        'format',
        'plan.title',
        'plan.periodStart',
        'plan.periodEnd',
        'plan.termEnd',
        'plan.strategicVision',
        'plan.status',
        'plan.imb.name',
        'plan.imb.contacts.0.email',
        { path: 'plan.endorsingStakeholders.0', field: 'plan.endorsingStakeholders' },
        'agencies.1.name',
        'agencies.1.contacts.0.name',
        'agencies.1.contacts.0.email',
        'agencies.1.language',
        'commitments.0.externalId',
        'commitments.0.title',
        'commitments.0.description',
        'commitments.0.leadAgency',
        { path: 'commitments.0.supportingStakeholders.0', field: 'commitments.0.supportingStakeholders' },
        { path: 'commitments.0.ogpValues.0', field: 'commitments.0.ogpValues' },
        'commitments.0.challengeArea',
        'commitments.0.status',
        'commitments.0.committee.0.kind',
        'commitments.0.committee.0.name',
        'commitments.0.committee.0.organisation',
        'commitments.0.assessments.0.assessor',
        'commitments.0.assessments.0.narrative',
        'commitments.0.assessments.0.actor',
        'commitments.0.milestones.0.externalId',
        'commitments.0.milestones.0.title',
        'commitments.0.milestones.0.expectedOutput',
        'commitments.0.milestones.0.startAt',
        'commitments.0.milestones.0.dueAt',
        'commitments.0.milestones.0.originalDueAt',
        'commitments.0.milestones.0.responsibleAgency',
        'commitments.0.milestones.0.replanning.0.reason',
        'commitments.0.milestones.0.replanning.0.actor',
      ],
      wrongTypes: [
        { body: { format: 1, plan: 'The plan', agencies: { name: 'Agency' }, commitments: 'none' }, fields: ['format', 'plan', 'agencies', 'commitments'] },
        {
          body: { format: 'ogp-local-monitor/plan@1', plan: { title: 5, periodStart: [], periodEnd: {}, termEnd: 7, status: 1, policy: 'weekly', endorsingStakeholders: 'x' }, agencies: ['Agency'], commitments: [{ title: {}, milestones: 'none' }] },
          fields: [
            'plan.title',
            'plan.periodStart',
            'plan.periodEnd',
            'plan.termEnd',
            'plan.status',
            'plan.policy',
            'plan.endorsingStakeholders',
            'agencies.0',
            'commitments.0.title',
            'commitments.0.leadAgency',
            'commitments.0.supportingStakeholders',
            'commitments.0.ogpValues',
            'commitments.0.sdgTags',
            'commitments.0.status',
            'commitments.0.committee',
            'commitments.0.assessments',
            'commitments.0.milestones',
          ],
        },
      ],
      snapshot: async () => ({ plans: await read(`/plans?jurisdictionId=${f.jurisdictionId}`), agencies: await read(`/jurisdictions/${f.jurisdictionId}/agencies`) }),
    },
    {
      method: 'POST',
      path: '/plans/{planId}/workflows/sync',
      control: 409, // the fixture's plan is a draft: no workflows to hand its milestones to
      params: () => ({ planId: f.planId }),
      uuidParams: ['planId'],
      snapshot: () => read(`/plans/${f.planId}/milestones`),
    },
    {
      method: 'POST',
      path: '/plans/{planId}/milestones/import',
      control: 200,
      params: () => ({ planId: f.planId }),
      uuidParams: ['planId'],
      dryRun: true,
      validRaw: { contentType: 'text/csv', text: () => csv([csvRow()]) },
      customCases: [
        { name: 'a JSON object instead of CSV', raw: JSON.stringify({ title: 'Milestone' }), fields: ['body'], status: 415 },
        { name: 'a JSON array instead of CSV', raw: JSON.stringify([csvRow()]), fields: ['body'], status: 415 },
        { name: 'no body at all', noBody: true, fields: ['body'], status: 415 },
        { name: 'an empty CSV file', raw: '', contentType: 'text/csv' },
        { name: 'text that is not CSV (an unterminated quote)', raw: `${CSV_HEADER}\n"${CSV_COMMITMENT},M1,Title`, contentType: 'text/csv', fields: ['file'] },
        { name: 'a header without the required columns', raw: csv([csvRow()]).replace('title,', 'heading,'), contentType: 'text/csv', fields: ['file', 'title'] },
        { name: 'an unknown extra column', raw: csv([csvRow()], ',surprise').replace(/\n(.*)$/, '\n$1,extra'), contentType: 'text/csv', fields: ['file'] },
        ...(['commitment_external_id', 'external_id', 'title', 'start_date', 'due_date', 'responsible_agency'] as const).map((column) => ({
          name: `an empty required cell ${column}`,
          raw: csv([csvRow({ [column]: '' })]),
          contentType: 'text/csv',
          fields: [column],
        })),
        {
          name: 'wrong types in cells (a word for a date, a word for a weight, maybe for yes/no, an unknown completion)',
          raw: csv([csvRow({ start_date: 'tomorrow', weight: 'heavy', verifiable: 'maybe', completion: 'done' })]),
          contentType: 'text/csv',
          fields: ['start_date', 'weight', 'verifiable', 'completion'],
        },
        ...(['commitment_external_id', 'external_id', 'title', 'expected_output', 'start_date', 'due_date', 'responsible_agency', 'weight', 'verifiable', 'completion'] as const).map((column) => ({
          name: `100 000 characters in cell ${column}`,
          raw: csv([csvRow({ [column]: HUGE })]),
          contentType: 'text/csv',
          fields: [column],
        })),
        ...(['external_id', 'title', 'expected_output'] as const).map((column) => ({
          name: `a NUL character in cell ${column}`,
          raw: csv([csvRow({ [column]: 'before\u0000after' })]),
          contentType: 'text/csv',
          fields: [column],
        })),
      ],
      snapshot: () => read(`/plans/${f.planId}/milestones`),
    },

    // Review, escalations, evidence with an API token, the outbox
    {
      method: 'POST',
      path: '/evidence/{evidenceId}/review',
      control: NO_WORKFLOW_TO_DECIDE,
      params: () => ({ evidenceId: reviewedEvidenceId }),
      uuidParams: ['evidenceId'],
      valid: () => ({ decision: 'accept', completion: 'complete', comments: 'The inventory is published as open data.' }),
      required: ['decision', 'completion'],
      requiredWhenEmpty: ['decision'], // completion is required to accept only
      strings: ['decision', 'completion', 'comments'],
      wrongTypes: [
        { body: { decision: 1, completion: { level: 'complete' }, comments: ['Fine'] }, fields: ['decision', 'completion', 'comments'] },
        { body: { decision: 'return', comments: 42 }, fields: ['comments'] },
      ],
      customCases: [
        { name: 'accepting without a completion level', body: () => ({ decision: 'accept' }), fields: ['completion'], status: 400 },
        { name: 'returning without comments', body: () => ({ decision: 'return' }), fields: ['comments'], status: 400 },
        { name: 'returning with empty comments', body: () => ({ decision: 'return', comments: '' }), fields: ['comments'], status: 400 },
        { name: 'a decision that is neither accept nor return', body: (valid) => ({ ...valid, decision: 'approve' }), fields: ['decision'], status: 400 },
      ],
      snapshot: async () => ({
        evidence: await read(`/milestones/${reviewedMilestoneId}/evidence`),
        reviews: await db.getRepository(EvidenceReviewEntity).countBy({ evidenceId: reviewedEvidenceId }),
        milestone: await read(`/milestones/${reviewedMilestoneId}`),
      }),
    },
    {
      method: 'POST',
      path: '/escalations/{escalationId}/acknowledge',
      control: NO_WORKFLOW_TO_DECIDE,
      params: () => ({ escalationId }),
      uuidParams: ['escalationId'],
      admin: true, // the IMB's route: a coordinator is refused before the body is read
      snapshot: escalationRow,
    },
    ...(['recommendation', 'resolve'] as const).map(
      (action): WriteRoute => ({
        method: 'POST',
        path: `/escalations/{escalationId}/${action}`,
        control: NO_WORKFLOW_TO_DECIDE,
        params: () => ({ escalationId }),
        uuidParams: ['escalationId'],
        admin: true,
        valid: () => ({ text: 'Publish the indicators on the open data portal before the end of the month.' }),
        required: ['text'],
        strings: ['text'],
        wrongTypes: [{ body: { text: { es: 'Publicar' } }, fields: ['text'] }],
        customCases: [
          { name: 'an empty text', body: () => ({ text: '' }), fields: ['text'], status: 400 },
          ...(action === 'resolve' ? [{ name: 'keepMilestoneOpen that is not a boolean', body: () => ({ text: 'Resolved', keepMilestoneOpen: 'yes' }), fields: ['keepMilestoneOpen'], status: 400 }] : []),
          ...(action === 'recommendation' ? [{ name: 'keepMilestoneOpen, which only resolving takes', body: () => ({ text: 'Publish it', keepMilestoneOpen: true }), fields: ['keepMilestoneOpen'], status: 400 }] : []),
        ],
        snapshot: escalationRow,
      }),
    ),
    {
      method: 'POST',
      path: '/milestones/{milestoneId}/evidence',
      control: WORKFLOW_UNREACHABLE,
      params: () => ({ milestoneId: tokenMilestoneId }),
      uuidParams: ['milestoneId'],
      valid: () => ({ narrative: 'The report was published.', links: ['https://datos.example/report.pdf'], claimedCompletion: 'complete', isPublic: true }),
      required: ['narrative', 'claimedCompletion'],
      strings: ['narrative', { path: 'links.0', field: 'links' }, 'claimedCompletion'],
      wrongTypes: [{ body: { narrative: 1, links: 'https://datos.example/report.pdf', claimedCompletion: {}, isPublic: 'yes' }, fields: ['narrative', 'links', 'claimedCompletion', 'isPublic'] }],
      customCases: [
        { name: 'a link that is not an http(s) URL', body: (valid) => ({ ...valid, links: ['javascript:alert(1)'] }), fields: ['links'], status: 400 },
        { name: 'multipart: no claimedCompletion', raw: multipart(evidenceFields().filter((p) => p.name !== 'claimedCompletion')), contentType: MULTIPART, fields: ['claimedCompletion'], status: 400 },
        { name: 'multipart: an empty narrative', raw: multipart(evidenceFields({ narrative: '' })), contentType: MULTIPART, fields: ['narrative'], status: 400 },
        { name: 'multipart: a NUL character in the narrative', raw: multipart(evidenceFields({ narrative: 'before\u0000after' })), contentType: MULTIPART, fields: ['narrative'], status: 400 },
        { name: 'multipart: a link that is not a URL', raw: multipart([...evidenceFields(), { name: 'links', value: 'not a url' }]), contentType: MULTIPART, fields: ['links'], status: 400 },
        { name: 'multipart: links as a broken JSON array', raw: multipart([...evidenceFields(), { name: 'links', value: '["https://datos.example/a",' }]), contentType: MULTIPART, fields: ['links'], status: 400 },
        { name: 'multipart: isPublic neither true nor false', raw: multipart(evidenceFields({ isPublic: 'yes' })), contentType: MULTIPART, fields: ['isPublic'], status: 400 },
        { name: 'multipart: an unknown extra field', raw: multipart(evidenceFields({ unexpected: 'surprise' })), contentType: MULTIPART, fields: ['unexpected'], status: 400 },
        { name: 'multipart: an HTML page as a file', raw: multipart([...evidenceFields(), { ...TEXT_FILE, value: '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>', filename: 'report.pdf', type: 'application/pdf' }]), contentType: MULTIPART, fields: ['files'], status: 415 },
        { name: 'multipart: an empty file', raw: multipart([...evidenceFields(), { ...TEXT_FILE, value: '' }]), contentType: MULTIPART, fields: ['files'], status: 400 },
        { name: 'multipart: a file in a part not named files', raw: multipart([...evidenceFields(), { ...TEXT_FILE, name: 'attachment' }]), contentType: MULTIPART, fields: ['files'], status: 400 },
        { name: 'multipart: six files', raw: multipart([...evidenceFields(), ...Array.from({ length: 6 }, (_, i) => ({ ...TEXT_FILE, filename: `file-${i}.csv` }))]), contentType: MULTIPART, fields: ['files'], status: 400 },
        { name: 'multipart: a valid file but the form cut off before its end', raw: multipart([...evidenceFields(), TEXT_FILE], false).slice(0, -10), contentType: MULTIPART, status: 400 },
        { name: 'multipart: no boundary in the Content-Type', raw: multipart(evidenceFields()), contentType: 'multipart/form-data', status: 400 },
        { name: 'a body that is neither JSON nor a form (plain text)', raw: 'narrative=The report', contentType: 'text/plain' },
      ],
      snapshot: async () => ({
        evidence: await read(`/milestones/${tokenMilestoneId}/evidence`),
        request: (await db.getRepository(EvidenceRequestEntity).findOneByOrFail({ id: tokenRequestId })).status,
        storedFiles: storedFiles(),
      }),
    },
    {
      method: 'PUT',
      path: '/plans/{planId}/check-in-schedule',
      control: 200,
      params: () => ({ planId: f.planId }),
      uuidParams: ['planId'],
      etagFrom: () => `/plans/${f.planId}/check-in-schedule`,
      valid: validSchedule,
      required: ['calendar', 'mode'],
      // A mode that is not known needs both places: the empty body lacks them too.
      requiredWhenEmpty: ['calendar', 'mode', 'address', 'onlineUrl'],
      strings: ['mode', 'address', 'onlineUrl', { path: 'calendar.dayOfWeek.0', field: 'calendar.dayOfWeek' }],
      wrongTypes: [
        { body: { calendar: 1, mode: 2, address: 3, onlineUrl: 4, policy: 'short' }, fields: ['calendar', 'mode', 'address', 'onlineUrl', 'policy'] },
        {
          body: { calendar: { hour: 'x', minute: [{ start: 'a' }], dayOfWeek: 'MONDAY', month: [{ start: 13 }] }, mode: 'in_person', address: 'Palacio', policy: { durationMinutes: 'long', invitationLeadSeconds: -1 } },
          fields: ['calendar.hour', 'calendar.minute', 'calendar.dayOfWeek', 'calendar.month', 'policy.durationMinutes', 'policy.invitationLeadSeconds'],
        },
      ],
      customCases: [
        { name: 'in person without an address', body: (valid) => ({ ...valid, mode: 'in_person', address: null }), fields: ['address'], status: 400 },
        { name: 'online with a link that is not a URL', body: (valid) => ({ ...valid, mode: 'online', onlineUrl: 'meet the board' }), fields: ['onlineUrl'], status: 400 },
        { name: 'an unknown field in the calendar', body: (valid) => ({ ...valid, calendar: { ...(valid.calendar as Body), year: [{ start: 2027 }] } }), fields: ['calendar.year'], status: 400 },
      ],
      snapshot: scheduleOf,
    },
    ...(['pause', 'resume'] as const).map(
      (action): WriteRoute => ({
        method: 'POST',
        path: `/plans/{planId}/check-in-schedule/${action}`,
        control: 200,
        params: () => ({ planId: f.planId }),
        uuidParams: ['planId'],
        customCases: noteCases(),
        snapshot: scheduleOf,
      }),
    ),
    {
      method: 'POST',
      path: '/plans/{planId}/check-in-schedule/trigger',
      control: 409, // the fixture's plan is a draft: its schedule runs once it is active
      params: () => ({ planId: f.planId }),
      uuidParams: ['planId'],
      snapshot: scheduleOf,
    },
    {
      method: 'PUT',
      path: '/plans/{planId}/digest-schedule',
      control: 200,
      params: () => ({ planId: f.planId }),
      uuidParams: ['planId'],
      etagFrom: () => `/plans/${f.planId}/digest-schedule`,
      valid: validDigestSchedule,
      required: ['calendar'],
      wrongTypes: [
        { body: { calendar: 1, paused: 'yes' }, fields: ['calendar', 'paused'] },
        { body: { calendar: { hour: 'x', minute: [{ start: 'a' }], dayOfWeek: 'MONDAY', month: [{ start: 13 }] } }, fields: ['calendar.hour', 'calendar.minute', 'calendar.dayOfWeek', 'calendar.month'] },
      ],
      customCases: [
        { name: 'an unknown field in the calendar', body: (valid) => ({ ...valid, calendar: { ...(valid.calendar as Body), year: [{ start: 2027 }] } }), fields: ['calendar.year'], status: 400 },
        { name: 'null in paused (it is true or false, or left out)', body: (valid) => ({ ...valid, paused: null }), fields: ['paused'], status: 400 },
      ],
      snapshot: digestScheduleOf,
    },
    ...(['pause', 'resume'] as const).map(
      (action): WriteRoute => ({
        method: 'POST',
        path: `/plans/{planId}/digest-schedule/${action}`,
        control: 200,
        params: () => ({ planId: f.planId }),
        uuidParams: ['planId'],
        customCases: noteCases(),
        snapshot: digestScheduleOf,
      }),
    ),
    {
      method: 'POST',
      path: '/plans/{planId}/digest-schedule/trigger',
      control: 409, // the fixture's plan is a draft: its schedule runs once it is active
      params: () => ({ planId: f.planId }),
      uuidParams: ['planId'],
      snapshot: digestScheduleOf,
    },
    // A month's digest send that has ended: pause, resume and cancel reach no running workflow.
    ...(['pause', 'resume', 'cancel'] as const).map(
      (act): WriteRoute => ({
        method: 'POST',
        path: `/plans/{planId}/digests/{month}/${act}`,
        control: 409,
        params: () => ({ planId: f.planId, month: '2030-01' }),
        uuidParams: ['planId'],
        customCases: [{ name: 'a month that is not YYYY-MM', params: { month: '2030-13' }, fields: ['month'], status: 422 }],
        snapshot: () => read(`/plans/${f.planId}/digests/2030-01`),
      }),
    ),
    {
      method: 'PUT',
      path: '/check-ins/{checkInId}/agenda',
      control: 200,
      params: () => ({ checkInId: checkIns.agenda }),
      uuidParams: ['checkInId'],
      etagFrom: () => `/check-ins/${checkIns.agenda}`,
      valid: () => ({ items: [{ kind: 'other', title: 'Budget', durationMinutes: 15, commitmentId: f.commitmentId, links: [{ type: 'commitment', id: f.commitmentId, label: 'Open data' }] }] }),
      required: ['items'],
      strings: ['items.0.kind', 'items.0.title', 'items.0.commitmentId', 'items.0.links.0.type', 'items.0.links.0.id', 'items.0.links.0.label'],
      wrongTypes: [
        { body: { items: 'budget' }, fields: ['items'] },
        { body: { items: [{ kind: 1, title: 2, durationMinutes: '15', commitmentId: 3, links: {} }] }, fields: ['items.0.kind', 'items.0.title', 'items.0.durationMinutes', 'items.0.commitmentId', 'items.0.links'] },
      ],
      customCases: [
        { name: 'an item of 241 minutes', body: (valid) => withPath(valid, 'items.0.durationMinutes', 241), fields: ['items.0.durationMinutes'], status: 400 },
        { name: 'an item of 0 minutes', body: (valid) => withPath(valid, 'items.0.durationMinutes', 0), fields: ['items.0.durationMinutes'], status: 400 },
        { name: 'a commitment of another plan', body: (valid) => withPath(valid, 'items.0.commitmentId', randomUUID()), fields: ['items.0.commitmentId'], status: 422 },
      ],
      snapshot: () => checkInOf(checkIns.agenda),
    },
    {
      method: 'PATCH',
      path: '/check-ins/{checkInId}',
      control: 200,
      params: () => ({ checkInId: checkIns.update }),
      uuidParams: ['checkInId'],
      etagFrom: () => `/check-ins/${checkIns.update}`,
      nonNullable: ['startsAt', 'durationMinutes', 'mode'],
      valid: () => ({ startsAt: days(15).toISOString(), durationMinutes: 60, mode: 'hybrid', address: 'Plaza', onlineUrl: 'https://meet.example/x' }),
      strings: ['startsAt', 'mode', 'address', 'onlineUrl'],
      wrongTypes: [{ body: { startsAt: 1, durationMinutes: '60', mode: 2, address: 3, onlineUrl: 4 }, fields: ['startsAt', 'durationMinutes', 'mode', 'address', 'onlineUrl'] }],
      customCases: [
        { name: 'online without a link (the check-in has none)', body: () => ({ mode: 'online', onlineUrl: null }), fields: ['onlineUrl'], status: 422 },
        { name: 'a start in the past', body: () => ({ startsAt: days(-1).toISOString() }), fields: ['startsAt'], status: 422 },
      ],
      snapshot: () => checkInOf(checkIns.update),
    },
    {
      method: 'POST',
      path: '/check-ins/{checkInId}/cancel',
      control: 200,
      params: () => ({ checkInId: checkIns.cancel }),
      uuidParams: ['checkInId'],
      etagFrom: () => `/check-ins/${checkIns.cancel}`,
      valid: () => ({ reason: 'Municipal strike' }),
      required: ['reason'],
      strings: ['reason'],
      wrongTypes: [{ body: { reason: ['strike'] }, fields: ['reason'] }],
      snapshot: () => checkInOf(checkIns.cancel),
    },
    {
      method: 'POST',
      path: '/check-ins/{checkInId}/close',
      control: 200,
      params: () => ({ checkInId: checkIns.close }),
      uuidParams: ['checkInId'],
      etagFrom: () => `/check-ins/${checkIns.close}`,
      valid: () => ({ minutes: 'The board met.', attendanceCount: 9, organisationsPresent: ['Colectivo'], decisions: ['Publish every contract'], actionItems: [validActionItem()] }),
      required: ['minutes', 'attendanceCount', 'organisationsPresent', 'decisions', 'actionItems'],
      strings: [
        'minutes',
        { path: 'organisationsPresent.0', field: 'organisationsPresent' },
        { path: 'decisions.0', field: 'decisions' },
        'actionItems.0.title',
        'actionItems.0.ownerName',
        'actionItems.0.ownerEmail',
        'actionItems.0.ownerLanguage',
        'actionItems.0.dueAt',
        'actionItems.0.commitmentId',
        'actionItems.0.milestoneId',
      ],
      wrongTypes: [
        { body: { minutes: 1, attendanceCount: '9', organisationsPresent: 'Colectivo', decisions: {}, actionItems: 'none' }, fields: ['minutes', 'attendanceCount', 'organisationsPresent', 'decisions', 'actionItems'] },
        {
          body: { minutes: 'Met.', attendanceCount: 9, organisationsPresent: [], decisions: [], actionItems: [{ title: 1, ownerName: 2, ownerEmail: 3, ownerLanguage: 4, dueAt: 5, commitmentId: 6, milestoneId: 7 }] },
          fields: ['actionItems.0.title', 'actionItems.0.ownerName', 'actionItems.0.ownerEmail', 'actionItems.0.ownerLanguage', 'actionItems.0.dueAt', 'actionItems.0.commitmentId', 'actionItems.0.milestoneId'],
        },
      ],
      customCases: [
        { name: 'an action item due before the meeting', body: (valid) => withPath(valid, 'actionItems.0.dueAt', days(-30).toISOString()), fields: ['actionItems.0.dueAt'], status: 422 },
        { name: 'an action item on a milestone of another plan', body: (valid) => withPath(valid, 'actionItems.0.milestoneId', randomUUID()), fields: ['actionItems.0.milestoneId'], status: 422 },
        { name: 'a negative attendance', body: (valid) => ({ ...valid, attendanceCount: -1 }), fields: ['attendanceCount'], status: 400 },
      ],
      snapshot: () => checkInOf(checkIns.close),
    },
    {
      method: 'POST',
      path: '/check-ins/{checkInId}/approve-minutes',
      control: 200,
      params: () => ({ checkInId: checkIns.approve }),
      uuidParams: ['checkInId'],
      snapshot: () => checkInOf(checkIns.approve),
    },
    {
      method: 'POST',
      path: '/action-items/{actionItemId}/close',
      control: 200,
      params: () => ({ actionItemId }),
      uuidParams: ['actionItemId'],
      customCases: noteCases(),
      snapshot: () => read(`/plans/${f.planId}/action-items`),
    },
    // Last: its control deletes the settings the routes above read.
    {
      method: 'DELETE',
      path: '/plans/{planId}/check-in-schedule',
      control: 200,
      params: () => ({ planId: f.planId }),
      uuidParams: ['planId'],
      snapshot: scheduleOf,
    },
    {
      method: 'DELETE',
      path: '/plans/{planId}/digest-schedule',
      control: 200,
      params: () => ({ planId: f.planId }),
      uuidParams: ['planId'],
      snapshot: digestScheduleOf,
    },
    // Subscribers
    {
      method: 'POST',
      path: '/public/plans/{planId}/subscriptions',
      control: 202,
      params: () => ({ planId: subs.planId }),
      uuidParams: ['planId'],
      valid: () => ({ email: `new-${hex()}@vecinos.example`, language: 'es', commitmentIds: [subs.commitmentId] }),
      required: ['email', 'language'],
      strings: ['email', 'language', { path: 'commitmentIds.0', field: 'commitmentIds' }],
      wrongTypes: [{ body: { email: 1, language: 2, commitmentIds: 'all' }, fields: ['email', 'language', 'commitmentIds'] }],
      customCases: [
        { name: 'an address that is not one', raw: JSON.stringify({ email: 'vecina-at-example', language: 'es' }), fields: ['email'], status: 400 },
        { name: 'a language no catalog has', raw: JSON.stringify({ email: `x-${hex()}@vecinos.example`, language: 'de' }), fields: ['language'], status: 400 },
        { name: 'a commitment of no plan', raw: JSON.stringify({ email: `x-${hex()}@vecinos.example`, language: 'es', commitmentIds: [randomUUID()] }), fields: ['commitmentIds'], status: 422 },
      ],
      snapshot: subscriberRows,
    },
    {
      method: 'POST',
      path: '/subscriptions/manage/{token}',
      control: 200,
      params: () => ({ token: subs.manageToken }),
      uuidParams: [],
      valid: () => ({ language: 'en', commitmentIds: [subs.commitmentId] }),
      required: ['language'],
      strings: ['language', { path: 'commitmentIds.0', field: 'commitmentIds' }],
      wrongTypes: [{ body: { language: 1, commitmentIds: { id: 1 } }, fields: ['language', 'commitmentIds'] }],
      customCases: [
        { name: 'a form with a language no catalog has', raw: 'language=de', contentType: FORM, fields: ['language'], status: 400 },
        { name: 'a form with a commitment that is not a UUID', raw: 'language=es&commitmentIds=first', contentType: FORM, fields: ['commitmentIds'], status: 400 },
        { name: 'a form with an unknown field', raw: 'language=es&surprise=1', contentType: FORM, fields: ['surprise'], status: 400 },
        { name: 'a form with a NUL character', raw: 'language=es%00', contentType: FORM, fields: ['language'], status: 400 },
        { name: 'a commitment of no plan', raw: JSON.stringify({ language: 'es', commitmentIds: [randomUUID()] }), fields: ['commitmentIds'], status: 422 },
      ],
      snapshot: subscriberRows,
    },
    {
      method: 'POST',
      path: '/subscriptions/unsubscribe/{token}',
      control: 200,
      params: () => ({ token: subs.manageToken }),
      uuidParams: [],
      snapshot: subscriberRows,
    },
    {
      method: 'POST',
      path: '/plans/{planId}/subscribers/export',
      control: 200,
      params: () => ({ planId: subs.planId }),
      uuidParams: ['planId'],
      valid: () => ({ email: subs.exportEmail }),
      required: ['email'],
      strings: ['email'],
      wrongTypes: [{ body: { email: ['a@b.example'] }, fields: ['email'] }],
      customCases: [{ name: 'an address no subscriber has', raw: JSON.stringify({ email: `nobody-${hex()}@vecinos.example` }), fields: ['email'], status: 404 }],
      snapshot: async () => ({ rows: await subscriberRows(), audit: await db.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'subscriber.exported'`) }),
    },
    {
      method: 'POST',
      path: '/plans/{planId}/subscribers/erase',
      control: 200,
      params: () => ({ planId: subs.planId }),
      uuidParams: ['planId'],
      valid: () => ({ email: subs.eraseEmail }),
      required: ['email'],
      strings: ['email'],
      wrongTypes: [{ body: { email: { address: subs.eraseEmail } }, fields: ['email'] }],
      customCases: [{ name: 'an address no subscriber has', raw: JSON.stringify({ email: `nobody-${hex()}@vecinos.example` }), fields: ['email'], status: 404 }],
      snapshot: subscriberRows,
    },
    {
      method: 'POST',
      path: '/plans/{planId}/subscribers/import',
      control: 200,
      params: () => ({ planId: subs.planId }),
      uuidParams: ['planId'],
      dryRun: true,
      validRaw: { contentType: 'text/csv', text: () => subscriberCsv() },
      customCases: [
        { name: 'a JSON object instead of CSV', raw: JSON.stringify({ email: 'a@b.example' }), fields: ['body'], status: 415 },
        { name: 'no body at all', noBody: true, fields: ['body'], status: 415 },
        { name: 'an empty CSV file', raw: '', contentType: 'text/csv', fields: ['file'], status: 422 },
        { name: 'text that is not CSV (an unterminated quote)', raw: `${SUBSCRIBER_CSV_HEADER}\n"a@b.example;es;;2024-05-01`, contentType: 'text/csv', fields: ['file'], status: 422 },
        { name: 'a header without the required columns', raw: subscriberCsv().replace('language;', 'idioma;'), contentType: 'text/csv', fields: ['file'], status: 422 },
        { name: 'a header only', raw: SUBSCRIBER_CSV_HEADER, contentType: 'text/csv', fields: ['file'], status: 422 },
        ...(['email', 'language', 'consented_at'] as const).map((column) => ({ name: `an empty required cell ${column}`, raw: subscriberCsv({ [column]: '' }), contentType: 'text/csv', fields: [column], status: 422 })),
        {
          name: 'wrong values in cells (no address, an unknown language, a word for a date)',
          raw: subscriberCsv({ email: 'vecina', language: 'klingon', consented_at: 'yesterday' }),
          contentType: 'text/csv',
          fields: ['email', 'language', 'consented_at'],
          status: 422,
        },
        { name: 'a consent in the future', raw: subscriberCsv({ consented_at: isoDate(days(30)) }), contentType: 'text/csv', fields: ['consented_at'], status: 422 },
        { name: 'a commitment external id the plan lacks', raw: subscriberCsv({ commitment_external_ids: 'NOPE' }), contentType: 'text/csv', fields: ['commitment_external_ids'], status: 422 },
        ...(['email', 'language', 'commitment_external_ids', 'consented_at'] as const).map((column) => ({ name: `100 000 characters in cell ${column}`, raw: subscriberCsv({ [column]: HUGE }), contentType: 'text/csv', fields: [column], status: 422 })),
        ...(['email', 'commitment_external_ids'] as const).map((column) => ({ name: `a NUL character in cell ${column}`, raw: subscriberCsv({ [column]: 'before\u0000after' }), contentType: 'text/csv', fields: [column], status: 422 })),
        { name: 'the same address twice', raw: `${SUBSCRIBER_CSV_HEADER}\ntwice@vecinos.example;es;;2024-05-01\nTWICE@vecinos.example;en;;2024-05-01\n`, contentType: 'text/csv', fields: ['email'], status: 422 },
      ],
      snapshot: subscriberRows,
    },
    {
      method: 'POST',
      path: '/outbox/{messageId}/resend',
      control: 200,
      params: () => ({ messageId: failedMessageId }),
      uuidParams: ['messageId'],
      snapshot: async () => {
        const { status, attempts, lastError, sentAt } = await db.getRepository(OutboxMessageEntity).findOneByOrFail({ id: failedMessageId });
        return { status, attempts, lastError, sentAt, delivered: system.mail.to(failedAddress).length };
      },
    },
  ];

  const cases: Case[] = routes.flatMap((route) => {
    const list: Case[] = [];
    if (route.valid) {
      for (const wrong of route.wrongTypes ?? []) list.push({ name: `wrong types (${Object.keys(wrong.body).join(', ')})`, route, body: () => wrong.body, fields: wrong.fields, status: 400 });
      const required = route.required ?? [];
      const whenEmpty = route.requiredWhenEmpty ?? required;
      // An edit (PATCH) has no required field, but an empty one asks for nothing: it must be refused too, not write.
      list.push({ name: 'an empty JSON object', route, body: () => ({}), fields: whenEmpty.length ? whenEmpty : undefined });
      list.push({ name: 'no body at all', route, noBody: true, fields: whenEmpty.length ? whenEmpty : undefined });
      for (const field of required) list.push({ name: `missing required field ${field}`, route, body: (valid) => withoutPath(valid, field), fields: [field], status: 400 });
      for (const field of required.filter((r) => !route.nullAllowed?.includes(r))) list.push({ name: `null in ${field}`, route, body: (valid) => ({ ...valid, [field]: null }), fields: [field] });
      // An edit of that field alone, so nothing else in the body could be what gets written.
      for (const field of route.nonNullable ?? []) list.push({ name: `null in ${field} (alone)`, route, body: () => ({ [field]: null }), fields: [field] });
      for (const entry of route.strings ?? []) {
        const { path, field } = typeof entry === 'string' ? { path: entry, field: entry } : entry;
        list.push({ name: `100 000 characters in ${path}`, route, body: (valid) => withPath(valid, path, HUGE), fields: [field], status: 400 });
      }
      const strings = (route.strings ?? []).map((e) => (typeof e === 'string' ? { path: e, field: e } : e));
      // PostgreSQL cannot store a NUL character in text: it must be refused as input, not fail on INSERT.
      for (const { path, field } of strings) list.push({ name: `a NUL character in ${path}`, route, body: (valid) => withPath(valid, path, 'before\u0000after'), fields: [field] });
      if (strings.length > 1) {
        // Named field by field, unless the whole body is then beyond the size the API accepts (any 4xx, e.g. 413).
        const tooLarge = strings.length * HUGE.length > 1_000_000;
        list.push({
          name: '100 000 characters in every string field at once',
          route,
          body: (valid) => strings.reduce<Body>((b, e) => withPath(b, e.path, HUGE), valid),
          ...(tooLarge ? {} : { fields: [...new Set(strings.map((e) => e.field))], status: 400 }),
        });
      }
      list.push({ name: 'an unknown extra field', route, body: (valid) => ({ ...valid, unexpected: 'surprise' }), fields: ['unexpected'], status: 400 });
      list.push({ name: 'a JSON array instead of an object', route, body: (valid) => [valid], status: 400 });
      list.push({ name: 'a JSON array of strings', route, body: () => ['title', 'name'], status: 400 });
      list.push({ name: 'a JSON string instead of an object', route, raw: '"just a string"', status: 400 });
    }
    for (const custom of route.customCases ?? []) list.push({ ...custom, route });
    list.push({ name: 'text that is not JSON', route, raw: '{"name": "unterminated', status: 400 });
    if (route.dryRun) list.push({ name: 'a dryRun flag that is not a boolean', route, query: 'dryRun=maybe', fields: ['dryRun'], status: 400 });
    for (const param of route.uuidParams) {
      list.push({ name: `a non-UUID ${param}`, route, params: { [param]: 'not-a-uuid' }, fields: [param], status: 400 });
      list.push({ name: `a numeric ${param}`, route, params: { [param]: '12345' }, fields: [param], status: 400 });
    }
    if (route.path === '/evidence-uploads/{token}') list.push({ name: 'a token that is not a signed link', route, params: { token: 'not-a-token' }, status: 401 });
    if (route.etagFrom) {
      list.push({ name: 'no If-Match header', route, ifMatch: 'none', fields: ['If-Match'], status: 428 });
      list.push({ name: 'an If-Match that is not an ETag', route, ifMatch: 'version-three', fields: ['If-Match'], status: 400 });
    }
    return list;
  });

  beforeAll(async () => {
    system = await startTestSystem({ worker: false, config: { subscribers: { linkSecret: subscriberSecret, confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: 10_000 } } });
    db = system.api.get(DataSource);
    f = await createPlanFixture(system, { status: 'draft' });
    await db.query(`INSERT INTO digest_send (plan_id, month, status, finished_at) VALUES ($1, '2030-01', 'completed', now())`, [f.planId]);
    const milestone = await http()
      .post(`/commitments/${f.commitmentId}/milestones`)
      .set(f.coordinator)
      .send({ title: 'Participation report published', startAt: days(1).toISOString(), dueAt: days(20).toISOString(), responsibleAgencyId: f.agencyId })
      .expect(201);
    milestoneId = milestone.body.id;
    memberId = (await http().post(`/commitments/${f.commitmentId}/committee/members`).set(f.coordinator).send({ kind: 'government_referent', name: 'Referent' }).expect(201)).body.id;
    tokenId = (await http().post(`/jurisdictions/${f.jurisdictionId}/tokens`).set(f.coordinator).send({ role: 'imb', label: 'IMB' }).expect(201)).body.id;
    // The CSV import names commitments by external id and agencies by name.
    await http().post(`/plans/${f.planId}/commitments`).set(f.coordinator).send({ title: 'Open data', leadAgencyId: f.agencyId, externalId: CSV_COMMITMENT }).expect(201);
    await http().post(`/jurisdictions/${f.jurisdictionId}/agencies`).set(f.coordinator).send({ name: CSV_AGENCY, contacts: contacts(), language: 'es' }).expect(201);
    // An open evidence request with its signed link, as the workflow would have made (no worker runs here).
    const request = await db.getRepository(EvidenceRequestEntity).save({ milestoneId, cycle: 1, status: EvidenceRequestStatus.Open, dueAt: days(20), linkExpiresAt: days(30) });
    evidenceRequestId = request.id;
    uploadToken = signUploadLink({ evidenceRequestId, expiresAt: days(30) }, system.config.uploadLinkSecret);
    await http().get(`/evidence-uploads/${uploadToken}`).expect(200);

    // A commitment of their own, so these milestones do not change what the weights of the fixture's must cover.
    const commitmentId = (await http().post(`/plans/${f.planId}/commitments`).set(f.coordinator).send({ title: 'Evidence and escalations', leadAgencyId: f.agencyId }).expect(201)).body.id as string;
    const newMilestone = async (title: string) =>
      (await http().post(`/commitments/${commitmentId}/milestones`).set(f.coordinator).send({ title, startAt: days(1).toISOString(), dueAt: days(20).toISOString(), responsibleAgencyId: f.agencyId }).expect(201)).body.id as string;
    const requests = db.getRepository(EvidenceRequestEntity);
    tokenMilestoneId = await newMilestone('Evidence sent with an API token');
    tokenRequestId = (await requests.save({ milestoneId: tokenMilestoneId, cycle: 1, status: EvidenceRequestStatus.Open, dueAt: days(20), linkExpiresAt: days(30) })).id;
    // Evidence under review, and an open escalation of the same milestone.
    reviewedMilestoneId = await newMilestone('Evidence under review');
    const reviewedRequest = await requests.save({ milestoneId: reviewedMilestoneId, cycle: 1, status: EvidenceRequestStatus.Fulfilled, dueAt: days(20), linkExpiresAt: days(30), fulfilledAt: new Date() });
    reviewedEvidenceId = (
      await db.getRepository(EvidenceEntity).save({ milestoneId: reviewedMilestoneId, evidenceRequestId: reviewedRequest.id, narrative: 'An inventory', links: [], claimedCompletion: 'complete', isPublic: false, submittedBy: 'upload-link' })
    ).id;
    escalationId = (await db.getRepository(EscalationEntity).save({ milestoneId: reviewedMilestoneId, cycle: 1, level: 1, reason: 'overdue', status: EscalationStatus.Open })).id;
    // Check-in settings (a draft plan: nothing goes to Temporal) and check-ins as schedule runs would have prepared them.
    await http().put(`/plans/${f.planId}/check-in-schedule`).set(f.coordinator).send(validSchedule()).expect(201);
    await http().put(`/plans/${f.planId}/digest-schedule`).set(f.coordinator).send(validDigestSchedule()).expect(201);
    const checkInRow = (values: Partial<CheckInEntity> = {}) => insertCheckIn(db, { planId: f.planId, ...values });
    checkIns.agenda = await checkInRow();
    checkIns.update = await checkInRow();
    checkIns.cancel = await checkInRow();
    checkIns.close = await checkInRow({ startsAt: days(-1), status: CheckInStatus.Invited, invitationsSentAt: days(-8) });
    checkIns.approve = await checkInRow({ startsAt: days(-3), status: CheckInStatus.Closed, closedAt: days(-2), minutes: 'Met.' });
    actionItemId = (
      await db.getRepository(ActionItemEntity).save({ checkInId: checkIns.approve, planId: f.planId, title: 'Publish the calendar', ownerName: 'Ana', ownerEmail: 'ana@colectivo.example', ownerLanguage: 'es', dueAt: days(10), status: ActionItemStatus.Open })
    ).id;
    failedMessageId = (
      await db.getRepository(OutboxMessageEntity).save({
        idempotencyKey: `test:${marker}:failed`,
        toAddress: failedAddress,
        subject: 'Evidence requested: inventory',
        textBody: 'Plain text part',
        htmlBody: '<p>HTML part</p>',
        status: OutboxStatus.Failed,
        attempts: 1,
        lastError: '550 Mailbox unavailable',
        messageId: `<${marker}@ogp-monitor>`,
        jurisdictionId: f.jurisdictionId,
      })
    ).id;
  });

  beforeAll(async () => {
    // A plan of their own, made active in the database (no workflow to start: it has no milestone), with a commitment to follow.
    const plan = await http().post('/plans').set(f.coordinator).send({ jurisdictionId: f.jurisdictionId, title: `Subscribed plan ${hex()}`, periodStart: isoDate(days(-1)), periodEnd: isoDate(days(300)), termEnd: isoDate(days(400)) }).expect(201);
    subs.planId = plan.body.id;
    subs.commitmentId = (await http().post(`/plans/${subs.planId}/commitments`).set(f.coordinator).send({ title: 'Open budget', leadAgencyId: f.agencyId, externalId: 'SUB1' }).expect(201)).body.id;
    await db.getRepository(ActionPlanEntity).update({ id: subs.planId }, { status: 'active' as ActionPlanEntity['status'] });
    const subscriber = (email: string) => ({ planId: subs.planId, email, language: 'es', commitmentIds: [], status: 'confirmed' as const, consentSource: 'form' as const, consentedAt: new Date(), confirmedAt: new Date() });
    const managed = await db.getRepository(SubscriberEntity).save(subscriber(`managed-${hex()}@vecinos.example`));
    subs.managedId = managed.id;
    subs.manageToken = subscriberLinks('http://127.0.0.1', managed.id, subscriberSecret, null).preferencesUrl.split('/').pop()!;
    await db.getRepository(SubscriberEntity).save([subscriber(subs.exportEmail), subscriber(subs.eraseEmail)]);
  });

  afterAll(async () => {
    await system?.close();
  });

  it('refuses a subscriber link that is not signed, or is signed for another purpose, with an HTML page and writes nothing', async () => {
    const before = await subscriberRows();
    const confirmToken = subscriberLinks('http://127.0.0.1', subs.managedId, subscriberSecret, days(1)).confirmUrl.split('/').pop()!;
    for (const [method, path] of [
      ['post', '/subscriptions/manage/not-a-token'],
      ['post', '/subscriptions/unsubscribe/not-a-token'],
      ['post', `/subscriptions/unsubscribe/${confirmToken}`],
      ['post', `/subscriptions/manage/${subs.manageToken}x`],
      ['get', `/subscriptions/confirm/${subs.manageToken}`],
      ['get', `/subscriptions/confirm/${'x'.repeat(600)}`],
    ] as const) {
      const response = await http()[method](path).type('form').send(method === 'post' ? 'language=es' : undefined as unknown as string);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.headers['content-type']).toMatch(/^text\/html/);
    }
    expect(await subscriberRows()).toEqual(before);
  });

  // The public pages' subscription form answers bad input with its HTML form again (the error
  // summary names each field, in the reader's language), not problem+json: its cases are here.
  it('refuses malformed subscription forms on the public page with 400 HTML naming the field, writing nothing', async () => {
    const [{ slug }] = await db.query(`SELECT j.slug FROM action_plan p JOIN jurisdiction j ON j.id = p.jurisdiction_id WHERE p.id = $1`, [subs.planId]);
    const url = `/p/${slug}/plans/${subs.planId}/subscribe?lang=en`;
    const before = await subscriberRows();
    const bodies: [string, string, string][] = [
      ['no address', 'language=es', 'email'],
      ['an address that is not one', 'email=vecina-at-example&language=es', 'email'],
      ['a huge address', `email=${'x'.repeat(5000)}%40vecinos.example&language=es`, 'email'],
      ['a language no catalog has', `email=x-${hex()}%40vecinos.example&language=de`, 'language-es'],
      ['a commitment that is not a UUID', `email=x-${hex()}%40vecinos.example&language=es&commitmentIds=first`, 'commitment-1'],
      ['a commitment of no plan', `email=x-${hex()}%40vecinos.example&language=es&commitmentIds=${randomUUID()}`, 'commitment-1'],
    ];
    for (const [name, body, target] of bodies) {
      const response = await http().post(url).type('form').send(body);
      expect({ name, status: response.status, type: response.headers['content-type'] }).toEqual({ name, status: 400, type: expect.stringMatching(/^text\/html/) });
      // The error summary links to the field at fault (its first input for a group of choices).
      expect({ name, names: response.text.includes(`<a href="#${target}">`) }).toEqual({ name, names: true });
    }
    // A NUL character is refused before any handler (RejectNulPipe), as problem+json naming the field.
    const nul = await http().post(url).type('form').send(`email=x-${hex()}%40vecinos.example%00&language=es`);
    expect({ status: nul.status, type: nul.headers['content-type'], fields: (nul.body.errors ?? []).map((e: { field: string }) => e.field) }).toEqual({ status: 400, type: expect.stringMatching(/^application\/problem\+json/), fields: ['email'] });
    expect(await subscriberRows()).toEqual(before);
  });

  it('covers every writing route of the OpenAPI document', async () => {
    const document = await http().get('/docs-json').expect(200);
    const writing = Object.entries(document.body.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => !path.startsWith('/p/')) // HTML forms: the test above
      .flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(writing.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it.each(cases.map((c) => [`${c.route.method} ${c.route.path}: ${c.name} → ${c.status ?? '4xx'}`, c] as const))('%s', async (_name, c) => {
    const { route } = c;
    const params = { ...route.params(), ...c.params };
    const url = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name]));
    const before = await route.snapshot();

    let request = http()[route.method.toLowerCase() as 'post' | 'patch' | 'put' | 'delete'](url).set(auth(route));
    if (route.etagFrom && c.ifMatch !== 'none') {
      const ifMatch = c.ifMatch && c.ifMatch !== 'current' ? c.ifMatch : (await http().get(route.etagFrom()).set(f.coordinator).expect(200)).headers.etag;
      request = request.set('If-Match', ifMatch);
    }
    if (c.query) request = request.query(c.query);
    let response;
    if (c.raw !== undefined) response = await request.set('Content-Type', c.contentType ?? 'application/json').send(c.raw);
    else if (c.noBody) response = await request;
    else if (route.validRaw) response = await request.set('Content-Type', route.validRaw.contentType).send(route.validRaw.text());
    else if (!route.valid) response = await request;
    else response = await request.send((c.body ?? ((v: Body) => v))(route.valid()) as object);

    const fields = [...new Set(((response.body?.errors ?? []) as { field: string }[]).map((e) => e.field))].sort();
    const after = await route.snapshot();
    // One assertion, so a failure shows the whole answer and whether anything was written.
    const answer = { status: response.status, is4xx: response.status >= 400 && response.status < 500, fields, body: response.body, written: after };
    expect(answer).toEqual({ ...answer, is4xx: true, ...(c.status ? { status: c.status } : {}), ...(c.fields ? { fields: [...c.fields].sort() } : {}), written: before });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: response.status, title: expect.any(String) });
  });

  // Control: the valid request every case above varies is itself accepted, so each refusal above is
  // due to its malformation. Run last, as these write. (The evidence upload is left out: accepting
  // evidence needs the milestone's running workflow, and no worker runs here; the other routes the
  // workflow decides expect WORKFLOW_UNREACHABLE.)
  const controls = routes.filter((route) => route.control !== undefined);
  it.each(controls.map((route) => [`${route.method} ${route.path}: the valid request → ${route.control}`, route] as const))('%s', async (_name, route) => {
    const params = route.params();
    const url = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name]));
    let request = http()[route.method.toLowerCase() as 'post' | 'patch' | 'put' | 'delete'](url).set(auth(route));
    if (route.etagFrom) request = request.set('If-Match', (await http().get(route.etagFrom()).set(f.coordinator).expect(200)).headers.etag);
    const response = route.validRaw
      ? await request.set('Content-Type', route.validRaw.contentType).send(route.validRaw.text())
      : route.valid
        ? await request.send(route.valid())
        : await request;
    expect({ status: response.status, body: response.status === route.control ? undefined : response.body }).toEqual({ status: route.control, body: undefined });
  });

  // MonitoringPolicyDto: "Any field left out takes its default", so a partial policy is valid input.
  it('POST /plans: a policy with only some fields (the rest takes its default) → 201', async () => {
    const response = await http()
      .post('/plans')
      .set(f.coordinator)
      .send({ jurisdictionId: f.jurisdictionId, title: `Plan ${hex()}`, periodStart: isoDate(days(-1)), periodEnd: isoDate(days(300)), termEnd: isoDate(days(400)), policy: { maxReminders: 2 } });
    expect({ status: response.status, body: response.status === 201 ? undefined : response.body }).toEqual({ status: 201, body: undefined });
    expect(response.body.policy).toMatchObject({ maxReminders: 2, reminderIntervalSeconds: expect.any(Number) });
  });

  it('POST /jurisdictions/{jurisdictionId}/plans/import: a document whose policy has only some fields → 200', async () => {
    const doc = planDocument();
    (doc.plan as Body).policy = { maxReminders: 2 };
    const response = await http().post(`/jurisdictions/${f.jurisdictionId}/plans/import`).query({ dryRun: true }).set(f.coordinator).send(doc);
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: expect.objectContaining({ valid: true, errors: [] }) });
  });

  it('PATCH /plans/{planId}: a policy with only some fields (the others keep their value) → 200', async () => {
    const etag = (await http().get(`/plans/${f.planId}`).set(f.coordinator).expect(200)).headers.etag;
    const response = await http().patch(`/plans/${f.planId}`).set(f.coordinator).set('If-Match', etag).send({ policy: { maxReminders: 4 } });
    expect({ status: response.status, body: response.status === 200 ? undefined : response.body }).toEqual({ status: 200, body: undefined });
    expect(response.body.policy).toMatchObject({ maxReminders: 4, reminderIntervalSeconds: expect.any(Number) });
  });
});

/** A copy of `body` with the value at a dotted path (e.g. `contacts.0.email`) set, creating what is missing. */
function withPath(body: Body, path: string, value: unknown): Body {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = /^\d+$/.test(key) ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
  return copy;
}

function withoutPath(body: Body, field: string): Body {
  const { [field]: _removed, ...rest } = body;
  return rest;
}
