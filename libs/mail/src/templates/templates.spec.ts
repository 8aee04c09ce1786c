import { composeDigest, CompletionLevel, type DigestContent, type Language, MeetingMode, MilestoneStatus, SUPPORTED_LANGUAGES } from '@app/domain';
import { renderActionItemReminderEmail, renderCheckInCloseReminderEmail, renderCheckInEmail } from './check-in';
import { type DigestEmailOptions, renderDigestEmail } from './digest';
import type { RenderedEmail } from './index';
import { compiledLayoutCount } from './layout';
import { renderEscalationEmail, renderEvidenceRequestEmail } from './milestone';
import { renderAlreadySubscribedEmail, renderPreferencesChangedEmail, renderSubscriptionConfirmationEmail, renderUnsubscribedEmail } from './subscription';

const EVIL = '<script>alert("x")</script> & Co';
const timeZone = 'America/Argentina/Cordoba';
const at = (iso: string) => new Date(iso);

function milestone(id: string, title: string, status: MilestoneStatus, dueAt: string, extra: Partial<{ completion: CompletionLevel | null; completedAt: Date | null; evidenceLinks: string[] }> = {}) {
  return { id, title, status, dueAt: at(dueAt), weight: null, completion: null, cancelled: false, verifiable: true, completedAt: null, evidenceLinks: [] as string[], ...extra };
}

/** A month with one of everything, and a commitment with no evidence at all. */
const digestContent: DigestContent = composeDigest(
  {
    planId: 'p-1',
    planTitle: 'Plan de Acción Rosario',
    jurisdictionName: 'Municipalidad de Rosario',
    commitments: [
      {
        id: 'c-1',
        title: `Contrataciones abiertas ${EVIL}`,
        cancelled: false,
        milestones: [
          milestone('m-done', 'Portal OCDS en línea', MilestoneStatus.Completed, '2027-03-10T12:00:00Z', { completion: CompletionLevel.Complete, completedAt: at('2027-03-08T15:00:00Z'), evidenceLinks: ['https://datos.example/ocds?a=1&b=2'] }),
          milestone('m-late', 'Auditoría de datos', MilestoneStatus.Overdue, '2027-02-10T12:00:00Z'),
          milestone('m-asked', 'Diccionario de datos', MilestoneStatus.EvidenceRequested, '2027-03-20T12:00:00Z'),
        ],
        replannings: [{ id: 'r-1', milestoneId: 'm-asked', previousDueAt: at('2027-02-20T12:00:00Z'), newDueAt: at('2027-03-20T12:00:00Z'), reason: 'Demora del proveedor', changedAt: at('2027-03-02T10:00:00Z') }],
        escalations: [{ id: 'x-1', milestoneId: 'm-late', level: 1, status: 'acknowledged', raisedAt: at('2027-02-20T10:00:00Z'), resolvedAt: null, recommendation: 'Designar un responsable de datos' }],
      },
      { id: 'c-2', title: 'Presupuesto participativo', cancelled: false, milestones: [milestone('m-2', 'Asambleas barriales', MilestoneStatus.Open, '2027-09-01T12:00:00Z')], replannings: [], escalations: [] },
    ],
    checkIns: [{ id: 'k-1', startsAt: at('2027-03-02T21:00:00Z'), status: 'closed', decisions: ['Publicar la auditoría'], minutesApprovedAt: at('2027-03-04T10:00:00Z') }],
    nextCheckInAt: at('2027-04-06T21:00:00Z'),
  },
  { month: '2027-03', timeZone, now: at('2027-04-01T12:00:00Z') },
);

const digestOptions: DigestEmailOptions = {
  planTitle: `Plan ${EVIL}`,
  jurisdictionName: 'Municipalidad de Rosario',
  timeZone,
  unsubscribeUrl: 'https://monitor.example/subscriptions/unsubscribe/tok?x=1&y=2',
  preferencesUrl: 'https://monitor.example/subscriptions/manage/tok',
  archiveUrl: 'https://monitor.example/public/plans/p-1/digests/2027-03',
};

