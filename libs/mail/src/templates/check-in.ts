import type { AgendaItem, AgendaLink, Language, MeetingMode } from '@app/domain';
import { t } from '../i18n';
import { escapeHtml, formatDate, formatDateTime } from './format';
import type { RenderedEmail } from './index';

export type CheckInEmailKind = 'invitation' | 'update' | 'cancellation';

export interface CheckInEmailData {
  kind: CheckInEmailKind;
  recipientName: string;
  planTitle: string;
  jurisdictionName: string;
  startsAt: Date;
  durationMinutes: number;
  /** The jurisdiction's zone: the date and time are written in it. */
  timeZone: string;
  mode: MeetingMode;
  address: string | null;
  onlineUrl: string | null;
  agenda: AgendaItem[];
  /** Commitment titles by id, for the agenda's headings. */
  commitmentTitles: Record<string, string>;
  addToCalendar: { google: string; outlook: string };
  /** The plan's public iCalendar feed. */
  feedUrl: string;
  cancelledReason?: string;
}

/** One agenda item as the reader's language writes it: a heading and one line per link. */
export function agendaItemLines(language: Language, item: AgendaItem, commitmentTitles: Record<string, string>, timeZone: string): { heading: string; lines: string[] } {
  // An item the coordinator added keeps their title; a composed one is named by its kind.
  const kind = item.kind === 'other' ? item.title : t(language, `checkIn.kind.${item.kind}`);
  const commitment = item.commitmentId ? (commitmentTitles[item.commitmentId] ?? null) : null;
  const heading = commitment
    ? t(language, 'checkIn.itemHeading', { kind, commitment, count: item.durationMinutes })
    : t(language, 'checkIn.itemHeadingPlan', { kind, count: item.durationMinutes });
  return { heading, lines: item.links.map((link) => agendaLinkText(language, link, timeZone)) };
}

/** A link's line in the reader's language, from its details; its (English) label when it has none. */
export function agendaLinkText(language: Language, link: AgendaLink, timeZone: string): string {
  const d = link.details;
  if (!d) return link.label;
  const date = (iso: string | undefined) => (iso ? formatDate(new Date(iso), language, timeZone) : '');
  const title = d.title ?? d.milestoneTitle ?? link.label;
  switch (link.type) {
    case 'milestone':
      return d.dueAt ? t(language, d.overdue ? 'checkIn.link.milestoneOverdue' : 'checkIn.link.milestoneDue', { title, date: date(d.dueAt) }) : title;
    case 'evidence':
      return t(language, 'checkIn.link.evidence', { title });
    case 'escalation':
      return d.recommendation
        ? t(language, 'checkIn.link.escalationRecommendation', { title, level: d.level ?? 1, recommendation: d.recommendation })
        : t(language, 'checkIn.link.escalationNoRecommendation', { title, level: d.level ?? 1 });
    case 'replanning':
      return t(language, 'checkIn.link.replanning', { title, from: date(d.previousDueAt), to: date(d.newDueAt), reason: d.reason ?? '' });
    case 'action_item':
      return t(language, d.overdue ? 'checkIn.link.actionItemOverdue' : 'checkIn.link.actionItem', { title, owner: d.ownerName ?? '', date: date(d.dueAt) });
    default:
      return link.label;
  }
}

