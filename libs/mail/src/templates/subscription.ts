import type { Language } from '@app/domain';
import { translatorFor } from '../i18n';
import type { RenderedEmail } from './index';
import { type Block, renderLayout } from './layout';

/** Where the plan is and what the subscriber follows, as every subscription email names it. */
export interface SubscriptionEmailContext {
  planTitle: string;
  /** Who signs, and whose plan it is: the jurisdiction's name (its open-government team writes). */
  senderName: string;
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
  const say = translatorFor(language, data.timeZone);
  const values = { planTitle: data.planTitle, jurisdictionName: data.senderName };
  const topics = data.commitmentTitles.length > 0 ? data.commitmentTitles.join('; ') : say('subscription.confirm.wholePlan');
  const expires = say('subscription.confirm.expires', { date: data.expiresAt });
  const blocks: Block[] = [
    { kind: 'text', text: say('subscription.confirm.body', values) },
    { kind: 'text', text: say('subscription.confirm.topics', { topics }) },
    { kind: 'button', text: say('subscription.confirm.button'), href: data.confirmUrl },
    { kind: 'link', lead: say('subscription.confirm.action'), href: data.confirmUrl },
    { kind: 'text', text: expires },
    { kind: 'text', text: say('subscription.confirm.ignore'), emphasis: 'muted' },
  ];
  return layout(language, data, say('subscription.confirm.subject', values), expires, blocks, say);
}

/** To a confirmed subscriber someone tried to subscribe again: nothing changed, here are the links. */
export function renderAlreadySubscribedEmail(language: Language, data: SubscriptionEmailContext): RenderedEmail {
  const say = translatorFor(language, data.timeZone);
  const values = { planTitle: data.planTitle, jurisdictionName: data.senderName };
  const body = say('subscription.already.body', values);
  const blocks: Block[] = [
    { kind: 'text', text: body },
    { kind: 'link', lead: say('subscription.preferences'), href: data.preferencesUrl },
    { kind: 'link', lead: say('subscription.unsubscribe'), href: data.unsubscribeUrl },
    { kind: 'text', text: say('subscription.already.ignore'), emphasis: 'muted' },
  ];
  return layout(language, data, say('subscription.already.subject', values), body, blocks, say);
}

/** After a change of preferences: what the subscriber now receives, in the language chosen, with the links to change it again. */
export function renderPreferencesChangedEmail(language: Language, data: SubscriptionEmailContext & { commitmentTitles: string[] }): RenderedEmail {
  const say = translatorFor(language, data.timeZone);
  const topics = data.commitmentTitles.length > 0 ? data.commitmentTitles.join('; ') : say('subscription.confirm.wholePlan');
  const body = say('subscription.preferencesChanged.body', { planTitle: data.planTitle, jurisdictionName: data.senderName, topics });
  const blocks: Block[] = [
    { kind: 'text', text: body },
    { kind: 'link', lead: say('subscription.preferences'), href: data.preferencesUrl },
    { kind: 'link', lead: say('subscription.unsubscribe'), href: data.unsubscribeUrl },
    { kind: 'text', text: say('subscription.preferencesChanged.notMe'), emphasis: 'muted' },
  ];
  return layout(language, data, say('subscription.preferencesChanged.subject', { planTitle: data.planTitle, jurisdictionName: data.senderName }), body, blocks, say);
}

/** After an unsubscription: it is done; subscribing again is possible from the plan's public page. */
export function renderUnsubscribedEmail(language: Language, data: Omit<SubscriptionEmailContext, 'preferencesUrl' | 'unsubscribeUrl'>): RenderedEmail {
  const say = translatorFor(language, data.timeZone);
  const values = { planTitle: data.planTitle, jurisdictionName: data.senderName };
  const body = say('subscription.unsubscribed.body', values);
  const blocks: Block[] = [
    { kind: 'text', text: body },
    { kind: 'text', text: say('subscription.unsubscribed.again') },
  ];
  return layout(language, data, say('subscription.unsubscribed.subject', values), body, blocks, say);
}

/** The subscription emails' frame: the jurisdiction on the band and in the signature, the automatic-message note below. */
function layout(language: Language, data: { senderName: string }, subject: string, preview: string, blocks: Block[], say: ReturnType<typeof translatorFor>): RenderedEmail {
  return {
    subject,
    ...renderLayout({
      language,
      subject,
      preview,
      header: data.senderName,
      blocks,
      signature: [say('common.signature', { sender: data.senderName })],
      footer: [{ kind: 'text', text: say('common.automatic', { sender: data.senderName }) }],
    }),
  };
}