const agenda = [
  {
    kind: 'milestones_overdue' as const,
    title: 'Overdue',
    durationMinutes: 7,
    commitmentId: 'c-1',
    links: [{ type: 'milestone' as const, id: 'm1', label: 'x', details: { title: EVIL, dueAt: '2027-02-10T15:00:00Z', overdue: true } }],
  },
  { kind: 'other' as const, title: EVIL, durationMinutes: 1, commitmentId: null, links: [] },
];

/** Every kind of email the system sends, each with a user-written value that needs escaping. */
const EMAILS: Record<string, (language: Language) => RenderedEmail> = {
  'evidence request': (l) =>
    renderEvidenceRequestEmail(l, { agencyName: EVIL, milestoneTitle: EVIL, expectedOutput: 'Inventario', commitmentTitle: 'C', dueAt: at('2027-03-31T23:59:00Z'), uploadUrl: 'https://m.example/evidence-uploads/a.b?x=1&y=2', linkExpiresAt: at('2027-05-30T23:59:00Z'), timeZone, reminderNumber: 0, senderName: 'Municipalidad de Rosario' }),
  'evidence reminder': (l) =>
    renderEvidenceRequestEmail(l, { agencyName: 'A', milestoneTitle: EVIL, expectedOutput: null, commitmentTitle: 'C', dueAt: at('2027-03-31T23:59:00Z'), uploadUrl: 'https://m.example/u', linkExpiresAt: at('2027-05-30T23:59:00Z'), timeZone, reminderNumber: 2, senderName: 'Rosario' }),
  'evidence returned': (l) =>
    renderEvidenceRequestEmail(l, { agencyName: 'A', milestoneTitle: 'M', expectedOutput: null, commitmentTitle: 'C', dueAt: at('2027-03-31T23:59:00Z'), uploadUrl: 'https://m.example/u', linkExpiresAt: at('2027-05-30T23:59:00Z'), timeZone, reminderNumber: 0, returnedComments: EVIL, senderName: 'Rosario' }),
  escalation: (l) => renderEscalationEmail(l, { milestoneTitle: EVIL, commitmentTitle: 'C', agencyName: 'A', dueAt: at('2027-03-31T23:59:00Z'), level: 2, reason: 'overdue', timeZone, senderName: 'Rosario' }),
  ...Object.fromEntries(
    (['invitation', 'update', 'cancellation'] as const).map((kind) => [
      `check-in ${kind}`,
      (l: Language) =>
        renderCheckInEmail(l, {
          kind,
          recipientName: EVIL,
          planTitle: EVIL,
          jurisdictionName: 'Rosario',
          startsAt: at('2027-03-02T21:00:00Z'),
          durationMinutes: 90,
          timeZone,
          mode: MeetingMode.Hybrid,
          address: 'Palacio Municipal',
          onlineUrl: 'https://meet.example/r?x=1&y=2',
          agenda,
          commitmentTitles: { 'c-1': EVIL },
          addToCalendar: { google: 'https://calendar.google.com/x', outlook: 'https://outlook.office.com/x' },
          feedUrl: 'https://m.example/public/plans/p1/check-ins.ics',
          cancelledReason: kind === 'cancellation' ? EVIL : undefined,
          senderName: 'Municipalidad de Rosario',
        }),
    ]),
  ),
  'close reminder': (l) => renderCheckInCloseReminderEmail(l, { planTitle: EVIL, startsAt: at('2027-03-02T21:00:00Z'), timeZone, checkInUrl: 'https://m.example/check-ins/k1', senderName: 'Rosario' }),
  'action item reminder': (l) => renderActionItemReminderEmail(l, { ownerName: EVIL, title: EVIL, dueAt: at('2027-03-10T15:00:00Z'), timeZone, planTitle: 'P', senderName: 'Rosario' }),
  digest: (l) => renderDigestEmail(l, digestContent, digestOptions),
  'subscription confirmation': (l) =>
    renderSubscriptionConfirmationEmail(l, { planTitle: EVIL, senderName: 'Municipalidad de Rosario', timeZone, preferencesUrl: 'https://m.example/p', unsubscribeUrl: 'https://m.example/u', commitmentTitles: [EVIL], confirmUrl: 'https://m.example/c', expiresAt: at('2027-03-02T21:00:00Z') }),
  'already subscribed': (l) => renderAlreadySubscribedEmail(l, { planTitle: EVIL, senderName: 'Municipalidad de Rosario', timeZone, preferencesUrl: 'https://m.example/p', unsubscribeUrl: 'https://m.example/u' }),
  unsubscribed: (l) => renderUnsubscribedEmail(l, { planTitle: EVIL, senderName: 'Municipalidad de Rosario', timeZone }),
  'preferences changed': (l) =>
    renderPreferencesChangedEmail(l, { planTitle: EVIL, senderName: 'Municipalidad de Rosario', timeZone, preferencesUrl: 'https://m.example/p', unsubscribeUrl: 'https://m.example/u', commitmentTitles: [EVIL] }),
};

