/**
 * Nothing personal in public (issue #11, point 3). A jurisdiction full of personal data, each piece
 * a distinctive marker: contacts of the office, an agency (with a phone number) and the IMB; the
 * follow-up committee and the Dialogue Board; API token labels naming people (they become the
 * `actor` of replanning, assessments and reviews); evidence sent by a named token with its reviewer;
 * check-ins whose invitations went to named people, action items owned by them, minutes not yet
 * approved that name them; subscribers confirmed, pending and unsubscribed with their signed links;
 * upload links; the outbox; a digest whose emailed HTML carries a subscriber's links. Then every
 * public route is crawled: (a) every GET of the OpenAPI document that needs no token, with its path
 * parameters filled from the fixture; (b) every same-origin link (href, src, and URLs in feeds and
 * JSON) found in what (a) returned, followed breadth-first; the open data downloads are among them.
 * No body and no header may hold a marker, a token, or any e-mail address outside ALLOWED_EMAILS.
 * The crawled list is printed, and the test fails if it did not reach every public GET route.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DigestActivities } from '../../apps/worker/src/activities/digest.activities';
import { CompletionLevel, MilestoneStatus, ActionItemStatus, CheckInStatus, MeetingMode, SUPPORTED_LANGUAGES } from '../../libs/domain/src';
import type { OutboxService } from '../../libs/mail/src';
import {
  ActionItemEntity,
  ActionPlanEntity,
  CheckInEntity,
  EscalationEntity,
  EscalationStatus,
  EvidenceEntity,
  EvidenceRequestEntity,
  EvidenceRequestStatus,
  EvidenceReviewEntity,
  MilestoneEntity,
  OutboxMessageEntity,
  OutboxStatus,
  SubscriberEntity,
} from '../../libs/persistence/src';
import { t } from '../../libs/mail/src';
import { signUploadLink, subscriberLinks } from '../../libs/security/src';
import { startTestSystem, TestSystem } from '../support/test-system';

const EMAIL = /[A-Za-z0-9._%+-]+(@|%40|&#64;|&#x40;)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/**
 * E-mail addresses a public answer may show: only the made-up examples of the subscription form's
 * hint, in each language (name@example.org...). The public side names no person and no mailbox.
 */
const ALLOWED_EMAILS: string[] = SUPPORTED_LANGUAGES.flatMap((language) => [...t(language, 'publicPage.subscribe.emailHint').matchAll(EMAIL)].map((m) => m[0].toLowerCase()));
/**
 * The API explorer: static documentation whose schemas carry made-up example addresses
 * (ana@colectivo.example); crawled and checked for every marker, not for the e-mail pattern.
 */
const DOCUMENTATION = /^\/docs(\/|$)/;
/** A signed link or a bearer token, whoever's: none is ever public (the fixture's own are markers too; this catches new ones). */
const SECRET = /\/(subscriptions\/(confirm|manage|unsubscribe)|evidence-uploads)\/[A-Za-z0-9_.~%-]{8,}|Bearer\s+[A-Za-z0-9_.~+/-]{16,}/gi;
/** Routes that are public but reached only through a personal signed link (the holder's own data): not crawled. */
const TOKEN_ROUTE = /\{token\}/;
/** Stop following links after this many URLs (the fixture has far fewer pages; a loop would stop here). */
const MAX_URLS = 1_500;

interface Marker {
  what: string;
  value: string;
}

