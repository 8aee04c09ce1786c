import type { Language } from '@app/domain';
import { t } from '../i18n';
import type { RenderedEmail } from './index';
import { escapeHtml, formatDateTime } from './format';

/** Where the plan is and what the subscriber follows, as every subscription email names it. */
export interface SubscriptionEmailContext {
  planTitle: string;
  jurisdictionName: string;
  /** The jurisdiction's zone, for dates. */
  timeZone: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}

export interface SubscriptionConfirmationEmailData extends SubscriptionEmailContext {
  /** Titles of the commitments chosen; empty: the whole plan. */
  commitmentTitles: string[];
  confirmUrl: string;
  expiresAt: Date;
}

/** The double opt-in email: the confirmation link, when it expires, and that ignoring it is enough. */
export function renderSubscriptionConfirmationEmail(language: Language, data: SubscriptionConfirmationEmailData): RenderedEmail {
  const values = { planTitle: data.planTitle, jurisdictionName: data.jurisdictionName };
  const topics = data.commitmentTitles.length > 0 ? data.commitmentTitles.join('; ') : t(language, 'subscription.confirm.wholePlan');
  const paragraphs = [
    t(language, 'subscription.confirm.body', values),
    t(language, 'subscription.confirm.topics', { topics }),
  ];
  const expires = t(language, 'subscription.confirm.expires', { date: formatDateTime(data.expiresAt, language, data.timeZone) });
  const action = t(language, 'subscription.confirm.action');
  const ignore = t(language, 'subscription.confirm.ignore');
  const closing = t(language, 'subscription.closing', values);
  const text = [...paragraphs, '', action, data.confirmUrl, expires, '', ignore, '', closing].join('\n');
  const html = [
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p>${escapeHtml(action)}<br><a href="${escapeHtml(data.confirmUrl)}">${escapeHtml(data.confirmUrl)}</a></p>`,
    `<p>${escapeHtml(expires)}</p>`,
    `<p>${escapeHtml(ignore)}</p>`,
    `<p>${escapeHtml(closing)}</p>`,
  ].join('\n');
  return { subject: t(language, 'subscription.confirm.subject', values), text, html };
}

/** To a confirmed subscriber someone tried to subscribe again: nothing changed, here are the links. */
export function renderAlreadySubscribedEmail(language: Language, data: SubscriptionEmailContext): RenderedEmail {
  const values = { planTitle: data.planTitle, jurisdictionName: data.jurisdictionName };
  return withLinks(language, data, t(language, 'subscription.already.subject', values), [t(language, 'subscription.already.body', values), t(language, 'subscription.already.ignore')]);
}

/** After an unsubscription: it is done; subscribing again is possible from the plan's public page. */
export function renderUnsubscribedEmail(language: Language, data: Omit<SubscriptionEmailContext, 'preferencesUrl' | 'unsubscribeUrl'>): RenderedEmail {
  const values = { planTitle: data.planTitle, jurisdictionName: data.jurisdictionName };
  const paragraphs = [t(language, 'subscription.unsubscribed.body', values), t(language, 'subscription.unsubscribed.again'), t(language, 'subscription.closing', values)];
  return {
    subject: t(language, 'subscription.unsubscribed.subject', values),
    text: paragraphs.join('\n\n'),
    html: paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n'),
  };
}

function withLinks(language: Language, data: SubscriptionEmailContext, subject: string, paragraphs: string[]): RenderedEmail {
  const closing = t(language, 'subscription.closing', { jurisdictionName: data.jurisdictionName });
  const links: [string, string][] = [
    [t(language, 'subscription.preferences'), data.preferencesUrl],
    [t(language, 'subscription.unsubscribe'), data.unsubscribeUrl],
  ];
  const text = [...paragraphs, '', ...links.flatMap(([label, url]) => [label, url]), '', closing].join('\n');
  const html = [
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...links.map(([label, url]) => `<p>${escapeHtml(label)}<br><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`),
    `<p>${escapeHtml(closing)}</p>`,
  ].join('\n');
  return { subject, text, html };
}
