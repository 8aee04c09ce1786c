import type { AgendaItem, AgendaLink, Language, MeetingMode } from '@app/domain';
import { t, translatorFor } from '../i18n';
import { formatDateTime } from './format';
import type { RenderedEmail } from './index';
import { type Block, renderLayout } from './layout';

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
  /** Who signs: the jurisdiction's name. */
  senderName: string;
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
  const date = (iso: string | undefined) => (iso ? new Date(iso) : '');
  const title = d.title ?? d.milestoneTitle ?? link.label;
  switch (link.type) {
    case 'milestone':
      return d.dueAt ? t(language, d.overdue ? 'checkIn.link.milestoneOverdue' : 'checkIn.link.milestoneDue', { title, date: date(d.dueAt), timeZone }) : title;
    case 'evidence':
      return t(language, 'checkIn.link.evidence', { title });
    case 'escalation':
      return d.recommendation
        ? t(language, 'checkIn.link.escalationRecommendation', { title, level: d.level ?? 1, recommendation: d.recommendation })
        : t(language, 'checkIn.link.escalationNoRecommendation', { title, level: d.level ?? 1 });
    case 'replanning':
      return t(language, 'checkIn.link.replanning', { title, from: date(d.previousDueAt), to: date(d.newDueAt), reason: d.reason ?? '', timeZone });
    case 'action_item':
      return t(language, d.overdue ? 'checkIn.link.actionItemOverdue' : 'checkIn.link.actionItem', { title, owner: d.ownerName ?? '', date: date(d.dueAt), timeZone });
    default:
      return link.label;
  }
}

/** An invitation to a check-in, an update of it (date, place) or its cancellation, in the recipient's language. */
export function renderCheckInEmail(language: Language, input: CheckInEmailData): RenderedEmail {
  const say = translatorFor(language, input.timeZone);
  const values = { planTitle: input.planTitle, jurisdictionName: input.jurisdictionName, date: input.startsAt };
  const subject = say(`checkIn.subject.${input.kind}`, values);
  const cancelled = input.kind === 'cancellation';
  const showAddress = input.mode !== 'online' && input.address;
  const showLink = input.mode !== 'in_person' && input.onlineUrl;
  const rows: [string, string | { text: string; href: string }][] = [
    [say('checkIn.facts.when'), formatDateTime(input.startsAt, language, input.timeZone)],
    [say('checkIn.facts.duration'), say('checkIn.durationValue', { count: input.durationMinutes })],
    [say('checkIn.facts.mode'), say(`checkIn.mode.${input.mode}`)],
    ...(showAddress ? ([[say('checkIn.facts.address'), input.address!]] as [string, string][]) : []),
    ...(showLink && !cancelled ? ([[say('checkIn.facts.online'), { text: input.onlineUrl!, href: input.onlineUrl! }]] as [string, { text: string; href: string }][]) : []),
  ];
  const agenda = input.agenda.map((item) => agendaItemLines(language, item, input.commitmentTitles, input.timeZone));
  const total = input.agenda.reduce((sum, item) => sum + item.durationMinutes, 0);
  const reason = cancelled && input.cancelledReason ? say('checkIn.reason', { reason: input.cancelledReason }) : null;

  const blocks: Block[] = [
    { kind: 'text', text: say('checkIn.greeting', { name: input.recipientName }) },
    { kind: 'text', text: say(`checkIn.intro.${input.kind}`, values) },
    ...(reason ? ([{ kind: 'text', text: reason }] as Block[]) : []),
    { kind: 'facts', rows },
    ...(showLink && !cancelled ? ([{ kind: 'button', text: say('checkIn.joinButton'), href: input.onlineUrl! }] as Block[]) : []),
    ...(cancelled
      ? ([{ kind: 'text', text: say('checkIn.cancelledCalendar') }] as Block[])
      : ([
          { kind: 'heading', text: say('checkIn.agenda') },
          agenda.length
            ? { kind: 'list', ordered: true, items: agenda.map(({ heading, lines }) => ({ text: heading, children: lines })) }
            : { kind: 'text', text: say('checkIn.agendaEmpty') },
          ...(agenda.length ? [{ kind: 'text', text: say('checkIn.agendaTotal', { count: total }) }] : []),
          {
            kind: 'links',
            lead: say('checkIn.addToCalendar'),
            links: [
              { text: say('checkIn.google'), href: input.addToCalendar.google },
              { text: say('checkIn.outlook'), href: input.addToCalendar.outlook },
            ],
          },
        ] as Block[])),
    { kind: 'link', lead: say('checkIn.feed'), href: input.feedUrl },
  ];
  return {
    subject,
    ...renderLayout({
      language,
      subject,
      preview: say(`checkIn.intro.${input.kind}`, values),
      header: input.senderName,
      blocks,
      signature: [say('checkIn.closing'), say('common.signature', { sender: input.senderName })],
      footer: [{ kind: 'text', text: say('common.automatic', { sender: input.senderName }) }],
    }),
  };
}

/** To the coordinator: a check-in whose date has passed has no minutes yet. */
export function renderCheckInCloseReminderEmail(language: Language, input: { planTitle: string; startsAt: Date; timeZone: string; checkInUrl: string; senderName: string }): RenderedEmail {
  const say = translatorFor(language, input.timeZone);
  const subject = say('closeReminder.subject', { planTitle: input.planTitle, date: input.startsAt });
  const body = say('closeReminder.body', { planTitle: input.planTitle, date: input.startsAt });
  return {
    subject,
    ...renderLayout({
      language,
      subject,
      preview: body,
      header: input.senderName,
      blocks: [
        { kind: 'text', text: body },
        { kind: 'button', text: say('closeReminder.button'), href: input.checkInUrl },
        { kind: 'link', lead: say('closeReminder.ask'), href: input.checkInUrl },
      ],
      signature: [say('closeReminder.closing')],
    }),
  };
}

/** To an action item's owner, before its due date. */
export function renderActionItemReminderEmail(
  language: Language,
  input: { ownerName: string; title: string; dueAt: Date; timeZone: string; planTitle: string; senderName: string },
): RenderedEmail {
  const say = translatorFor(language, input.timeZone);
  const subject = say('actionItemReminder.subject', { title: input.title, date: input.dueAt });
  return {
    subject,
    ...renderLayout({
      language,
      subject,
      preview: input.title,
      header: input.senderName,
      blocks: [
        { kind: 'text', text: say('actionItemReminder.greeting', { name: input.ownerName }) },
        { kind: 'text', text: say('actionItemReminder.body', { planTitle: input.planTitle }) },
        {
          kind: 'facts',
          rows: [
            [say('actionItemReminder.item'), input.title],
            [say('actionItemReminder.due'), formatDateTime(input.dueAt, language, input.timeZone)],
          ],
        },
        { kind: 'text', text: say('actionItemReminder.ask', { sender: input.senderName }) },
      ],
      signature: [say('actionItemReminder.closing'), say('common.signature', { sender: input.senderName })],
      footer: [{ kind: 'text', text: say('common.automatic', { sender: input.senderName }) }],
    }),
  };
}