describe('nothing personal in public: a crawl of every public route', () => {
  let system: TestSystem;
  let db: DataSource;
  const suffix = randomBytes(4).toString('hex');
  const slug = `privada-${suffix}`;
  const subscriberSecret = randomBytes(24).toString('base64url');
  const markers: Marker[] = [];
  const mark = <T extends string>(what: string, value: T): T => {
    markers.push({ what, value });
    return value;
  };
  /** A personal address: a marker, different for each person. */
  const email = (who: string) => mark(`${who}'s e-mail`, `${who}.private.${suffix}@personal.example`);
  const http = () => system.http();
  const days = (n: number) => new Date(Date.now() + n * 86_400_000);
  const isoDate = (d: Date) => d.toISOString().slice(0, 10);
  /** Path parameters of public routes, by name, with every value the crawl tries. */
  const fill: Record<string, string[]> = {};
  /** Authenticated reads that do show the personal data (the positive control of the detector). */
  let privateReads: string[] = [];

  beforeAll(async () => {
    system = await startTestSystem({
      worker: false,
      config: {
        rateLimits: { publicPerMinute: 100_000, tokenPerMinute: 100_000 },
        subscribers: { linkSecret: subscriberSecret, confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: 100 },
      },
    });
    db = system.api.get(DataSource);
    mark('admin token', system.config.adminToken);
    mark('upload link secret', system.config.uploadLinkSecret);
    mark('subscriber link secret', subscriberSecret);

    // The jurisdiction and its people.
    const jurisdiction = (
      await http()
        .post('/jurisdictions')
        .set(system.adminAuth)
        .send({ slug, name: `Ciudad ${suffix}`, country: 'AR', timeZone: 'America/Argentina/Cordoba', defaultLanguage: 'es', officeContacts: [{ name: mark('office contact', 'Carla Confidencial'), email: email('carla') }] })
        .expect(201)
    ).body;
    const token = async (role: string, label: string, agencyId?: string) =>
      mark(`${role} API token`, (await http().post(`/jurisdictions/${jurisdiction.id}/tokens`).set(system.adminAuth).send({ role, label, agencyId }).expect(201)).body.token as string);
    // Labels naming people: the name alone is the marker (a label shown in part leaks it too).
    const coordinatorLabel = `${mark('coordinator token label', 'Gloria Anonima')}, coordinadora`;
    const coordinator = { Authorization: `Bearer ${await token('coordinator', coordinatorLabel)}` };
    const imb = { Authorization: `Bearer ${await token('imb', `${mark('IMB token label', 'Hector Intimo')} del MEI`)}` };
    const agency = (
      await http()
        .post(`/jurisdictions/${jurisdiction.id}/agencies`)
        .set(coordinator)
        .send({ name: 'Secretaria de Ambiente', contacts: [{ name: `${mark('agency contact', 'Bruno Reservado')} ${mark('agency phone', '+54 341 555 0199')}`, email: email('bruno') }], language: 'es' })
        .expect(201)
    ).body;
    const agencyLabel = `${mark('agency token label', 'Ines Callada')} de Ambiente`;
    await token('agency', agencyLabel, agency.id);
    const boardMember = (
      await http()
        .post(`/jurisdictions/${jurisdiction.id}/dialogue-board/members`)
        .set(coordinator)
        .send({ name: mark('Dialogue Board member', 'Elena Oculta'), organisation: 'Red Vecinal Norte', email: email('elena'), language: 'es' })
        .expect(201)
    ).body;

    // A plan with two commitments, its committee, milestones, replanning and both assessments.
    const plan = (
      await http()
        .post('/plans')
        .set(coordinator)
        .send({
          jurisdictionId: jurisdiction.id,
          title: `Plan de gobierno abierto ${suffix}`,
          periodStart: isoDate(days(-200)),
          periodEnd: isoDate(days(400)),
          termEnd: isoDate(days(500)),
          status: 'draft',
          imb: { name: 'PoliLab UNR', contacts: [{ name: mark('IMB contact', 'Diego Privado'), email: email('diego') }] },
        })
        .expect(201)
    ).body;
    const commitment = async (title: string) => (await http().post(`/plans/${plan.id}/commitments`).set(coordinator).send({ title, leadAgencyId: agency.id, ogpValues: ['civic_participation'] }).expect(201)).body.id as string;
    const commitmentIds = [await commitment('Presupuesto participativo abierto'), await commitment('Compras publicas abiertas')];
    await http()
      .post(`/commitments/${commitmentIds[0]}/committee/members`)
      .set(coordinator)
      .send({ kind: 'government_referent', name: mark('committee member', 'Ana Secreta'), organisation: 'Secretaria de Gobierno Abierto', email: mark('committee member e-mail', `maria.private.${suffix}@personal.example`) })
      .expect(201);
    await http().post(`/commitments/${commitmentIds[0]}/committee/members`).set(coordinator).send({ kind: 'dialogue_board_member', dialogueBoardMemberId: boardMember.id }).expect(201);
    const milestone = async (commitmentId: string, title: string, startIn: number, dueIn: number) =>
      (await http().post(`/commitments/${commitmentId}/milestones`).set(coordinator).send({ title, startAt: days(startIn).toISOString(), dueAt: days(dueIn).toISOString(), responsibleAgencyId: agency.id }).expect(201)).body.id as string;
    const done = await milestone(commitmentIds[0], 'Reglamento publicado', -150, -30);
    const overdue = await milestone(commitmentIds[0], 'Portal de datos en linea', -100, -5);
    const later = await milestone(commitmentIds[1], 'Registro de proveedores abierto', 10, 200);
    const etag = (await http().get(`/milestones/${later}`).set(coordinator).expect(200)).headers.etag as string;
    await http().post(`/milestones/${later}/replan`).set(coordinator).set('If-Match', etag).send({ dueAt: days(250).toISOString(), reason: 'La licitacion se declaro desierta' }).expect(200);
    await http().post(`/commitments/${commitmentIds[0]}/assessments`).set(coordinator).send({ completion: CompletionLevel.Substantial, narrative: 'Avance sustancial segun el gobierno' }).expect(201);
    await http().post(`/commitments/${commitmentIds[0]}/assessments`).set(imb).send({ completion: CompletionLevel.Limited, narrative: 'Avance limitado segun el MEI' }).expect(201);

    // Published: active (its workflows are not what this test is about; nothing runs them here).
    await db.getRepository(ActionPlanEntity).update({ id: plan.id }, { status: 'active' as ActionPlanEntity['status'] });

    // Evidence: one request answered by the agency's named token (public, accepted by a named reviewer), one still open with its link.
    const requests = db.getRepository(EvidenceRequestEntity);
    const answered = await requests.save({ milestoneId: done, cycle: 1, status: EvidenceRequestStatus.Fulfilled, dueAt: days(-30), linkExpiresAt: days(30), fulfilledAt: days(-35) });
    const open = await requests.save({ milestoneId: overdue, cycle: 1, status: EvidenceRequestStatus.Open, dueAt: days(-5), linkExpiresAt: days(30) });
    for (const request of [answered, open]) {
      const link = mark('upload link token', signUploadLink({ evidenceRequestId: request.id, expiresAt: days(30) }, system.config.uploadLinkSecret));
      mark('upload link signature', link.slice(link.lastIndexOf('.') + 1));
    }
    const evidence = await db.getRepository(EvidenceEntity).save({
      milestoneId: done,
      evidenceRequestId: answered.id,
      narrative: 'Se publico el reglamento en el boletin oficial',
      links: ['https://boletin.example/reglamento'],
      claimedCompletion: 'complete',
      isPublic: true,
      submittedBy: agencyLabel,
      deliveredAt: days(-35),
    });
    await db.getRepository(EvidenceReviewEntity).save({ evidenceId: evidence.id, milestoneId: done, decision: 'accepted', completion: 'complete', comments: 'Aceptado', reviewer: coordinatorLabel });
    // Evidence the agency did not make public, accepted later for the same milestone (the latest accepted): its narrative and links stay inside.
    const privateRequest = await requests.save({ milestoneId: done, cycle: 2, status: EvidenceRequestStatus.Fulfilled, dueAt: days(-30), linkExpiresAt: days(30), fulfilledAt: days(-6) });
    const privateEvidence = await db.getRepository(EvidenceEntity).save({
      milestoneId: done,
      evidenceRequestId: privateRequest.id,
      narrative: mark('narrative of evidence not public', 'Listado interno de beneficiarios con DNI'),
      links: [mark('link of evidence not public', `https://drive.example/beneficiarios-${suffix}.xlsx`)],
      claimedCompletion: 'limited',
      isPublic: false,
      submittedBy: agencyLabel,
      deliveredAt: days(-6),
    });
    await db.getRepository(EvidenceReviewEntity).save({ evidenceId: privateEvidence.id, milestoneId: done, decision: 'accepted', completion: 'limited', comments: 'Aceptado, no publico', reviewer: coordinatorLabel });
    await db.getRepository(MilestoneEntity).update({ id: done }, { status: MilestoneStatus.Completed, completion: CompletionLevel.Complete });
    await db.getRepository(MilestoneEntity).update({ id: overdue }, { status: MilestoneStatus.Overdue });
    await db.getRepository(EscalationEntity).save({ milestoneId: overdue, cycle: 1, level: 1, reason: 'overdue', status: EscalationStatus.Acknowledged, recommendation: 'Publicar un cronograma nuevo', acknowledgedAt: days(-2) });

    // Check-ins: minutes approved (public) with an action item owned by a person; minutes closed but not approved that name people; one invited, upcoming.
    const checkIn = (values: Partial<CheckInEntity>) =>
      db.getRepository(CheckInEntity).save({
        planId: plan.id,
        scheduledFor: values.startsAt,
        durationMinutes: 90,
        mode: MeetingMode.Hybrid,
        address: 'Palacio Municipal, Salon Dorado',
        onlineUrl: 'https://meet.example/mesa',
        agenda: [{ kind: 'other' as const, title: 'Avances del plan', durationMinutes: 30, commitmentId: null, links: [] }],
        ...values,
      });
    const approved = await checkIn({ startsAt: days(-20), status: CheckInStatus.Closed, invitationsSentAt: days(-27), closedAt: days(-19), minutes: 'Se revisaron los avances.', minutesApprovedAt: days(-18), attendanceCount: 12, organisationsPresent: ['Red Vecinal Norte'], decisions: ['Publicar el cronograma'] });
    const unapproved = await checkIn({
      startsAt: days(-3),
      status: CheckInStatus.Closed,
      invitationsSentAt: days(-10),
      closedAt: days(-2),
      minutes: `Asistieron ${mark('name in unapproved minutes', 'Rodolfo Reservadisimo')} (${email('rodolfo')}) y Elena Oculta.`,
      attendanceCount: 8,
      organisationsPresent: ['Red Vecinal Norte'],
      decisions: ['Pedir informe al area'],
    });
    const upcoming = await checkIn({ startsAt: days(12), status: CheckInStatus.Invited, invitationsSentAt: days(-1) });
    for (const [checkInId, owner] of [
      [approved.id, 'fabian'],
      [unapproved.id, 'sofia'],
    ] as const) {
      await db.getRepository(ActionItemEntity).save({
        checkInId,
        planId: plan.id,
        title: `Enviar el informe ${owner === 'fabian' ? 'trimestral' : 'mensual'}`,
        ownerName: mark('action item owner', owner === 'fabian' ? 'Fabian Discreto' : 'Sofia Sigilosa'),
        ownerEmail: email(owner),
        ownerLanguage: 'es',
        dueAt: days(20),
        status: ActionItemStatus.Open,
        commitmentId: commitmentIds[0],
      });
    }

    // Subscribers in every state, their signed links; one more subscribing through the public route.
    const subscribers = db.getRepository(SubscriberEntity);
    for (const [who, status] of [
      ['valeria', 'confirmed'],
      ['walter', 'pending'],
      ['ximena', 'unsubscribed'],
    ] as const) {
      const row = await subscribers.save({
        planId: plan.id,
        email: email(who),
        language: who === 'valeria' ? 'en' : 'es',
        commitmentIds: [],
        status,
        consentSource: 'form',
        consentedAt: days(-40),
        confirmedAt: status === 'pending' ? null : days(-40),
        confirmExpiresAt: status === 'pending' ? days(1) : null,
        unsubscribedAt: status === 'unsubscribed' ? days(-10) : null,
      });
      const links = subscriberLinks(system.config.publicBaseUrl, row.id, subscriberSecret, status === 'pending' ? days(1) : null);
      for (const url of [links.confirmUrl, links.preferencesUrl, links.unsubscribeUrl].filter(Boolean)) mark(`${who}'s subscriber link token`, url!.split('/').pop()!);
    }
    await http().post(`/public/plans/${plan.id}/subscriptions`).send({ email: email('yolanda'), language: 'en', commitmentIds: [commitmentIds[1]] }).expect(202);

    // The outbox: invitations to the Dialogue Board, an evidence request with its link.
    await db.getRepository(OutboxMessageEntity).save([
      { idempotencyKey: `check-in-invitation:${upcoming.id}:${suffix}`, toAddress: `elena.private.${suffix}@personal.example`, subject: 'Invitacion a la Mesa de Dialogo', textBody: 'Hola Elena Oculta', htmlBody: null, status: OutboxStatus.Sent, attempts: 1, messageId: `<inv-${suffix}@ogp-monitor>`, jurisdictionId: jurisdiction.id, sentAt: days(-1) },
      { idempotencyKey: `evidence-request:${overdue}:1:${suffix}`, toAddress: `bruno.private.${suffix}@personal.example`, subject: 'Evidencia requerida', textBody: `Suba la evidencia: ${system.config.publicBaseUrl}/evidence-uploads/${markers.find((m) => m.what === 'upload link token')!.value}`, htmlBody: null, status: OutboxStatus.Sent, attempts: 1, messageId: `<ev-${suffix}@ogp-monitor>`, jurisdictionId: jurisdiction.id, sentAt: days(-6) },
    ] as Partial<OutboxMessageEntity>[]);

    // The digest archive: this month's issue composed and archived by the worker's own code (es, the
    // jurisdiction's language, and en, a subscriber's), then its emailed HTML given a subscriber's own links.
    const month = new Date().toISOString().slice(0, 7);
    await new DigestActivities(db, undefined as unknown as OutboxService, system.config).prepareDigest({ planId: plan.id, month });
    const personalLinks = `<a href="${system.config.publicBaseUrl}/subscriptions/unsubscribe/${markers.find((m) => m.what === "valeria's subscriber link token")!.value}">Baja</a> valeria.private.${suffix}@personal.example`;
    const archived = await db.query(`UPDATE digest_issue SET html = html || $2, text = text || $2 WHERE plan_id = $1 RETURNING language`, [plan.id, personalLinks]);
    expect(archived[0].map((row: { language: string }) => row.language).sort()).toEqual(['en', 'es']);

    privateReads = [
      `/jurisdictions/${jurisdiction.id}`,
      `/jurisdictions/${jurisdiction.id}/agencies`,
      `/jurisdictions/${jurisdiction.id}/tokens`,
      `/jurisdictions/${jurisdiction.id}/dialogue-board/members`,
      `/plans/${plan.id}`,
      `/plans/${plan.id}/action-items`,
      `/commitments/${commitmentIds[0]}/committee/members`,
      `/commitments/${commitmentIds[0]}/assessments`,
      `/milestones/${later}/replanning`,
      `/check-ins/${unapproved.id}`,
    ];
    Object.assign(fill, {
      slug: [slug],
      jurisdictionSlug: [slug],
      planId: [plan.id],
      commitmentId: commitmentIds,
      milestoneId: [done, overdue, later],
      checkInId: [approved.id, unapproved.id, upcoming.id],
      month: [month],
      language: [...SUPPORTED_LANGUAGES],
      lang: [...SUPPORTED_LANGUAGES],
      locale: [...SUPPORTED_LANGUAGES],
    });
  });

  afterAll(async () => {
    await system?.close();
  });

  it('holds the personal data where the office reads it (the detector finds it there)', async () => {
    const found = new Set<string>();
    for (const url of privateReads) {
      const response = await http().get(url).set(system.adminAuth);
      expect({ url, status: response.status }).toEqual({ url, status: 200 });
      for (const finding of personalDataIn(url, response.text)) found.add(finding.replace(/^[^:]*: /, '').replace(/ \(.*$/, ''));
    }
    expect([...found].sort()).toEqual(
      expect.arrayContaining(['office contact', 'agency contact', 'agency phone', 'IMB contact', 'committee member', 'committee member e-mail', 'Dialogue Board member', 'action item owner', 'coordinator token label', 'IMB token label', 'name in unapproved minutes', "elena's e-mail", "fabian's e-mail"]),
    );
  });

  it('shows no personal data, token or e-mail address on any public route', async () => {
    const document = (await http().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, { 'x-roles'?: string[] }>> };
    const publicGets = Object.entries(document.paths)
      .filter(([, operations]) => operations.get?.['x-roles']?.includes('public'))
      .map(([path]) => path);
    const crawled = publicGets.filter((path) => !TOKEN_ROUTE.test(path));

    // (a) every public GET route, with every value of each of its parameters.
    const queue: string[] = [];
    const unfillable: string[] = [];
    for (const path of crawled) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const missing = names.filter((name) => !fill[name]);
      if (missing.length) {
        unfillable.push(`${path} (${missing.join(', ')})`);
        continue;
      }
      let urls = [path];
      for (const name of names) urls = urls.flatMap((url) => fill[name].map((value) => url.replace(`{${name}}`, encodeURIComponent(value))));
      queue.push(...urls);
    }
    // A public route the crawl cannot fill would go unchecked: name its parameter in `fill`.
    expect(unfillable).toEqual([]);
    // (b) the jurisdiction's public pages, as a citizen starts from them.
    queue.push(`/p/${slug}`);

    const visited = new Map<string, number>();
    /** Where a followed link was found (for the list of links that did not answer 200). */
    const foundIn = new Map<string, string>();
    const findings: string[] = [];
    const origin = system.config.publicBaseUrl;
    while (queue.length && visited.size < MAX_URLS) {
      const url = queue.shift()!;
      if (visited.has(url)) continue;
      const response = await http().get(url).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      });
      visited.set(url, response.status);
      const body = response.body as string;
      const emails = !DOCUMENTATION.test(url);
      findings.push(...personalDataIn(`${url} body`, body, emails), ...personalDataIn(`${url} headers`, JSON.stringify(response.headers), emails));
      if (response.status >= 500) findings.push(`${url} answered ${response.status}`);
      // Links are read from pages, feeds, calendars, CSV and JSON; not from scripts and stylesheets (code, not links).
      if (!/javascript|css/.test(String(response.headers['content-type']))) for (const link of linksIn(/calendar/.test(String(response.headers['content-type'])) ? body.replace(/\r?\n[ \t]/g, '') : body, origin)) {
        if (visited.has(link) || queue.includes(link)) continue;
        queue.push(link);
        foundIn.set(link, url);
      }
    }

    const list = [...visited].map(([url, status]) => `${status} ${url}${status === 200 || !foundIn.has(url) ? '' : ` (linked from ${foundIn.get(url)})`}`).sort();
    console.log(
      `Crawled ${list.length} public URLs (markers: ${markers.length}; allowed e-mail addresses: ${ALLOWED_EMAILS.join(', ')}):\n${list.join('\n')}\nNot crawled (personal signed links): ${publicGets.filter((p) => TOKEN_ROUTE.test(p)).join(', ')}`,
    );
    expect(findings).toEqual([]);

    // Not vacuous: every public GET route was answered 200 at least once, and the pages were crawled.
    const answered = (path: string) => {
      const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/?]+')}(\\?.*)?$`);
      return [...visited].some(([url, status]) => status === 200 && pattern.test(url));
    };
    expect(crawled.filter((path) => !answered(path))).toEqual([]);
    expect(crawled.length).toBeGreaterThanOrEqual(6);
    expect(list.filter((line) => line.startsWith('200 ')).length).toBeGreaterThanOrEqual(15);
    expect(visited.get(`/p/${slug}`)).toBe(200);
    expect(visited.size).toBeLessThan(MAX_URLS);
  });

  /**
   * Each marker (as is, URL-encoded, or HTML-escaped), and each e-mail address not allowed, found in
   * `text`, read as sent and also unfolded and unescaped as iCalendar writes it (lines folded at 75
   * octets, `\,` `\;` `\n`), with white space collapsed (HTML may break a name across lines), and
   * with CSV's doubled quotes undone.
   */
  function personalDataIn(where: string, text: string, emails = true): string[] {
    const found = new Set<string>();
    const unfolded = text.replace(/\r?\n[ \t]/g, '').replace(/\\([,;\\])/g, '$1').replace(/\\[nN]/g, '\n');
    const readings = [text, unfolded, text.replace(/\s+/g, ' '), unfolded.replace(/\s+/g, ' '), text.replace(/""/g, '"')].map((r) => r.toLowerCase());
    for (const { what, value } of markers) {
      const forms = [value, encodeURIComponent(value), value.replace(/&/g, '&amp;').replace(/'/g, '&#39;')].map((f) => f.toLowerCase());
      if (readings.some((reading) => forms.some((form) => reading.includes(form)))) found.add(`${where}: ${what} (${value})`);
    }
    for (const reading of [text, unfolded]) for (const match of reading.matchAll(SECRET)) found.add(`${where}: a signed link or token ${match[0]}`);
    for (const reading of emails ? [text, unfolded] : []) {
      for (const match of reading.matchAll(EMAIL)) {
        const address = match[0].replace(/%40|&#64;|&#x40;/i, '@');
        if (!ALLOWED_EMAILS.includes(address.toLowerCase())) found.add(`${where}: e-mail address ${address}`);
      }
    }
    return [...found];
  }
});

/**
 * Same-origin links in a page, feed or document: href/src attributes, and absolute URLs of the
 * configured origin anywhere (Atom links, iCalendar URL lines, JSON). Paths, with their query string.
 */
export function linksIn(body: string, origin: string): string[] {
  const links = new Set<string>();
  const add = (raw: string) => {
    const decoded = raw.replace(/&amp;/g, '&').trim();
    if (!decoded || decoded.startsWith('#') || /^(mailto|tel|data|javascript):/i.test(decoded)) return;
    let url: URL;
    try {
      url = new URL(decoded, `${origin}/`);
    } catch {
      return;
    }
    if (url.origin !== new URL(origin).origin) return;
    links.add(`${url.pathname}${url.search}`);
  };
  for (const match of body.matchAll(/\s(?:href|src)\s*=\s*("([^"]*)"|'([^']*)')/gi)) add(match[2] ?? match[3]);
  const escaped = origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A URL ends at white space, a quote, an angle bracket, a parenthesis, or a CSV separator (; and ,).
  for (const match of body.matchAll(new RegExp(`${escaped}(/[^\\s"'<>\\\\();,]*)`, 'g'))) add(`${origin}${match[1]}`);
  return [...links];
}