const cases = Object.keys(EMAILS).flatMap((name) => SUPPORTED_LANGUAGES.map((language) => [name, language] as const));

describe('every email in every language', () => {
  it.each(cases)('%s in %s: every text from the catalog, HTML escaped, a plain-text part', (name, language) => {
    const email = EMAILS[name](language);
    for (const part of [email.subject, email.text, email.html]) {
      expect(part).not.toMatch(/{{|}}|@@S\d+@@|\b(?:common|digest|checkIn|evidenceRequest|escalation|closeReminder|actionItemReminder|subscription|completion)\.[a-zA-Z]/);
      expect(part).not.toContain('[object');
      expect(part).not.toContain('Invalid Date');
    }
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
    expect(email.text).toContain('<script>');
    expect(email.text.trim().length).toBeGreaterThan(40);
    for (const img of email.html.match(/<img\b[^>]*>/g) ?? []) expect(img).toMatch(/\balt="[^"]+"/);
  });

  it.each(Object.keys(EMAILS))('%s is an MJML layout: responsive, no mj- tags left, in the reader language', (name) => {
    for (const language of SUPPORTED_LANGUAGES) {
      const email = EMAILS[name](language);
      expect(email.html).toMatch(/^<!doctype html>/);
      expect(email.html).toContain(`<html lang="${language}"`);
      expect(email.html).toContain('@media only screen and (min-width:480px)');
      expect(email.html).not.toMatch(/<\/?mj-/);
      expect(email.html).not.toContain('fonts.googleapis.com');
    }
  });

  it('names the jurisdiction in the signature, in no email a fixed office', () => {
    for (const language of SUPPORTED_LANGUAGES) {
      for (const name of ['evidence request', 'check-in invitation', 'digest', 'subscription confirmation', 'already subscribed', 'unsubscribed']) {
        const email = EMAILS[name](language);
        expect(email.text).toContain('Municipalidad de Rosario');
        expect(email.text).not.toMatch(/Dirección de Gobierno Abierto|Open Government Office|Bureau du gouvernement ouvert|Escritório de Governo Aberto/);
      }
    }
  });

  it('fails on a text missing from a catalog', () => {
    jest.isolateModules(() => {
      jest.doMock('../i18n/pt', () => {
        const { pt } = jest.requireActual('../i18n/pt');
        const { closing: _omitted, ...digest } = pt.digest;
        return { pt: { ...pt, digest } };
      });
      const isolated = jest.requireActual('./digest') as typeof import('./digest');
      expect(() => isolated.renderDigestEmail('pt', digestContent, digestOptions)).toThrow('No text for digest.closing in pt');
      expect(isolated.renderDigestEmail('fr', digestContent, digestOptions).subject).toContain('mars 2027');
    });
    jest.dontMock('../i18n/pt');
  });

  it('renders fast: each layout shape compiled once, then a fraction of a millisecond per email', () => {
    for (const name of Object.keys(EMAILS)) for (const language of SUPPORTED_LANGUAGES) EMAILS[name](language);
    const layouts = compiledLayoutCount();
    const runs = 300;
    const started = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) renderDigestEmail(SUPPORTED_LANGUAGES[i % 4], digestContent, { ...digestOptions, unsubscribeUrl: `https://m.example/u/${i}` });
    const perEmailMs = Number(process.hrtime.bigint() - started) / 1e6 / runs;
    expect(compiledLayoutCount()).toBe(layouts); // nothing compiled again
    // Measured on the shared 2-core dev machine (load about 9): 0.65 ms per digest email under jest; MJML compiles a new shape in about 50 ms, once.
    expect(perEmailMs).toBeLessThan(5);
    console.log(`renderDigestEmail: ${perEmailMs.toFixed(3)} ms per email over ${runs} renders; ${layouts} layouts compiled`);
  });
});

