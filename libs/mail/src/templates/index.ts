import type { Language } from '@app/domain';
import { escapeHtml, formatDateTime } from './format';

export { escapeHtml, formatDate, formatDateTime } from './format';
export * from './check-in';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface EvidenceRequestEmailData {
  agencyName: string;
  milestoneTitle: string;
  expectedOutput: string | null;
  commitmentTitle: string;
  dueAt: Date;
  uploadUrl: string;
  linkExpiresAt: Date;
  timeZone: string;
  /** 0 for the first request, 1.. for reminders. */
  reminderNumber: number;
  /** Set when the follow-up committee returned the previous evidence: what to change. */
  returnedComments?: string;
}

const COPY = {
  es: {
    subjectRequest: (m: string) => `Solicitud de evidencia: ${m}`,
    subjectReminder: (m: string, n: number) => `Recordatorio ${n}: evidencia pendiente para ${m}`,
    greeting: (a: string) => `Estimado equipo de ${a}:`,
    ask: 'Como parte del seguimiento del plan de acción de Gobierno Abierto, les pedimos la evidencia de avance del siguiente hito:',
    reminder: 'Todavía no recibimos la evidencia de este hito. Les recordamos la solicitud:',
    commitment: 'Compromiso',
    milestone: 'Hito',
    output: 'Producto esperado',
    due: 'Fecha límite',
    how: 'Pueden cargar la evidencia (descripción, enlaces y nivel de avance) en este enlace personal:',
    expires: 'El enlace vence el',
    closing: 'Gracias por su trabajo. Dirección de Gobierno Abierto',
    subjectReturned: (m: string) => `Evidencia devuelta: ${m}`,
    returned: 'El comité de seguimiento revisó la evidencia enviada y la devolvió con estos comentarios:',
    resubmit: 'Les pedimos enviar nueva evidencia para este hito:',
  },
  en: {
    subjectRequest: (m: string) => `Evidence requested: ${m}`,
    subjectReminder: (m: string, n: number) => `Reminder ${n}: evidence still due for ${m}`,
    greeting: (a: string) => `Dear ${a} team,`,
    ask: "As part of following up the open government action plan, we ask you for evidence of this milestone's progress:",
    reminder: 'We have not yet received evidence for this milestone. This is a reminder of our request:',
    commitment: 'Commitment',
    milestone: 'Milestone',
    output: 'Expected output',
    due: 'Due',
    how: 'You can submit the evidence (narrative, links and level of completion) through this personal link:',
    expires: 'The link expires on',
    closing: 'Thank you for your work. Open Government Office',
    subjectReturned: (m: string) => `Evidence returned: ${m}`,
    returned: 'The follow-up committee reviewed the evidence you sent and returned it with these comments:',
    resubmit: 'Please send new evidence for this milestone:',
  },
} as const;

/** The evidence request, and each reminder of it, in the agency's language. */
export function renderEvidenceRequestEmail(language: Language, data: EvidenceRequestEmailData): RenderedEmail {
  const c = COPY[language];
  const isReminder = data.reminderNumber > 0;
  const due = formatDateTime(data.dueAt, language, data.timeZone);
  const expires = formatDateTime(data.linkExpiresAt, language, data.timeZone);
  const facts: [string, string][] = [
    [c.commitment, data.commitmentTitle],
    [c.milestone, data.milestoneTitle],
    ...(data.expectedOutput ? ([[c.output, data.expectedOutput]] as [string, string][]) : []),
    [c.due, due],
  ];
  const returned = !isReminder && data.returnedComments;
  const intro = isReminder ? c.reminder : returned ? c.resubmit : c.ask;
  const text = [
    c.greeting(data.agencyName),
    '',
    ...(returned ? [c.returned, '', data.returnedComments!, ''] : []),
    intro,
    '',
    ...facts.map(([label, value]) => `${label}: ${value}`),
    '',
    c.how,
    data.uploadUrl,
    `${c.expires} ${expires}.`,
    '',
    c.closing,
  ].join('\n');
  const html = [
    `<p>${escapeHtml(c.greeting(data.agencyName))}</p>`,
    ...(returned ? [`<p>${escapeHtml(c.returned)}</p>`, `<blockquote>${escapeHtml(data.returnedComments!)}</blockquote>`] : []),
    `<p>${escapeHtml(intro)}</p>`,
    `<ul>${facts.map(([label, value]) => `<li><strong>${escapeHtml(label)}:</strong> ${escapeHtml(value)}</li>`).join('')}</ul>`,
    `<p>${escapeHtml(c.how)}<br><a href="${escapeHtml(data.uploadUrl)}">${escapeHtml(data.uploadUrl)}</a></p>`,
    `<p>${escapeHtml(c.expires)} ${escapeHtml(expires)}.</p>`,
    `<p>${escapeHtml(c.closing)}</p>`,
  ].join('\n');
  const subject = isReminder ? c.subjectReminder(data.milestoneTitle, data.reminderNumber) : returned ? c.subjectReturned(data.milestoneTitle) : c.subjectRequest(data.milestoneTitle);
  return { subject, text, html };
}

export interface EscalationEmailData {
  milestoneTitle: string;
  commitmentTitle: string;
  agencyName: string;
  dueAt: Date;
  level: number;
  reason: 'overdue' | 'returned_again';
  timeZone: string;
}

const ESCALATION_COPY = {
  es: {
    subject: (level: number, m: string) => `Escalamiento nivel ${level} al Mecanismo Independiente de Monitoreo: ${m}`,
    overdue: 'El hito está vencido sin evidencia aceptada y pasó el período de gracia.',
    returnedAgain: 'La evidencia del hito fue devuelta por segunda vez por el comité de seguimiento.',
    ask: 'Les pedimos tomar conocimiento, emitir una recomendación y resolver el escalamiento en el sistema de monitoreo.',
    labels: { commitment: 'Compromiso', milestone: 'Hito', agency: 'Institución responsable', due: 'Fecha límite', level: 'Nivel' },
  },
  en: {
    subject: (level: number, m: string) => `Level ${level} escalation to the Independent Monitoring Body: ${m}`,
    overdue: 'The milestone is overdue with no accepted evidence, and its grace period has passed.',
    returnedAgain: 'The evidence of this milestone was returned a second time by the follow-up committee.',
    ask: 'Please acknowledge it, write a recommendation and resolve the escalation in the monitoring system.',
    labels: { commitment: 'Commitment', milestone: 'Milestone', agency: 'Responsible agency', due: 'Due', level: 'Level' },
  },
} as const;

/** An escalation, to the IMB's contacts and the open-government office. */
export function renderEscalationEmail(language: Language, data: EscalationEmailData): RenderedEmail {
  const c = ESCALATION_COPY[language];
  const facts: [string, string][] = [
    [c.labels.commitment, data.commitmentTitle],
    [c.labels.milestone, data.milestoneTitle],
    [c.labels.agency, data.agencyName],
    [c.labels.due, formatDateTime(data.dueAt, language, data.timeZone)],
    [c.labels.level, String(data.level)],
  ];
  const why = data.reason === 'overdue' ? c.overdue : c.returnedAgain;
  const text = [why, '', ...facts.map(([label, value]) => `${label}: ${value}`), '', c.ask].join('\n');
  const html = [`<p>${escapeHtml(why)}</p>`, `<ul>${facts.map(([l, v]) => `<li><strong>${escapeHtml(l)}:</strong> ${escapeHtml(v)}</li>`).join('')}</ul>`, `<p>${escapeHtml(c.ask)}</p>`].join('\n');
  return { subject: c.subject(data.level, data.milestoneTitle), text, html };
}
