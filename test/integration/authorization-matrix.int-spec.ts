/**
 * Who may call what: every route of the API against every kind of caller, one named test per cell.
 *
 * Targets belong to jurisdiction A. The callers: the deployment admin; A's coordinator; an agency
 * token of A for the agency responsible for the target milestones ("own") and one for another agency
 * of A ("other"); A's IMB; the coordinator of another jurisdiction B; no token at all; a revoked token;
 * a token that never existed.
 * Expected, from the roles each route declares in the OpenAPI document (`x-roles`, written by @Roles
 * and @Public): 401 with a revoked or unknown token (every route) and without a token (non-public
 * routes), 403 where the route does not admit the caller's role, else the row's status (2xx). Only
 * the scope cells are written by hand: 404 where the target lies outside the caller's jurisdiction
 * (B's coordinator) or, for an agency, is not its own work. A route without x-roles, or without a
 * row, fails.
 *
 * Writes use fresh targets (created by the admin before the call) and valid bodies with a current
 * If-Match, so each status reflects authorisation only. A worker runs, so replanning, cancelling and
 * the workflow state answer for real, and evidence upload links come from real evidence requests.
 * Targets that take a workflow time to reach (an open escalation, evidence under review, a milestone
 * with an open request, an email the SMTP server refused) are made in advance, one per cell, so
 * every cell acts on a target in the state its route needs.
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { ActionItemStatus, CheckInStatus, composeDigest } from '../../libs/domain/src';
import { ActionItemEntity, CheckInEntity, SubscriberEntity } from '../../libs/persistence/src';
import { subscriberConfig } from '../../libs/config/src';
import { subscriberLinks } from '../../libs/security/src';
import { AppModule } from '../../apps/api/src/app.module';
import { rolesInControllers, rolesInDocument, RolesByRoute } from '../support/declared-roles';
import { createPlanFixture, eventually, insertCheckIn, PlanFixture, secondsPolicy, uploadTokenFrom, workflowStarted } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const CALLERS = ['admin', 'coordinator-A', 'agency-own-A', 'agency-other-A', 'imb-A', 'coordinator-B', 'public', 'revoked-token', 'unknown-token'] as const;
type Caller = (typeof CALLERS)[number];
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
/** The role each caller's token carries, as `x-roles` names it; revoked and unknown tokens carry none. */
const ROLE_OF: Record<Caller, string | null> = {
  admin: 'admin',
  'coordinator-A': 'coordinator',
  'agency-own-A': 'agency',
  'agency-other-A': 'agency',
  'imb-A': 'imb',
  'coordinator-B': 'coordinator',
  public: 'public',
  'revoked-token': null,
  'unknown-token': null,
};
/** The callers whose answer also depends on the target: B's coordinator (another jurisdiction) and A's agencies (their own work or not). */
type ScopedCaller = 'coordinator-B' | 'agency-own-A' | 'agency-other-A';
/** Scope cells: a target of A is not found (404) by B's coordinator, and, for an agency, unless it is its own work. */
const JURISDICTION_SCOPE = { 'coordinator-B': 404 } as const;
const AGENCY_SCOPE = { 'coordinator-B': 404, 'agency-other-A': 404 } as const;

interface Call {
  /** The concrete path (parameters filled in), with its query string if any. */
  url: string;
  body?: unknown;
  /** When the body is not JSON. */
  contentType?: string;
  ifMatch?: string;
}

interface Row {
  method: Method;
  /** As the OpenAPI document names it. */
  path: string;
  /** What a caller whose role the route admits gets for a target in its scope (2xx, or 409 where the target's state refuses every caller). */
  status: number;
  /** Hand-written: what an admitted caller gets where the target lies outside its scope. */
  scope?: Partial<Record<ScopedCaller, number>>;
  /** Builds the request for one caller, creating a fresh target first when the call writes. */
  call: (caller: Caller) => Promise<Call>;
  /** Extra checks on a successful answer (what the caller may see). */
  check?: (caller: Caller, response: Response) => void;
}

/**
 * The role part of a cell, from the route's `x-roles`: a revoked or unknown token is refused
 * everywhere (401); a public route answers anyone else; otherwise no token is 401 and a role the
 * route does not admit 403. An admitted caller gets the row's status unless a scope cell says otherwise.
 */
function expectedStatus(row: Row, roles: readonly string[], caller: Caller): number {
  const role = ROLE_OF[caller];
  if (role === null) return 401;
  if (!roles.includes('public')) {
    if (role === 'public') return 401;
    if (!roles.includes(role)) return 403;
  }
  return row.scope?.[caller as ScopedCaller] ?? row.status;
}

/** `x-roles` per route, read from the controllers when jest collects the cells (it names each cell with its status). */
const DECLARED_ROLES = rolesInControllers(AppModule);
const routeOf = (row: Pick<Row, 'method' | 'path'>) => `${row.method} ${row.path}`;

const suffix = () => randomBytes(4).toString('hex');
const days = (n: number) => new Date(Date.now() + n * 86_400_000);
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