/** An invitation to a check-in, an update of it (date, place) or its cancellation, in the recipient's language. */
export function renderCheckInEmail(language: Language, input: CheckInEmailData): RenderedEmail {
  const when = formatDateTime(input.startsAt, language, input.timeZone);
  const values = { planTitle: input.planTitle, jurisdictionName: input.jurisdictionName, date: when };
  const subject = t(language, `checkIn.subject.${input.kind}`, { ...values, date: formatDate(input.startsAt, language, input.timeZone) });
  const cancelled = input.kind === 'cancellation';
  const greeting = t(language, 'checkIn.greeting', { name: input.recipientName });
  const intro = t(language, `checkIn.intro.${input.kind}`, values);
  const reason = cancelled && input.cancelledReason ? t(language, 'checkIn.reason', { reason: input.cancelledReason }) : null;

  const showAddress = input.mode !== 'online' && input.address;
  const showLink = input.mode !== 'in_person' && input.onlineUrl;
  const facts: [string, string][] = [
    [t(language, 'checkIn.facts.when'), when],
    [t(language, 'checkIn.facts.duration'), t(language, 'checkIn.durationValue', { count: input.durationMinutes })],
    [t(language, 'checkIn.facts.mode'), t(language, `checkIn.mode.${input.mode}`)],
    ...(showAddress ? ([[t(language, 'checkIn.facts.address'), input.address!]] as [string, string][]) : []),
  ];
  const agenda = input.agenda.map((item) => agendaItemLines(language, item, input.commitmentTitles, input.timeZone));
  const total = input.agenda.reduce((sum, item) => sum + item.durationMinutes, 0);
  const closing = t(language, 'checkIn.closing');

  const text = [
    greeting,
    '',
    intro,
    ...(reason ? ['', reason] : []),
    '',
    ...facts.map(([label, value]) => `${label}: ${value}`),
    ...(showLink && !cancelled ? [t(language, 'checkIn.joinOnline', { url: input.onlineUrl! })] : []),
    ...(cancelled
      ? ['', t(language, 'checkIn.cancelledCalendar')]
      : [
          '',
          t(language, 'checkIn.agenda'),
          ...(agenda.length ? agenda.flatMap(({ heading, lines }) => [`- ${heading}`, ...lines.map((line) => `    · ${line}`)]) : [t(language, 'checkIn.agendaEmpty')]),
          ...(agenda.length ? [t(language, 'checkIn.agendaTotal', { count: total })] : []),
          '',
          `${t(language, 'checkIn.addToCalendar')}:`,
          `${t(language, 'checkIn.google')}: ${input.addToCalendar.google}`,
          `${t(language, 'checkIn.outlook')}: ${input.addToCalendar.outlook}`,
        ]),
    '',
    t(language, 'checkIn.feed'),
    input.feedUrl,
    '',
    closing,
  ].join('\n');

  const a = (url: string, label = url) => `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    ...(reason ? [`<p>${escapeHtml(reason)}</p>`] : []),
    `<ul>${facts.map(([label, value]) => `<li><strong>${escapeHtml(label)}:</strong> ${escapeHtml(value)}</li>`).join('')}${
      showLink ? `<li><strong>${escapeHtml(t(language, 'checkIn.facts.online'))}:</strong> ${a(input.onlineUrl!)}</li>` : ''
    }</ul>`,
    ...(cancelled
      ? [`<p>${escapeHtml(t(language, 'checkIn.cancelledCalendar'))}</p>`]
      : [
          `<h3>${escapeHtml(t(language, 'checkIn.agenda'))}</h3>`,
          agenda.length
            ? `<ol>${agenda.map(({ heading, lines }) => `<li>${escapeHtml(heading)}${lines.length ? `<ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>` : ''}</li>`).join('')}</ol><p>${escapeHtml(t(language, 'checkIn.agendaTotal', { count: total }))}</p>`
            : `<p>${escapeHtml(t(language, 'checkIn.agendaEmpty'))}</p>`,
          `<p>${escapeHtml(t(language, 'checkIn.addToCalendar'))} ${a(input.addToCalendar.google, t(language, 'checkIn.google'))} · ${a(input.addToCalendar.outlook, t(language, 'checkIn.outlook'))}</p>`,
        ]),
    `<p>${escapeHtml(t(language, 'checkIn.feed'))}<br>${a(input.feedUrl)}</p>`,
    `<p>${escapeHtml(closing)}</p>`,
  ].join('\n');
  return { subject, text, html };
}

/** To the coordinator: a check-in whose date has passed has no minutes yet. */
export function renderCheckInCloseReminderEmail(language: Language, input: { planTitle: string; startsAt: Date; timeZone: string; checkInUrl: string }): RenderedEmail {
  const date = formatDateTime(input.startsAt, language, input.timeZone);
  const subject = t(language, 'closeReminder.subject', { planTitle: input.planTitle, date: formatDate(input.startsAt, language, input.timeZone) });
  const body = t(language, 'closeReminder.body', { planTitle: input.planTitle, date });
  const ask = t(language, 'closeReminder.ask');
  const closing = t(language, 'closeReminder.closing');
  const text = [body, '', ask, input.checkInUrl, '', closing].join('\n');
  const html = [`<p>${escapeHtml(body)}</p>`, `<p>${escapeHtml(ask)}<br><a href="${escapeHtml(input.checkInUrl)}">${escapeHtml(input.checkInUrl)}</a></p>`, `<p>${escapeHtml(closing)}</p>`].join('\n');
  return { subject, text, html };
}

/** To an action item's owner, before its due date. */
export function renderActionItemReminderEmail(language: Language, input: { ownerName: string; title: string; dueAt: Date; timeZone: string; planTitle: string }): RenderedEmail {
  const due = formatDateTime(input.dueAt, language, input.timeZone);
  const subject = t(language, 'actionItemReminder.subject', { title: input.title, date: formatDate(input.dueAt, language, input.timeZone) });
  const greeting = t(language, 'actionItemReminder.greeting', { name: input.ownerName });
  const body = t(language, 'actionItemReminder.body', { planTitle: input.planTitle });
  const facts: [string, string][] = [
    [t(language, 'actionItemReminder.item'), input.title],
    [t(language, 'actionItemReminder.due'), due],
  ];
  const ask = t(language, 'actionItemReminder.ask');
  const closing = t(language, 'actionItemReminder.closing');
  const text = [greeting, '', body, '', ...facts.map(([label, value]) => `${label}: ${value}`), '', ask, '', closing].join('\n');
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(body)}</p>`,
    `<ul>${facts.map(([label, value]) => `<li><strong>${escapeHtml(label)}:</strong> ${escapeHtml(value)}</li>`).join('')}</ul>`,
    `<p>${escapeHtml(ask)}</p>`,
    `<p>${escapeHtml(closing)}</p>`,
  ].join('\n');
  return { subject, text, html };
}