describe('subscription emails', () => {
  const links = { preferencesUrl: 'https://m.example/subscriptions/manage/tok?a=1&b=2', unsubscribeUrl: 'https://m.example/subscriptions/unsubscribe/tok' };
  const confirmUrl = 'https://m.example/subscriptions/confirm/tok?a=1&b=2';

  it('confirmation: a button and the link (escaped in HTML), the expiry in the reader language and zone, the topics', () => {
    const es = renderSubscriptionConfirmationEmail('es', { planTitle: 'Plan Rosario', senderName: 'Municipalidad de Rosario', timeZone, ...links, commitmentTitles: [], confirmUrl, expiresAt: at('2027-03-02T21:00:00Z') });
    expect(es.subject).toBe('Confirme su suscripción: Plan Rosario');
    expect(es.text).toContain(`Para confirmar, abra este enlace:\n${confirmUrl}`);
    expect(es.text).toContain('Temas: todo el plan');
    expect(es.text).toMatch(/El enlace vence el 2 de marzo de 2027.*18:00/);
    expect(es.text).toContain('Equipo de Gobierno Abierto, Municipalidad de Rosario');
    expect(es.html).toContain('href="https://m.example/subscriptions/confirm/tok?a=1&amp;b=2"');
    expect(es.html).toContain('Confirmar la suscripción');
    const fr = renderSubscriptionConfirmationEmail('fr', { planTitle: 'Plan', senderName: 'Rosario', timeZone, ...links, commitmentTitles: ['A', 'B'], confirmUrl, expiresAt: at('2027-03-02T21:00:00Z') });
    expect(fr.text).toContain('Thèmes : A; B');
    expect(fr.text).toContain('2 mars 2027');
  });

  it('already subscribed: the preferences and unsubscribe links; unsubscribed: how to come back; neither a confirmation link', () => {
    const already = renderAlreadySubscribedEmail('en', { planTitle: 'Plan Rosario', senderName: 'Rosario', timeZone, ...links });
    expect(already.text).toContain(`Change your topics or language:\n${links.preferencesUrl}`);
    expect(already.text).toContain(`Unsubscribe:\n${links.unsubscribeUrl}`);
    expect(already.html).toContain('href="https://m.example/subscriptions/manage/tok?a=1&amp;b=2"');
    expect(already.text).not.toContain('/subscriptions/confirm/');
    const gone = renderUnsubscribedEmail('pt', { planTitle: 'Plano', senderName: 'Rosário', timeZone });
    expect(gone.subject).toBe('Sua assinatura foi cancelada: Plano');
    expect(gone.text).toContain('Mudou de ideia?');
    expect(gone.text).toContain('Equipe de Governo Aberto, Rosário');
    expect(gone.text).not.toContain('/subscriptions/');
  });
});