describe('authorization matrix', () => {
  let system: TestSystem;
  /** Jurisdiction A (the targets) and B (the outsider). */
  let a: PlanFixture;
  let b: PlanFixture;
  let jurisdictionSlugA: string;
  let otherAgencyId: string;
  /** A draft plan with check-in settings (its schedule runs once active), and a check-in of A's plan with an action item, to read. */
  let schedulePlanId: string;
  let digestSchedulePlanId: string;
  let readCheckInId: string;
  /** A milestone of A's active plan, the own agency's work; its workflow is running (waiting for its start). */
  let milestoneId: string;
  const headers = {} as Record<Caller, Record<string, string>>;
  /** Upload links of real evidence requests: one to read, one per caller to submit through. */
  let readLink: string;
  const submitLinks = {} as Record<Caller, string>;
  /** Per cell: open escalations (one for each IMB action), evidence under review, milestones with an open request, failed emails. */
  const escalationActions = ['acknowledge', 'recommendation', 'resolve'] as const;
  const escalations = Object.fromEntries(escalationActions.map((action) => [action, {} as Record<Caller, string>])) as Record<(typeof escalationActions)[number], Record<Caller, string>>;
  const evidenceUnderReview = {} as Record<Caller, string>;
  const milestonesAwaitingEvidence = {} as Record<Caller, string>;
  const failedMessages = {} as Record<Caller, string>;
  /** Evidence with a file, of a milestone of the own agency, to read. */
  const readEvidence = { milestoneId: '', evidenceId: '', fileId: '' };
  const EVIDENCE_FILE = 'indicador;valor\nformularios digitalizados;42\n';
  /** An agency of A whose address the SMTP server refuses, so its evidence requests fail. */
  const unreachableEmail = `unreachable-${suffix()}@test.example`;

  const http = () => system.http();
  const admin = () => ({ Authorization: system.adminAuth.Authorization });

  async function adminPost(url: string, body: object): Promise<Record<string, any>> {
    const response = await http().post(url).set(admin()).send(body);
    if (response.status !== 201) throw new Error(`Setup POST ${url} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async function etagOf(url: string): Promise<string> {
    const response = await http().get(url).set(admin());
    if (response.status !== 200 || !response.headers.etag) throw new Error(`Setup GET ${url} answered ${response.status} without an ETag`);
    return response.headers.etag;
  }

  async function token(role: 'coordinator' | 'agency' | 'imb', label: string, agencyId?: string): Promise<{ id: string; token: string }> {
    const created = await adminPost(`/jurisdictions/${a.jurisdictionId}/tokens`, { role, label, agencyId });
    return { id: created.id, token: created.token };
  }

  const planBody = (status: 'draft' | 'active' = 'draft') => ({
    jurisdictionId: a.jurisdictionId,
    title: `Matrix plan ${suffix()}`,
    periodStart: isoDate(days(-1)),
    periodEnd: isoDate(days(365)),
    termEnd: isoDate(days(430)),
    status,
  });
  const commitmentBody = () => ({ title: `Matrix commitment ${suffix()}`, leadAgencyId: a.agencyId, ogpValues: ['public_accountability'] });
  const milestoneBody = (title = `Matrix milestone ${suffix()}`) => ({
    title,
    startAt: days(10).toISOString(),
    dueAt: days(100).toISOString(),
    responsibleAgencyId: a.agencyId,
  });

  /** A small plan document (draft, so importing it starts no workflow), naming A's own agency. */
  const planDocument = () => {
    const agency = 'Secretariat of Modernization and Proximity';
    return {
      format: 'ogp-local-monitor/plan@1',
      plan: { ...planBody(), jurisdictionId: undefined, strategicVision: null, policy: secondsPolicy(), imb: null, endorsingStakeholders: [] },
      agencies: [],
      commitments: [
        {
          ...commitmentBody(),
          leadAgencyId: undefined,
          externalId: 'C1',
          description: null,
          leadAgency: agency,
          supportingStakeholders: [],
          challengeArea: null,
          sdgTags: [],
          status: 'active',
          committee: [],
          assessments: [],
          milestones: [{ ...milestoneBody(), responsibleAgencyId: undefined, externalId: 'C1.1', expectedOutput: null, originalDueAt: days(100).toISOString(), responsibleAgency: agency, weight: null, verifiable: true, completion: null, cancelledReason: null, replanning: [] }],
        },
      ],
    };
  };
  const milestonesCsv = () =>
    [
      'commitment_external_id,external_id,title,expected_output,start_date,due_date,responsible_agency,weight,verifiable,completion',
      `C1,C1.1,Imported milestone,A report,${isoDate(days(10))},${isoDate(days(100))},Secretariat of Modernization and Proximity,,yes,`,
    ].join('\n');

  const freshAgency = async () => (await adminPost(`/jurisdictions/${a.jurisdictionId}/agencies`, { name: `Matrix agency ${suffix()}`, contacts: [{ email: `agency-${suffix()}@test.example` }], language: 'es' })).id as string;
  const freshPlan = async () => (await adminPost('/plans', planBody())).id as string;
  const freshCommitment = async () => (await adminPost(`/plans/${await freshPlan()}/commitments`, commitmentBody())).id as string;
  const freshMilestone = async () => (await adminPost(`/commitments/${a.commitmentId}/milestones`, milestoneBody())).id as string;
  const freshToken = async () => (await token('imb', `Matrix token ${suffix()}`)).id;
  /** Check-in settings (first Tuesday of each month, 18:00) for a plan, written by the admin. */
  const scheduleBody = { calendar: { dayOfMonth: [{ start: 1, end: 7 }], dayOfWeek: ['TUESDAY'], hour: [{ start: 18 }], minute: [{ start: 0 }] }, mode: 'in_person', address: 'Palacio Municipal' };
  const planWithSchedule = async (status: 'draft' | 'active' = 'draft') => {
    const planId = (await adminPost('/plans', planBody(status))).id as string;
    const response = await http().put(`/plans/${planId}/check-in-schedule`).set(admin()).send(scheduleBody);
    if (response.status !== 201) throw new Error(`Setup PUT check-in schedule answered ${response.status}: ${JSON.stringify(response.body)}`);
    return planId;
  };
  /** Digest settings (the 1st of each month, 09:00) for a plan, written by the admin. */
  const digestScheduleBody = { calendar: { dayOfMonth: [{ start: 1 }], hour: [{ start: 9 }], minute: [{ start: 0 }] } };
  const planWithDigestSchedule = async (status: 'draft' | 'active' = 'draft') => {
    const planId = (await adminPost('/plans', planBody(status))).id as string;
    const response = await http().put(`/plans/${planId}/digest-schedule`).set(admin()).send(digestScheduleBody);
    if (response.status !== 201) throw new Error(`Setup PUT digest schedule answered ${response.status}: ${JSON.stringify(response.body)}`);
    return planId;
  };
  /** A check-in of A's plan as a schedule run would have prepared it (no workflow: signals to it are no-ops). */
  const freshCheckIn = (values: Partial<CheckInEntity> = {}) => insertCheckIn(system.api.get(DataSource), { planId: a.planId, ...values });
  const freshActionItem = async () => {
    const checkInId = await freshCheckIn({ startsAt: days(-2), status: CheckInStatus.Closed, closedAt: days(-1), minutes: 'Met.' });
    return (
      await system.api.get(DataSource).getRepository(ActionItemEntity).save({ checkInId, planId: a.planId, title: 'Publish the calendar', ownerName: 'Ana', ownerEmail: 'ana@colectivo.example', ownerLanguage: 'es', dueAt: days(10), status: ActionItemStatus.Open })
    ).id;
  };
  /** The feed names each event `check-in-<id>@ogp-monitor` (its UID); anything else with an @ would be an address. */
  const noPersonalDataInFeed = (_caller: Caller, response: Response) => {
    expect(response.headers['content-type']).toMatch(/^text\/calendar/);
    expect(around('@', response.text.replace(/check-in-[0-9a-f-]+@ogp-monitor/g, ''))).toEqual([]);
    expect(response.text).not.toMatch(/ORGANIZER|ATTENDEE/);
  };
  const freshCommitteeMember = async () => (await adminPost(`/commitments/${a.commitmentId}/committee/members`, { kind: 'government_referent', name: 'Matrix referent' })).id as string;

  /** Public answers carry no personal data: no e-mail address anywhere, no contacts. */
  const noPersonalData = (_caller: Caller, response: Response) => {
    expect(around('@', response.text)).toEqual([]);
    expect(keysOf(response.body)).not.toContain('contacts');
  };

  const items = (response: Response) => (Array.isArray(response.body) ? response.body : response.body.items) as Record<string, any>[];

  /** A subscriber of A's plan made straight in the database (pending with a live confirmation link, or confirmed), with its signed links. */
  const freshSubscriber = async (status: 'pending' | 'confirmed' = 'confirmed') => {
    const email = `matrix-subscriber-${suffix()}@vecinos.example`;
    const now = new Date();
    const confirmExpiresAt = new Date(now.getTime() + 3_600_000);
    const row = await system.api.get(DataSource).getRepository(SubscriberEntity).save({
      planId: a.planId,
      email,
      language: 'es',
      commitmentIds: [],
      status,
      consentSource: 'form' as const,
      confirmationSentAt: now,
      confirmationsSent: 1,
      confirmExpiresAt,
      confirmedAt: status === 'confirmed' ? now : null,
      consentedAt: status === 'confirmed' ? now : null,
    });
    const links = subscriberLinks('http://127.0.0.1', row.id, subscriberConfig(system.config).linkSecret, confirmExpiresAt);
    const path = (url: string) => new URL(url).pathname;
    return { email, confirm: path(links.confirmUrl), manage: path(links.preferencesUrl), unsubscribe: path(links.unsubscribeUrl) };
  };
  /** Subscriber pages are HTML with no address in them. */
  const htmlWithoutAddress = (_caller: Caller, response: Response) => {
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(around('@', response.text)).toEqual([]);
  };

  const rows: Row[] = [
    // Jurisdictions, agencies, Dialogue Board, tokens, audit trail
    {
      method: 'POST',
      path: '/jurisdictions',
      status: 201,
      call: async () => {
        const s = suffix();
        return { url: '/jurisdictions', body: { slug: `matrix-${s}`, name: `Matrix city ${s}`, country: 'AR', timeZone: 'America/Argentina/Cordoba', defaultLanguage: 'es' } };
      },
    },
    {
      method: 'GET',
      path: '/jurisdictions',
      status: 200,
      call: async () => ({ url: '/jurisdictions' }),
      check: (caller, response) => {
        const ids = items(response).map((j) => j.id);
        if (caller === 'coordinator-B') expect(ids).toEqual([b.jurisdictionId]);
        else if (caller !== 'admin') expect(ids).toEqual([a.jurisdictionId]);
      },
    },
    { method: 'GET', path: '/jurisdictions/{jurisdictionId}', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/jurisdictions/${a.jurisdictionId}` }) },
    {
      method: 'POST',
      path: '/jurisdictions/{jurisdictionId}/agencies',
      status: 201,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/jurisdictions/${a.jurisdictionId}/agencies`, body: { name: `Matrix agency ${suffix()}`, contacts: [{ name: 'Referent', email: `referent-${suffix()}@test.example` }], language: 'en' } }),
    },
    {
      method: 'GET',
      path: '/jurisdictions/{jurisdictionId}/agencies',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/jurisdictions/${a.jurisdictionId}/agencies` }),
      check: (caller, response) => {
        const ids = items(response).map((agency) => agency.id);
        if (caller === 'agency-own-A') expect(ids).toEqual([a.agencyId]);
        if (caller === 'agency-other-A') expect(ids).toEqual([otherAgencyId]);
        if (caller === 'coordinator-A') expect(ids).toEqual(expect.arrayContaining([a.agencyId, otherAgencyId]));
      },
    },
    { method: 'GET', path: '/agencies/{agencyId}', status: 200, scope: AGENCY_SCOPE, call: async () => ({ url: `/agencies/${a.agencyId}` }) },
    {
      method: 'PATCH',
      path: '/agencies/{agencyId}',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => {
        const id = await freshAgency();
        return { url: `/agencies/${id}`, ifMatch: await etagOf(`/agencies/${id}`), body: { name: `Renamed agency ${suffix()}` } };
      },
    },
    {
      method: 'POST',
      path: '/jurisdictions/{jurisdictionId}/dialogue-board/members',
      status: 201,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/jurisdictions/${a.jurisdictionId}/dialogue-board/members`, body: { name: 'Ana Gómez', organisation: 'Colectivo Ciudadano', email: `ana-${suffix()}@test.example`, language: 'es' } }),
    },
    { method: 'GET', path: '/jurisdictions/{jurisdictionId}/dialogue-board/members', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/jurisdictions/${a.jurisdictionId}/dialogue-board/members` }) },
    {
      method: 'POST',
      path: '/jurisdictions/{jurisdictionId}/tokens',
      status: 201,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/jurisdictions/${a.jurisdictionId}/tokens`, body: { role: 'imb', label: `Matrix IMB ${suffix()}` } }),
    },
    { method: 'GET', path: '/jurisdictions/{jurisdictionId}/tokens', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/jurisdictions/${a.jurisdictionId}/tokens` }) },
    { method: 'DELETE', path: '/tokens/{tokenId}', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/tokens/${await freshToken()}` }) },
    { method: 'GET', path: '/jurisdictions/{jurisdictionId}/audit-events', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/jurisdictions/${a.jurisdictionId}/audit-events` }) },

    // Plans
    { method: 'POST', path: '/plans', status: 201, scope: JURISDICTION_SCOPE, call: async () => ({ url: '/plans', body: planBody() }) },
    { method: 'GET', path: '/plans', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans?jurisdictionId=${a.jurisdictionId}` }) },
    { method: 'GET', path: '/plans/{planId}', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${a.planId}` }) },
    {
      method: 'PATCH',
      path: '/plans/{planId}',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => {
        const id = await freshPlan();
        return { url: `/plans/${id}`, ifMatch: await etagOf(`/plans/${id}`), body: { title: `Renamed plan ${suffix()}` } };
      },
    },
    { method: 'GET', path: '/plans/{planId}/progress', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${a.planId}/progress` }) },

    // Import and export
    { method: 'GET', path: '/plans/{planId}/export', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${a.planId}/export` }) },
    { method: 'GET', path: '/plans/{planId}/progress.csv', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${a.planId}/progress.csv` }) },
    {
      method: 'POST',
      path: '/jurisdictions/{jurisdictionId}/plans/import',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/jurisdictions/${a.jurisdictionId}/plans/import`, body: planDocument() }),
      check: (_caller, response) => expect(response.body).toMatchObject({ valid: true, planId: expect.any(String) }),
    },
    {
      method: 'POST',
      path: '/plans/{planId}/milestones/import',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => {
        const planId = await freshPlan();
        await adminPost(`/plans/${planId}/commitments`, { ...commitmentBody(), externalId: 'C1' });
        return { url: `/plans/${planId}/milestones/import`, contentType: 'text/csv', body: milestonesCsv() };
      },
      check: (_caller, response) => expect(response.body).toMatchObject({ valid: true, summary: { created: 1 } }),
    },

    // Commitments
    {
      method: 'POST',
      path: '/plans/{planId}/commitments',
      status: 201,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/plans/${await freshPlan()}/commitments`, body: commitmentBody() }), // a fresh plan: at most 5 active commitments each
    },
    { method: 'GET', path: '/plans/{planId}/commitments', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${a.planId}/commitments` }) },
    { method: 'GET', path: '/commitments/{commitmentId}', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/commitments/${a.commitmentId}` }) },
    {
      method: 'PATCH',
      path: '/commitments/{commitmentId}',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => {
        const id = await freshCommitment();
        return { url: `/commitments/${id}`, ifMatch: await etagOf(`/commitments/${id}`), body: { title: `Renamed commitment ${suffix()}` } };
      },
    },
    {
      method: 'PUT',
      path: '/commitments/{commitmentId}/milestone-weights',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => {
        const id = await freshCommitment();
        return { url: `/commitments/${id}/milestone-weights`, ifMatch: await etagOf(`/commitments/${id}`), body: { weights: null } };
      },
    },
    {
      method: 'POST',
      path: '/commitments/{commitmentId}/committee/members',
      status: 201,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/commitments/${a.commitmentId}/committee/members`, body: { kind: 'government_referent', name: 'Luis Díaz', organisation: 'Secretariat', email: `luis-${suffix()}@test.example` } }),
    },
    { method: 'GET', path: '/commitments/{commitmentId}/committee/members', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/commitments/${a.commitmentId}/committee/members` }) },
    { method: 'DELETE', path: '/committee-members/{memberId}', status: 204, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/committee-members/${await freshCommitteeMember()}` }) },
    {
      method: 'POST',
      path: '/commitments/{commitmentId}/assessments',
      status: 201,
      scope: JURISDICTION_SCOPE,
      // The administrator records on behalf of the government or the IMB, and must say which.
      call: async (caller) => ({ url: `/commitments/${a.commitmentId}/assessments`, body: { completion: 'limited', narrative: 'Two of four tools were evaluated.', ...(caller === 'admin' ? { assessor: 'imb' } : {}) } }),
    },
    { method: 'GET', path: '/commitments/{commitmentId}/assessments', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/commitments/${a.commitmentId}/assessments` }) },

    // Milestones
    {
      method: 'POST',
      path: '/commitments/{commitmentId}/milestones',
      status: 201,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/commitments/${a.commitmentId}/milestones`, body: milestoneBody() }),
    },
    {
      method: 'GET',
      path: '/plans/{planId}/milestones',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/plans/${a.planId}/milestones?limit=200` }),
      check: (caller, response) => {
        const ids = items(response).map((m) => m.id);
        if (caller === 'agency-other-A') expect(ids).toEqual([]);
        else expect(ids).toContain(milestoneId);
      },
    },
    {
      method: 'GET',
      path: '/milestones',
      status: 200,
      call: async () => ({ url: `/milestones?commitmentId=${a.commitmentId}&limit=200` }),
      check: (caller, response) => {
        const ids = items(response).map((m) => m.id);
        if (caller === 'agency-other-A' || caller === 'coordinator-B') expect(ids).toEqual([]);
        else expect(ids).toContain(milestoneId);
      },
    },
    { method: 'GET', path: '/milestones/{milestoneId}', status: 200, scope: AGENCY_SCOPE, call: async () => ({ url: `/milestones/${milestoneId}` }) },
    {
      method: 'PATCH',
      path: '/milestones/{milestoneId}',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => {
        const id = await freshMilestone();
        return { url: `/milestones/${id}`, ifMatch: await etagOf(`/milestones/${id}`), body: { title: `Renamed milestone ${suffix()}` } };
      },
    },
    {
      method: 'POST',
      path: '/milestones/{milestoneId}/replan',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => {
        const id = await freshMilestone();
        return { url: `/milestones/${id}/replan`, ifMatch: await etagOf(`/milestones/${id}`), body: { dueAt: days(200).toISOString(), reason: 'The procurement was delayed' } };
      },
    },
    {
      method: 'POST',
      path: '/milestones/{milestoneId}/cancel',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => {
        const id = await freshMilestone();
        return { url: `/milestones/${id}/cancel`, ifMatch: await etagOf(`/milestones/${id}`), body: { reason: 'Merged into another milestone' } };
      },
    },
    { method: 'GET', path: '/milestones/{milestoneId}/replanning', status: 200, scope: AGENCY_SCOPE, call: async () => ({ url: `/milestones/${milestoneId}/replanning` }) },
    { method: 'GET', path: '/milestones/{milestoneId}/workflow', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/milestones/${milestoneId}/workflow` }) },
    {
      method: 'POST',
      path: '/plans/{planId}/workflows/sync',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/plans/${a.planId}/workflows/sync` }),
      check: (_caller, response) => expect(response.body).toMatchObject({ planId: a.planId, milestonesHandedOver: expect.any(Number) }),
    },
    {
      method: 'GET',
      path: '/commitments/{commitmentId}/workflow',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/commitments/${a.commitmentId}/workflow` }),
      check: (_caller, response) => expect(response.body).toMatchObject({ commitmentId: a.commitmentId, status: 'active' }),
    },
    {
      method: 'GET',
      path: '/plans/{planId}/workflows',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/plans/${a.planId}/workflows` }),
      check: (_caller, response) => expect((response.body as { workflowId: string }[]).map((w) => w.workflowId)).toContain(`milestone-${milestoneId}`),
    },

    // Public data: anyone, but a revoked token is refused like any unknown credential
    { method: 'GET', path: '/public/jurisdictions', status: 200, call: async () => ({ url: '/public/jurisdictions' }), check: noPersonalData },
    { method: 'GET', path: '/public/jurisdictions/{slug}/plans', status: 200, call: async () => ({ url: `/public/jurisdictions/${jurisdictionSlugA}/plans` }), check: noPersonalData },
    {
      method: 'GET',
      path: '/public/plans/{planId}',
      status: 200,
      call: async () => ({ url: `/public/plans/${a.planId}` }),
      check: (caller, response) => {
        expect(response.body.commitments.flatMap((c: { milestones: { id: string }[] }) => c.milestones.map((m) => m.id))).toContain(milestoneId);
        noPersonalData(caller, response);
      },
    },

    // Upload links: the signed link is the credential, whoever calls
    { method: 'GET', path: '/evidence-uploads/{token}', status: 200, call: async () => ({ url: `/evidence-uploads/${readLink}` }) },
    {
      method: 'POST',
      path: '/evidence-uploads/{token}',
      status: 201,
      call: async (caller) => ({ url: `/evidence-uploads/${submitLinks[caller]}`, body: { narrative: 'The report was published.', links: ['https://datos.example/report.pdf'], claimedCompletion: 'complete' } }),
    },

    // Evidence with an API token: an agency answers for its own milestones; coordinators and the IMB read
    {
      method: 'POST',
      path: '/milestones/{milestoneId}/evidence',
      status: 201,
      scope: AGENCY_SCOPE,
      call: async (caller) => ({ url: `/milestones/${milestonesAwaitingEvidence[caller]}/evidence`, body: { narrative: 'The report was published.', links: ['https://datos.example/report.pdf'], claimedCompletion: 'complete' } }),
      check: (_caller, response) => expect(response.body).toMatchObject({ milestoneStatus: 'under_review', files: [] }),
    },
    {
      method: 'GET',
      path: '/milestones/{milestoneId}/evidence',
      status: 200,
      scope: AGENCY_SCOPE,
      call: async () => ({ url: `/milestones/${readEvidence.milestoneId}/evidence` }),
      check: (_caller, response) => {
        expect(items(response).map((e) => e.id)).toEqual([readEvidence.evidenceId]);
        expect(items(response)[0].files.map((file: { id: string }) => file.id)).toEqual([readEvidence.fileId]);
      },
    },
    {
      method: 'GET',
      path: '/evidence/{evidenceId}/files/{fileId}',
      status: 200,
      scope: AGENCY_SCOPE,
      call: async () => ({ url: `/evidence/${readEvidence.evidenceId}/files/${readEvidence.fileId}` }),
      check: (_caller, response) => {
        expect(response.text).toBe(EVIDENCE_FILE);
        expect(response.headers['content-disposition']).toMatch(/^attachment/);
      },
    },

    // Review and escalations: the follow-up committee (coordinators) reviews; the IMB acts on escalations
    {
      method: 'POST',
      path: '/evidence/{evidenceId}/review',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async (caller) => ({ url: `/evidence/${evidenceUnderReview[caller]}/review`, body: { decision: 'accept', completion: 'complete', comments: 'Published as open data.' } }),
      check: (caller, response) => expect(response.body).toEqual({ evidenceId: evidenceUnderReview[caller], milestoneId: expect.any(String), milestoneStatus: 'completed' }),
    },
    {
      method: 'GET',
      path: '/escalations',
      status: 200,
      // Filtered by A's plan: B's coordinator must get none of it, not an error.
      call: async () => ({ url: `/escalations?planId=${a.planId}&limit=200` }),
      check: (caller, response) => {
        const ids = items(response).map((e) => e.id);
        if (caller === 'coordinator-B') expect(response.body).toMatchObject({ items: [], total: 0 });
        else expect(ids).toEqual(expect.arrayContaining(escalationActions.flatMap((action) => Object.values(escalations[action]))));
      },
    },
    ...escalationActions.map(
      (action): Row => ({
        method: 'POST',
        path: `/escalations/{escalationId}/${action}`,
        // The IMB's alone (and the admin's): a coordinator, even A's, is refused by role, so B's never reaches the row (403, not 404).
        status: 200,
        call: async (caller) => ({
          url: `/escalations/${escalations[action][caller]}/${action}`,
          body: action === 'acknowledge' ? undefined : { text: action === 'resolve' ? 'The Secretariat committed to a new date.' : 'Publish the indicators before the end of the month.' },
        }),
        check: (caller, response) => {
          expect(response.body.id).toBe(escalations[action][caller]);
          if (action === 'acknowledge') expect(response.body).toMatchObject({ status: 'acknowledged', acknowledgedAt: expect.any(String) });
          if (action === 'recommendation') expect(response.body).toMatchObject({ status: 'open', recommendation: 'Publish the indicators before the end of the month.' });
          if (action === 'resolve') expect(response.body).toMatchObject({ status: 'resolved', resolution: 'The Secretariat committed to a new date.' });
        },
      }),
    ),

    // The outbox: what was emailed in a jurisdiction, for its coordinators
    {
      method: 'GET',
      path: '/jurisdictions/{jurisdictionId}/outbox',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/jurisdictions/${a.jurisdictionId}/outbox?status=failed&limit=200` }),
      check: (_caller, response) => {
        expect(items(response).length).toBeGreaterThan(0);
        expect(items(response).every((m) => m.status === 'failed' && m.to === unreachableEmail)).toBe(true);
      },
    },
    {
      method: 'POST',
      path: '/outbox/{messageId}/resend',
      status: 200,
      scope: JURISDICTION_SCOPE,
      // The address is accepted again by now, so the message goes out.
      call: async (caller) => ({ url: `/outbox/${failedMessages[caller]}/resend` }),
      check: (caller, response) => expect(response.body).toMatchObject({ id: failedMessages[caller], status: 'sent', to: unreachableEmail }),
    },

    // Dialogue Board check-ins: coordinators run them, the IMB reads them, agencies see none of it
    {
      method: 'PUT',
      path: '/plans/{planId}/check-in-schedule',
      status: 201,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/plans/${await freshPlan()}/check-in-schedule`, body: scheduleBody }),
    },
    { method: 'GET', path: '/plans/{planId}/check-in-schedule', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${schedulePlanId}/check-in-schedule` }) },
    { method: 'DELETE', path: '/plans/{planId}/check-in-schedule', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${await planWithSchedule()}/check-in-schedule` }) },
    ...(['pause', 'resume'] as const).map(
      (action): Row => ({
        method: 'POST',
        path: `/plans/{planId}/check-in-schedule/${action}`,
        status: 200, scope: JURISDICTION_SCOPE,
        call: async () => ({ url: `/plans/${await planWithSchedule()}/check-in-schedule/${action}`, body: { note: 'Matrix' } }),
        check: (_caller, response) => expect(response.body.paused).toBe(action === 'pause'),
      }),
    ),
    {
      method: 'POST',
      path: '/plans/{planId}/check-in-schedule/trigger',
      status: 200,
      scope: JURISDICTION_SCOPE,
      // An active plan: its schedule runs in Temporal.
      call: async () => ({ url: `/plans/${await planWithSchedule('active')}/check-in-schedule/trigger` }),
      check: (_caller, response) => expect(response.body.state).toBe('running'),
    },
    // The digest: coordinators set its schedule and control a month's send, the IMB reads, agencies see none of it
    {
      method: 'PUT',
      path: '/plans/{planId}/digest-schedule',
      status: 201,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/plans/${await freshPlan()}/digest-schedule`, body: digestScheduleBody }),
    },
    { method: 'GET', path: '/plans/{planId}/digest-schedule', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${digestSchedulePlanId}/digest-schedule` }) },
    { method: 'DELETE', path: '/plans/{planId}/digest-schedule', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${await planWithDigestSchedule()}/digest-schedule` }) },
    ...(['pause', 'resume'] as const).map(
      (action): Row => ({
        method: 'POST',
        path: `/plans/{planId}/digest-schedule/${action}`,
        status: 200, scope: JURISDICTION_SCOPE,
        call: async () => ({ url: `/plans/${await planWithDigestSchedule()}/digest-schedule/${action}`, body: { note: 'Matrix' } }),
        check: (_caller, response) => expect(response.body.paused).toBe(action === 'pause'),
      }),
    ),
    {
      method: 'POST',
      path: '/plans/{planId}/digest-schedule/trigger',
      status: 200,
      scope: JURISDICTION_SCOPE,
      // An active plan: its schedule runs in Temporal.
      call: async () => ({ url: `/plans/${await planWithDigestSchedule('active')}/digest-schedule/trigger` }),
      check: (_caller, response) => expect(response.body.state).toBe('running'),
    },
    { method: 'GET', path: '/plans/{planId}/digests', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${a.planId}/digests` }) },
    {
      method: 'GET',
      path: '/plans/{planId}/digests/{month}',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/plans/${a.planId}/digests/2030-01` }),
      check: (_caller, response) => expect(response.body).toMatchObject({ status: 'completed', month: '2030-01' }),
    },
    ...(['pause', 'resume', 'cancel'] as const).map(
      // The month's send has ended: the coordinator is heard and told so (409).
      (act): Row => ({ method: 'POST', path: `/plans/{planId}/digests/{month}/${act}`, status: 409, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${a.planId}/digests/2030-01/${act}` }) }),
    ),
    { method: 'GET', path: '/plans/{planId}/check-ins', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${a.planId}/check-ins` }) },
    { method: 'GET', path: '/check-ins/{checkInId}', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/check-ins/${readCheckInId}` }) },
    {
      method: 'PUT',
      path: '/check-ins/{checkInId}/agenda',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/check-ins/${await freshCheckIn()}/agenda`, ifMatch: '"1"', body: { items: [{ kind: 'other', title: 'Budget', durationMinutes: 15, links: [] }] } }),
    },
    { method: 'PATCH', path: '/check-ins/{checkInId}', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/check-ins/${await freshCheckIn()}`, ifMatch: '"1"', body: { durationMinutes: 60 } }) },
    { method: 'POST', path: '/check-ins/{checkInId}/cancel', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/check-ins/${await freshCheckIn()}/cancel`, ifMatch: '"1"', body: { reason: 'Strike' } }) },
    {
      method: 'POST',
      path: '/check-ins/{checkInId}/close',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({
        url: `/check-ins/${await freshCheckIn({ startsAt: days(-1), status: CheckInStatus.Invited })}/close`,
        ifMatch: '"1"',
        body: { minutes: 'Met.', attendanceCount: 9, organisationsPresent: ['Colectivo'], decisions: [], actionItems: [] },
      }),
    },
    {
      method: 'POST',
      path: '/check-ins/{checkInId}/approve-minutes',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/check-ins/${await freshCheckIn({ startsAt: days(-2), status: CheckInStatus.Closed, closedAt: days(-1), minutes: 'Met.' })}/approve-minutes` }),
    },
    { method: 'GET', path: '/plans/{planId}/action-items', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/plans/${a.planId}/action-items?status=open` }) },
    { method: 'POST', path: '/action-items/{actionItemId}/close', status: 200, scope: JURISDICTION_SCOPE, call: async () => ({ url: `/action-items/${await freshActionItem()}/close`, body: { note: 'Done' } }) },
    { method: 'GET', path: '/public/plans/{planId}/check-ins', status: 200, call: async () => ({ url: `/public/plans/${a.planId}/check-ins` }), check: noPersonalData },
    { method: 'GET', path: '/public/plans/{planId}/check-ins.ics', status: 200, call: async () => ({ url: `/public/plans/${a.planId}/check-ins.ics` }), check: noPersonalDataInFeed },

    // Open data and the public pages: anyone, no token (a revoked or unknown token is still refused).
    { method: 'GET', path: '/public/plans/{planId}/plan.csv', status: 200, call: async () => ({ url: `/public/plans/${a.planId}/plan.csv` }), check: noPersonalData },
    { method: 'GET', path: '/public/plans/{planId}/decidim-results.csv', status: 200, call: async () => ({ url: `/public/plans/${a.planId}/decidim-results.csv` }), check: noPersonalData },
    { method: 'GET', path: '/public/plans/{planId}/feed.atom', status: 200, call: async () => ({ url: `/public/plans/${a.planId}/feed.atom` }), check: noPersonalData },
    { method: 'GET', path: '/public/plans/{planId}/digests', status: 200, call: async () => ({ url: `/public/plans/${a.planId}/digests` }), check: noPersonalData },
    { method: 'GET', path: '/public/plans/{planId}/digests/{month}', status: 200, call: async () => ({ url: `/public/plans/${a.planId}/digests/2030-01?lang=es` }), check: noPersonalData },
    { method: 'GET', path: '/p/{slug}', status: 200, call: async () => ({ url: `/p/${jurisdictionSlugA}` }), check: noPersonalData },
    { method: 'GET', path: '/p/{slug}/open-data', status: 200, call: async () => ({ url: `/p/${jurisdictionSlugA}/open-data` }) },
    { method: 'GET', path: '/p/{slug}/plans/{planId}', status: 200, call: async () => ({ url: `/p/${jurisdictionSlugA}/plans/${a.planId}` }), check: noPersonalData },
    { method: 'GET', path: '/p/{slug}/plans/{planId}/commitments/{commitmentId}', status: 200, call: async () => ({ url: `/p/${jurisdictionSlugA}/plans/${a.planId}/commitments/${a.commitmentId}` }), check: noPersonalData },
    { method: 'GET', path: '/p/{slug}/plans/{planId}/check-ins', status: 200, call: async () => ({ url: `/p/${jurisdictionSlugA}/plans/${a.planId}/check-ins` }), check: noPersonalData },
    { method: 'GET', path: '/p/{slug}/plans/{planId}/check-ins/{checkInId}', status: 200, call: async () => ({ url: `/p/${jurisdictionSlugA}/plans/${a.planId}/check-ins/${readCheckInId}` }), check: noPersonalData },
    { method: 'GET', path: '/p/{slug}/plans/{planId}/digests', status: 200, call: async () => ({ url: `/p/${jurisdictionSlugA}/plans/${a.planId}/digests` }), check: noPersonalData },
    { method: 'GET', path: '/p/{slug}/plans/{planId}/digests/{month}', status: 200, call: async () => ({ url: `/p/${jurisdictionSlugA}/plans/${a.planId}/digests/2030-01` }), check: noPersonalData },
    { method: 'GET', path: '/p/{slug}/plans/{planId}/subscribe', status: 200, call: async () => ({ url: `/p/${jurisdictionSlugA}/plans/${a.planId}/subscribe` }) },
    {
      method: 'POST',
      path: '/p/{slug}/plans/{planId}/subscribe',
      status: 200,
      call: async () => ({ url: `/p/${jurisdictionSlugA}/plans/${a.planId}/subscribe`, body: `email=matrix-page-${suffix()}%40vecinos.example&language=es`, contentType: 'application/x-www-form-urlencoded' }),
      check: htmlWithoutAddress,
    },

    // Subscribers: anyone subscribes and follows the signed links of its emails; coordinators manage the plan's list, the IMB sees counts
    {
      method: 'POST',
      path: '/public/plans/{planId}/subscriptions',
      status: 202,
      call: async () => ({ url: `/public/plans/${a.planId}/subscriptions`, body: { email: `matrix-${suffix()}@vecinos.example`, language: 'es' } }),
      check: (caller, response) => {
        expect(response.body).toEqual({ status: 'accepted', detail: expect.any(String) });
        noPersonalData(caller, response);
      },
    },
    { method: 'GET', path: '/subscriptions/confirm/{token}', status: 200, call: async () => ({ url: (await freshSubscriber('pending')).confirm }), check: htmlWithoutAddress },
    { method: 'GET', path: '/subscriptions/manage/{token}', status: 200, call: async () => ({ url: (await freshSubscriber()).manage }), check: htmlWithoutAddress },
    {
      method: 'POST',
      path: '/subscriptions/manage/{token}',
      status: 200,
      call: async () => ({ url: (await freshSubscriber()).manage, body: 'language=en', contentType: 'application/x-www-form-urlencoded' }),
      check: htmlWithoutAddress,
    },
    { method: 'GET', path: '/subscriptions/unsubscribe/{token}', status: 200, call: async () => ({ url: (await freshSubscriber()).unsubscribe }), check: htmlWithoutAddress },
    {
      method: 'POST',
      path: '/subscriptions/unsubscribe/{token}',
      status: 200,
      call: async () => ({ url: (await freshSubscriber()).unsubscribe, body: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' }),
      check: htmlWithoutAddress,
    },
    {
      method: 'GET',
      path: '/plans/{planId}/subscribers/summary',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/plans/${a.planId}/subscribers/summary` }),
      check: (caller, response) => {
        expect(response.body).toMatchObject({ planId: a.planId, byStatus: expect.any(Object) });
        noPersonalData(caller, response);
      },
    },
    {
      method: 'POST',
      path: '/plans/{planId}/subscribers/export',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/plans/${a.planId}/subscribers/export`, body: { email: (await freshSubscriber()).email } }),
      check: (_caller, response) => expect(response.body.subscriber).toMatchObject({ planId: a.planId, status: 'confirmed' }),
    },
    {
      method: 'POST',
      path: '/plans/{planId}/subscribers/erase',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/plans/${a.planId}/subscribers/erase`, body: { email: (await freshSubscriber()).email } }),
      check: (_caller, response) => expect(response.body).toMatchObject({ planId: a.planId, erased: true }),
    },
    {
      method: 'POST',
      path: '/plans/{planId}/subscribers/import',
      status: 200,
      scope: JURISDICTION_SCOPE,
      call: async () => ({ url: `/plans/${a.planId}/subscribers/import?dryRun=true`, body: `email;language;commitment_external_ids;consented_at\nmatrix-import-${suffix()}@vecinos.example;es;;2024-05-01\n`, contentType: 'text/csv' }),
      check: (_caller, response) => expect(response.body).toMatchObject({ dryRun: true, valid: true, summary: { created: 1 } }),
    },
  ];

  /**
   * The targets workflows take some seconds to reach, one per cell: open escalations (overdue
   * milestones of a commitment whose policy escalates a second after the due date), evidence under
   * review (submitted through the link of the request email), milestones with an open request,
   * evidence with a file to read, and emails the SMTP server refused (the failed ones a coordinator
   * sends again; the address is accepted again once they are recorded).
   */
  async function prepareWorkflowTargets(): Promise<void> {
    // Quiet: the request goes out at once (the lead time exceeds the due date), then nothing happens within the test.
    const quiet = (await adminPost(`/plans/${a.planId}/commitments`, { ...commitmentBody(), policy: secondsPolicy({ evidenceRequestLeadSeconds: 600, reminderIntervalSeconds: 600, maxReminders: 0, escalationGraceSeconds: 600, secondLevelEscalationSeconds: 600 }) })).id as string;
    // Escalating: requested at once, due in 2 s, no reminders, escalated to the IMB 1 s after; the level-1 escalation stays the open one.
    const escalating = (await adminPost(`/plans/${a.planId}/commitments`, { ...commitmentBody(), policy: secondsPolicy({ evidenceRequestLeadSeconds: 2, reminderIntervalSeconds: 600, maxReminders: 0, escalationGraceSeconds: 1, secondLevelEscalationSeconds: 600 }) })).id as string;
    system.mail.rejectRecipients.add(unreachableEmail);
    const unreachableAgency = (await adminPost(`/jurisdictions/${a.jurisdictionId}/agencies`, { name: `Unreachable agency ${suffix()}`, contacts: [{ email: unreachableEmail }], language: 'es' })).id as string;

    const milestone = async (commitmentId: string, title: string, dueInSeconds: number, agencyId = a.agencyId) => {
      const now = Date.now();
      const body = { title, startAt: new Date(now).toISOString(), dueAt: new Date(now + dueInSeconds * 1000).toISOString(), responsibleAgencyId: agencyId };
      const created = (await adminPost(`/commitments/${commitmentId}/milestones`, body)) as { id: string; workflowId: string };
      await workflowStarted(system, created.workflowId);
      return created;
    };
    // The request is stored before its email goes out.
    const requestMail = (title: string) => system.mail.waitFor((m) => (m.parsed.subject ?? '').endsWith(title), 30_000);
    const linkOf = async (title: string) => uploadTokenFrom((await requestMail(title)).parsed.text!);
    const expectCreated = (what: string, response: Response) => {
      if (response.status !== 201) throw new Error(`Setup: ${what} answered ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body as Record<string, any>;
    };

    await Promise.all([
      // Act only once the workflow holds the escalation as its open one (its activity has returned).
      ...escalationActions.flatMap((action) =>
        CALLERS.map(async (caller) => {
          const { workflowId } = await milestone(escalating, `Overdue, to ${action} as ${caller} ${suffix()}`, 2);
          const state = await eventually(
            () => system.temporal.workflow.getHandle(workflowId).query<{ escalation?: { id: string; status: string } | null }>('getMilestoneState'),
            (s) => s.escalation?.status === 'open',
            30_000,
          );
          if (!state.escalation) throw new Error(`Setup: the milestone to ${action} as ${caller} was not escalated`);
          escalations[action][caller] = state.escalation.id;
        }),
      ),
      ...CALLERS.map(async (caller) => {
        const title = `Under review, for ${caller} ${suffix()}`;
        await milestone(quiet, title, 300);
        const receipt = expectCreated('evidence', await http().post(`/evidence-uploads/${await linkOf(title)}`).send({ narrative: 'The inventory was published.', claimedCompletion: 'substantial' }));
        evidenceUnderReview[caller] = receipt.evidenceId;
      }),
      ...CALLERS.map(async (caller) => {
        const title = `Awaiting evidence from ${caller} ${suffix()}`;
        const { id } = await milestone(quiet, title, 300);
        await requestMail(title);
        milestonesAwaitingEvidence[caller] = id;
      }),
      (async () => {
        const title = `Evidence to read ${suffix()}`;
        readEvidence.milestoneId = (await milestone(quiet, title, 300)).id;
        const receipt = expectCreated(
          'evidence with a file',
          await http().post(`/evidence-uploads/${await linkOf(title)}`).field('narrative', 'The indicators, as a spreadsheet.').field('claimedCompletion', 'complete').attach('files', Buffer.from(EVIDENCE_FILE), 'indicadores.csv'),
        );
        readEvidence.evidenceId = receipt.evidenceId;
        readEvidence.fileId = receipt.files[0].id;
      })(),
      (async () => {
        const titles = CALLERS.map((caller) => `Unreachable, to resend as ${caller} ${suffix()}`);
        await Promise.all(titles.map((title) => milestone(quiet, title, 300, unreachableAgency)));
        const messageFor = (response: Response, title: string) => items(response).find((m) => (m.subject as string).endsWith(title));
        const failed = await eventually(
          () => http().get(`/jurisdictions/${a.jurisdictionId}/outbox?status=failed&limit=200`).set(admin()),
          (response) => titles.every((title) => messageFor(response, title)),
          30_000,
        );
        CALLERS.forEach((caller, i) => {
          const message = messageFor(failed, titles[i]);
          if (!message) throw new Error(`Setup: no failed email for ${titles[i]}`);
          failedMessages[caller] = message.id;
        });
        system.mail.rejectRecipients.delete(unreachableEmail);
      })(),
    ]);
  }

  beforeAll(async () => {
    // Every caller subscribes through the API and the page's form from one client address: more than
    // the default per-client budget (the limit itself is tested in rate-limit.int-spec.ts).
    system = await startTestSystem({ config: { subscribers: { linkSecret: randomBytes(24).toString('base64url'), confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: 100 } } });
    a = await createPlanFixture(system);
    b = await createPlanFixture(system);
    jurisdictionSlugA = (await http().get(`/jurisdictions/${a.jurisdictionId}`).set(admin()).expect(200)).body.slug;
    otherAgencyId = await freshAgency();
    schedulePlanId = await planWithSchedule();
    digestSchedulePlanId = await planWithDigestSchedule();
    await system.api.get(DataSource).query(`INSERT INTO digest_send (plan_id, month, status, finished_at) VALUES ($1, '2030-01', 'completed', now())`, [a.planId]);
    // The archived issue of that month (composed as the worker does), read by the public archive routes.
    const content = composeDigest({ planId: a.planId, planTitle: 'Plan A', jurisdictionName: 'City A', commitments: [], checkIns: [], nextCheckInAt: null }, { month: '2030-01', timeZone: 'America/Argentina/Cordoba', now: new Date() });
    await system.api.get(DataSource).query(`INSERT INTO digest_issue (plan_id, month, language, subject, html, text, content) VALUES ($1, '2030-01', 'es', 'Plan A: enero de 2030', '<p>%%unsubscribeUrl%%</p>', '%%unsubscribeUrl%%', $2)`, [a.planId, JSON.stringify(content)]);
    readCheckInId = await freshCheckIn({ startsAt: days(-3), status: CheckInStatus.Closed, closedAt: days(-2), minutes: 'Met.', minutesApprovedAt: days(-1) });
    await system.api.get(DataSource).getRepository(ActionItemEntity).save({ checkInId: readCheckInId, planId: a.planId, title: 'Publish the calendar', ownerName: 'Ana', ownerEmail: 'ana@colectivo.example', ownerLanguage: 'es', dueAt: days(10), status: ActionItemStatus.Open });

    const own = await token('agency', 'Secretariat of Modernization: agency token', a.agencyId);
    const other = await token('agency', 'Another secretariat: agency token', otherAgencyId);
    // Token labels name who holds them; an e-mail address is the usual way to do that.
    const imb = await token('imb', 'PoliLab UNR: Laura Pérez <laura.perez@polilab.example>');
    const replanner = await token('coordinator', 'Open Government Directorate: Juan Ruiz <juan.ruiz@city-a.example>');
    const revoked = await token('coordinator', 'Former coordinator');
    await http().delete(`/tokens/${revoked.id}`).set(admin()).expect(200);
    const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
    Object.assign(headers, {
      admin: admin(),
      'coordinator-A': a.coordinator,
      'agency-own-A': bearer(own.token),
      'agency-other-A': bearer(other.token),
      'imb-A': bearer(imb.token),
      'coordinator-B': b.coordinator,
      public: {},
      'revoked-token': bearer(revoked.token),
      'unknown-token': bearer(`ogp_${randomBytes(32).toString('base64url')}`),
    });
    // Started now, awaited last: the workflows run while the rest is set up.
    const targetsReady = prepareWorkflowTargets();
    targetsReady.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled

    // The target milestone, with public history: a replanning and both assessments.
    milestoneId = await freshMilestone();
    const etag = await etagOf(`/milestones/${milestoneId}`);
    await http().post(`/milestones/${milestoneId}/replan`).set(bearer(replanner.token)).set('If-Match', etag).send({ dueAt: days(150).toISOString(), reason: 'Budget approved late' }).expect(200);
    await http().post(`/commitments/${a.commitmentId}/assessments`).set(bearer(imb.token)).send({ completion: 'limited', narrative: 'Work has started.' }).expect(201);
    await http().post(`/commitments/${a.commitmentId}/assessments`).set(a.coordinator).send({ completion: 'substantial', narrative: 'Most tools are in place.' }).expect(201);
    await http().post(`/jurisdictions/${a.jurisdictionId}/dialogue-board/members`).set(a.coordinator).send({ name: 'Ana Gómez', organisation: 'Colectivo', email: 'ana.gomez@colectivo.example', language: 'es' }).expect(201);
    await http().post(`/commitments/${a.commitmentId}/committee/members`).set(a.coordinator).send({ kind: 'government_referent', name: 'Luis Díaz', email: 'luis.diaz@city-a.example' }).expect(201);

    // Real evidence requests (the plan's policy asks 3 s before the due date): one link per submitting caller, one to read.
    const titles = ['read', ...CALLERS].map((name) => `Evidence for ${name} ${suffix()}`);
    const now = Date.now();
    for (const title of titles) {
      await adminPost(`/commitments/${a.commitmentId}/milestones`, { title, startAt: new Date(now).toISOString(), dueAt: new Date(now + 4_000).toISOString(), responsibleAgencyId: a.agencyId });
    }
    const links = await Promise.all(titles.map(async (title) => uploadTokenFrom((await system.mail.waitFor((m) => (m.parsed.subject ?? '').endsWith(title), 30_000)).parsed.text!)));
    readLink = links[0];
    CALLERS.forEach((caller, i) => (submitLinks[caller] = links[i + 1]));
    await targetsReady;
  }, 90_000);

  afterAll(async () => {
    await system?.close();
  });

  /** `x-roles` per operation of the document the API serves. */
  let served: RolesByRoute;
  beforeAll(async () => {
    served = rolesInDocument((await http().get('/docs-json').expect(200)).body);
  });

  it('has a row for every route of the OpenAPI document, and no other', () => {
    const documented = [...served.keys()].filter((route) => !/^\w+ \/(health|docs)/.test(route));
    const tabled = rows.map(routeOf);
    expect(new Set(tabled).size).toBe(tabled.length);
    expect([...documented].sort()).toEqual([...tabled].sort());
  });

  it('every operation of the OpenAPI document declares who may call it (x-roles)', () => {
    expect([...served].filter(([, roles]) => !roles?.length).map(([route]) => route)).toEqual([]);
  });

  it('names each cell from the roles the served document declares', () => {
    expect(Object.fromEntries(DECLARED_ROLES)).toEqual(Object.fromEntries(served));
  });

  it('has scope cells only for callers the route admits', () => {
    const misplaced = rows.flatMap((row) =>
      Object.keys(row.scope ?? {})
        .filter((caller) => !DECLARED_ROLES.get(routeOf(row))?.some((role) => role === 'public' || role === ROLE_OF[caller as Caller]))
        .map((caller) => `${routeOf(row)} as ${caller}`),
    );
    expect(misplaced).toEqual([]);
  });

  const cells = rows.flatMap((row) => {
    const roles = DECLARED_ROLES.get(routeOf(row));
    return CALLERS.map((caller) => ({ row, caller, roles, status: roles ? expectedStatus(row, roles, caller) : undefined }));
  });

  it.each(cells.map((cell) => [`${routeOf(cell.row)} as ${cell.caller} → ${cell.status ?? '? (no x-roles)'}`, cell] as const))('%s', async (_name, { row, caller, status }) => {
    if (status === undefined) throw new Error(`${routeOf(row)} declares no x-roles (@Roles or @Public on its handler)`);
    const { url, body, ifMatch, contentType } = await row.call(caller);
    let request = http()[row.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](url).set(headers[caller]);
    if (ifMatch) request = request.set('If-Match', ifMatch);
    if (contentType) request = request.set('Content-Type', contentType);
    const response = body === undefined ? await request : await request.send(body as object);
    expect({ status: response.status, body: response.status === status ? undefined : response.body }).toEqual({ status, body: undefined });
    if (status >= 400) expect(response.headers['content-type']).toContain('application/problem+json');
    if (status < 300) row.check?.(caller, response);
  });
});

function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, child]) => [key, ...keysOf(child)]);
  return [];
}

/** Each occurrence of `needle` in `text` with some context, so a failure shows what leaked. */
function around(needle: string, text: string): string[] {
  const found: string[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) found.push(text.slice(Math.max(0, i - 60), i + 30));
  return found;
}
