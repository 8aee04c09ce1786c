import type { DigestCommitment, DigestContent, Language } from '@app/domain';
import { translatorFor } from '../i18n';
import type { RenderedEmail } from './index';
import { type Block, type ListItem, renderLayout } from './layout';

export interface DigestEmailOptions {
  planTitle: string;
  /** Who sends it: the jurisdiction's name, on the header and in the signature. */
  jurisdictionName: string;
  /** The jurisdiction's zone: dates are written in it (default: the content's). */
  timeZone?: string;
  /** The subscriber's own links (or markers an outbox fills per recipient: they are written as given, HTML-escaped). */
  unsubscribeUrl: string;
  preferencesUrl: string;
  /** The issue on the plan's public pages. */
  archiveUrl: string;
}

/**
 * The monthly public digest of a plan in the subscriber's language, from the language-neutral
 * DigestContent: progress per commitment (a bar with its text equivalent; "no evidence yet" said as
 * such, never 0 %), milestones completed with links to their evidence, overdue and replanned ones
 * (with the reason), escalations with the IMB's recommendations, the Dialogue Board's decisions and
 * its next check-in; links to the web archive, preferences and unsubscribing in every issue.
 */
export function renderDigestEmail(language: Language, content: DigestContent, options: DigestEmailOptions): RenderedEmail {
  const timeZone = options.timeZone ?? content.timeZone;
  const say = translatorFor(language, timeZone);
  const month = new Date(content.period.start);
  const values = { planTitle: options.planTitle, jurisdictionName: options.jurisdictionName, month };
  const subject = say('digest.subject', values);
  const blocks: Block[] = [...digestBlocks(language, content, options), { kind: 'button', text: say('digest.archive'), href: options.archiveUrl }];
  return {
    subject,
    ...renderLayout({
      language,
      subject,
      preview: say('digest.preview', values),
      header: options.jurisdictionName,
      blocks,
      signature: [say('digest.closing'), say('common.signature', { sender: options.jurisdictionName })],
      footer: [
        { kind: 'text', text: say('digest.why', values) },
        {
          kind: 'links',
          lead: say('digest.linksLead'),
          links: [
            { text: say('digest.preferences'), href: options.preferencesUrl },
            { text: say('digest.unsubscribe'), href: options.unsubscribeUrl },
          ],
        },
      ],
    }),
  };
}

/**
 * The body of a digest as layout blocks, in `language`: what the email and the public archive page
 * (apps/api/src/public-pages) both show, from the same stored content. No subscriber's link in it.
 */
export function digestBlocks(language: Language, content: DigestContent, options: { planTitle: string; jurisdictionName: string; timeZone?: string }): Block[] {
  const timeZone = options.timeZone ?? content.timeZone;
  const say = translatorFor(language, timeZone);
  const month = new Date(content.period.start);
  const values = { planTitle: options.planTitle, jurisdictionName: options.jurisdictionName, month };
  const level = (completion: DigestCommitment['completion']) => say(`completion.${completion}`);

  const progress = (label: string, share: number | null, completion: DigestCommitment['completion'], without: { count: number; total: number; key: 'digest.milestonesWithoutEvidence' | 'digest.commitmentsWithoutEvidence' }): Block =>
    share === null
      ? { kind: 'progress', label, share: null, valueText: say('digest.noEvidence'), note: say('digest.noEvidenceNote') }
      : {
          kind: 'progress',
          label,
          share,
          valueText: say('digest.progressValue', { level: level(completion), share }),
          note: without.count > 0 ? say(without.key, { count: without.count, total: without.total }) : undefined,
        };

  /** One list item per commitment that has entries, its entries under it. */
  const byCommitment = (entries: (c: DigestCommitment) => ListItem[]): ListItem[] =>
    content.commitments.flatMap((c) => {
      const children = entries(c);
      return children.length ? [{ text: c.title, children }] : [];
    });
  const section = (heading: string, items: ListItem[]): Block[] => (items.length ? [{ kind: 'heading', text: heading }, { kind: 'list', items }] : []);

  const completed = byCommitment((c) =>
    c.completed.map((m) => ({
      text: say('digest.completedItem', { title: m.title, level: level(m.completion), date: new Date(m.completedAt) }),
      children: m.evidenceLinks.map((href, i) => ({ text: say('digest.evidenceLink', { number: i + 1 }), href })),
    })),
  );
  const overdue = byCommitment((c) => c.overdue.map((m) => say('digest.overdueItem', { title: m.title, date: new Date(m.dueAt) })));
  const replanned = byCommitment((c) =>
    c.replanned.map((r) => ({
      text: say('digest.replannedItem', { title: r.milestoneTitle, from: new Date(r.previousDueAt), to: new Date(r.newDueAt) }),
      children: [say('digest.reason', { reason: r.reason })],
    })),
  );
  const escalations = byCommitment((c) =>
    c.escalations.map((e) => ({
      text: say('digest.escalationItem', { title: e.milestoneTitle, level: e.level, status: say(`digest.escalationStatus.${e.status}`) }),
      children: [e.recommendation ? say('digest.recommendation', { recommendation: e.recommendation }) : say('digest.noRecommendation')],
    })),
  );
  const decisions: ListItem[] = content.checkIns
    .filter((c) => c.decisions.length)
    .map((c) => ({ text: say('digest.checkInDecisions', { date: new Date(c.startsAt) }), children: c.decisions }));

  return [
    { kind: 'heading', text: say('digest.title', values) },
    { kind: 'text', text: say('digest.intro', values) },
    ...(content.quiet ? ([{ kind: 'text', text: say('digest.quiet'), emphasis: 'muted' }] as Block[]) : []),
    { kind: 'heading', text: say('digest.progressHeading') },
    progress(say('digest.planProgress'), content.plan.progress, content.plan.completion, {
      count: content.plan.commitmentsWithoutEvidence,
      total: content.plan.commitments,
      key: 'digest.commitmentsWithoutEvidence',
    }),
    ...content.commitments.map((c) => progress(c.title, c.progress, c.completion, { count: c.milestonesWithoutEvidence, total: c.milestones, key: 'digest.milestonesWithoutEvidence' })),
    ...section(say('digest.completedHeading'), completed),
    ...section(say('digest.overdueHeading'), overdue),
    ...section(say('digest.replannedHeading'), replanned),
    ...section(say('digest.escalationsHeading'), escalations),
    ...section(say('digest.decisionsHeading'), decisions),
    { kind: 'heading', text: say('digest.nextCheckInHeading') },
    { kind: 'text', text: content.nextCheckIn ? say('digest.nextCheckIn', { date: new Date(content.nextCheckIn.startsAt) }) : say('digest.noNextCheckIn') },
  ];
}