describe('renderDigestEmail', () => {
  const es = renderDigestEmail('es', digestContent, digestOptions);
  const en = renderDigestEmail('en', digestContent, digestOptions);

  it('shows progress per commitment as a bar with its text, and "no evidence yet" as such, not 0 %', () => {
    expect(en.text).toContain('Progress by commitment');
    expect(en.text).toMatch(/Contrataciones abiertas <script>alert\("x"\)<\/script> & Co: Complete: \d+%|Contrataciones abiertas <script>alert\("x"\)<\/script> & Co: \w+: \d+%/);
    expect(en.text).toContain('Presupuesto participativo: No evidence yet');
    expect(en.text).toContain('No milestone has accepted evidence yet, so progress cannot be measured (this does not mean 0 %).');
    expect(en.text).not.toMatch(/Presupuesto participativo: \w+: 0%/);
    expect(es.text).toContain('Presupuesto participativo: Todavía sin evidencia');
    // The bar: table cells, hidden from screen readers; no bar where there is no evidence.
    expect(en.html).toMatch(/<table role="presentation" aria-hidden="true"[^>]*><tr><td width="\d+%"/);
    expect(en.html).toContain('<em>No evidence yet</em>');
    expect(en.html.match(/aria-hidden="true"/g)!.length).toBe(2); // the plan and the commitment with evidence
  });

  it('lists completed milestones with evidence links, overdue, replanned with the reason, escalations with the recommendation, decisions, next check-in', () => {
    expect(es.subject).toBe(`Plan ${EVIL}: avances de marzo de 2027`);
    expect(es.text).toContain('Portal OCDS en línea: Completo, 8 de marzo de 2027');
    expect(es.text).toContain('Evidencia 1: https://datos.example/ocds?a=1&b=2');
    expect(es.html).toContain('href="https://datos.example/ocds?a=1&amp;b=2"');
    expect(es.text).toContain('Auditoría de datos (venció el 10 de febrero de 2027)');
    expect(es.text).toContain('Diccionario de datos: pasó del 20 de febrero de 2027 al 20 de marzo de 2027');
    expect(es.text).toContain('Motivo: Demora del proveedor');
    expect(es.text).toContain('Auditoría de datos (nivel 1): en análisis del MIM');
    expect(es.text).toContain('El MIM recomienda: Designar un responsable de datos');
    expect(es.text).toContain('Reunión del 2 de marzo de 2027');
    expect(es.text).toContain('Publicar la auditoría');
    expect(es.text).toContain('La Mesa de Diálogo se reúne el 6 de abril de 2027 a las 18:00');
    expect(en.text).toContain('The Dialogue Board meets next on 6 April 2027 at 18:00');
  });

  it('links the archive, the preferences and unsubscribing, escaped in HTML', () => {
    expect(en.text).toContain(`Unsubscribe: ${digestOptions.unsubscribeUrl}`);
    expect(en.text).toContain(`Change your topics or language: ${digestOptions.preferencesUrl}`);
    expect(en.text).toContain(digestOptions.archiveUrl);
    expect(en.html).toContain('href="https://monitor.example/subscriptions/unsubscribe/tok?x=1&amp;y=2"');
  });

  it('says a quiet month is quiet and that no check-in is planned', () => {
    const quiet: DigestContent = { ...digestContent, quiet: true, nextCheckIn: null, checkIns: [], commitments: digestContent.commitments.map((c) => ({ ...c, completed: [], overdue: [], replanned: [], escalations: [] })) };
    const email = renderDigestEmail('fr', quiet, digestOptions);
    expect(email.text).toContain('Un mois calme');
    expect(email.text).toContain("Aucune réunion de la Table de dialogue n'est encore prévue.");
    expect(email.text).not.toContain('Jalons en retard');
  });
});
