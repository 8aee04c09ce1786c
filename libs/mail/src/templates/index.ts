import type { Language } from '@app/domain';
import { t } from '../i18n';
import type { MessageCatalog } from '../i18n/en';
import { escapeHtml, formatDateTime } from './format';

type EvidenceRequestKey = keyof MessageCatalog['evidenceRequest'];
type EscalationKey = keyof MessageCatalog['escalation'];

export { escapeHtml, formatDate, formatDateTime } from './format';
export * from './check-in';
export * from './subscription';

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

/** The evidence request, and each reminder of it, in the agency's language. */
export function renderEvidenceRequestEmail(language: Language, data: EvidenceRequestEmailData): RenderedEmail {
  const say = (key: EvidenceRequestKey, values?: Record<string, string | number>) => t(language, `evidenceRequest.${key}`, values);
  const isReminder = data.reminderNumber > 0;
  const due = formatDateTime(data.dueAt, language, data.timeZone);
  const expires = formatDateTime(data.linkExpiresAt, language, data.timeZone);
  const facts: [string, string][] = [
    [say('commitment'), data.commitmentTitle],
    [say('milestone'), data.milestoneTitle],
    ...(data.expectedOutput ? ([[say('output'), data.expectedOutput]] as [string, string][]) : []),
    [say('due'), due],
  ];
  const returned = !isReminder && data.returnedComments;
  const intro = isReminder ? say('reminder') : returned ? say('resubmit') : say('ask');
  const greeting = say('greeting', { agency: data.agencyName });
  const text = [
    greeting,
    '',
    ...(returned ? [say('returned'), '', data.returnedComments!, ''] : []),
    intro,
    '',
    ...facts.map(([label, value]) => `${label}: ${value}`),
    '',
    say('how'),
    data.uploadUrl,
    `${say('expires')} ${expires}.`,
    '',
    say('closing'),
  ].join('\n');
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    ...(returned ? [`<p>${escapeHtml(say('returned'))}</p>`, `<blockquote>${escapeHtml(data.returnedComments!)}</blockquote>`] : []),
    `<p>${escapeHtml(intro)}</p>`,
    `<ul>${facts.map(([label, value]) => `<li><strong>${escapeHtml(label)}:</strong> ${escapeHtml(value)}</li>`).join('')}</ul>`,
    `<p>${escapeHtml(say('how'))}<br><a href="${escapeHtml(data.uploadUrl)}">${escapeHtml(data.uploadUrl)}</a></p>`,
    `<p>${escapeHtml(say('expires'))} ${escapeHtml(expires)}.</p>`,
    `<p>${escapeHtml(say('closing'))}</p>`,
  ].join('\n');
  const milestone = data.milestoneTitle;
  const subject = isReminder ? say('subjectReminder', { milestone, number: data.reminderNumber }) : returned ? say('subjectReturned', { milestone }) : say('subjectRequest', { milestone });
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

/** An escalation, to the IMB's contacts and the open-government office. */
export function renderEscalationEmail(language: Language, data: EscalationEmailData): RenderedEmail {
  const say = (key: EscalationKey, values?: Record<string, string | number>) => t(language, `escalation.${key}`, values);
  const facts: [string, string][] = [
    [say('commitment'), data.commitmentTitle],
    [say('milestone'), data.milestoneTitle],
    [say('agency'), data.agencyName],
    [say('due'), formatDateTime(data.dueAt, language, data.timeZone)],
    [say('level'), String(data.level)],
  ];
  const why = data.reason === 'overdue' ? say('overdue') : say('returnedAgain');
  const text = [why, '', ...facts.map(([label, value]) => `${label}: ${value}`), '', say('ask')].join('\n');
  const html = [`<p>${escapeHtml(why)}</p>`, `<ul>${facts.map(([l, v]) => `<li><strong>${escapeHtml(l)}:</strong> ${escapeHtml(v)}</li>`).join('')}</ul>`, `<p>${escapeHtml(say('ask'))}</p>`].join('\n');
  return { subject: say('subject', { level: data.level, milestone: data.milestoneTitle }), text, html };
}
