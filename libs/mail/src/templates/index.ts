import type { Language } from '@app/domain';

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
  },
} as const;

export function formatDateTime(date: Date, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(language === 'es' ? 'es-AR' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short' }).format(date);
}

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
  const intro = isReminder ? c.reminder : c.ask;
  const text = [
    c.greeting(data.agencyName),
    '',
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
    `<p>${escapeHtml(intro)}</p>`,
    `<ul>${facts.map(([label, value]) => `<li><strong>${escapeHtml(label)}:</strong> ${escapeHtml(value)}</li>`).join('')}</ul>`,
    `<p>${escapeHtml(c.how)}<br><a href="${escapeHtml(data.uploadUrl)}">${escapeHtml(data.uploadUrl)}</a></p>`,
    `<p>${escapeHtml(c.expires)} ${escapeHtml(expires)}.</p>`,
    `<p>${escapeHtml(c.closing)}</p>`,
  ].join('\n');
  const subject = isReminder ? c.subjectReminder(data.milestoneTitle, data.reminderNumber) : c.subjectRequest(data.milestoneTitle);
  return { subject, text, html };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
