import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, subscriberConfig } from '@app/config';
import { alreadySubscribedKey, preferencesChangedKey, subscriptionConfirmationKey, unsubscribedKey, type Language } from '@app/domain';
import { OutboxService, redactAddresses, renderAlreadySubscribedEmail, renderPreferencesChangedEmail, renderSubscriptionConfirmationEmail, renderUnsubscribedEmail, type EmailToSend } from '@app/mail';
import type { ActionPlanEntity, JurisdictionEntity, SubscriberEntity } from '@app/persistence';
import { subscriberLinks } from '@app/security';

/**
 * Subscriber emails through the outbox, each under its deterministic key. They go out after the
 * request's answer, so the subscribe endpoint answers in the same time whatever it sends; a send that
 * fails stays in the outbox (the person may ask again). Logs name the key, never the address. The
 * jurisdiction's name signs them (senderName).
 */
@Injectable()
export class SubscriberMailer {
  private readonly logger = new Logger(SubscriberMailer.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxService,
  ) {}

  links(subscriber: Pick<SubscriberEntity, 'id' | 'confirmExpiresAt'>) {
    return subscriberLinks(this.config.publicBaseUrl, subscriber.id, subscriberConfig(this.config).linkSecret, subscriber.confirmExpiresAt);
  }

  confirmation(subscriber: SubscriberEntity, plan: ActionPlanEntity, jurisdiction: JurisdictionEntity, commitmentTitles: string[]): void {
    const links = this.links(subscriber);
    const email = renderSubscriptionConfirmationEmail(subscriber.language as Language, {
      planTitle: plan.title,
      senderName: jurisdiction.name,
      timeZone: jurisdiction.timeZone,
      preferencesUrl: links.preferencesUrl,
      unsubscribeUrl: links.unsubscribeUrl,
      commitmentTitles,
      confirmUrl: links.confirmUrl,
      expiresAt: subscriber.confirmExpiresAt!,
    });
    this.later({ ...email, idempotencyKey: subscriptionConfirmationKey(subscriber.id, subscriber.confirmationsSent), to: subscriber.email, jurisdictionId: jurisdiction.id });
  }

  alreadySubscribed(subscriber: SubscriberEntity, plan: ActionPlanEntity, jurisdiction: JurisdictionEntity, now: Date): void {
    const links = this.links(subscriber);
    const email = renderAlreadySubscribedEmail(subscriber.language as Language, { planTitle: plan.title, senderName: jurisdiction.name, timeZone: jurisdiction.timeZone, preferencesUrl: links.preferencesUrl, unsubscribeUrl: links.unsubscribeUrl });
    this.later({ ...email, idempotencyKey: alreadySubscribedKey(subscriber.id, now), to: subscriber.email, jurisdictionId: jurisdiction.id });
  }

  preferencesChanged(subscriber: SubscriberEntity, plan: ActionPlanEntity, jurisdiction: JurisdictionEntity, commitmentTitles: string[], changedAt: Date): void {
    const links = this.links(subscriber);
    const email = renderPreferencesChangedEmail(subscriber.language as Language, { planTitle: plan.title, senderName: jurisdiction.name, timeZone: jurisdiction.timeZone, preferencesUrl: links.preferencesUrl, unsubscribeUrl: links.unsubscribeUrl, commitmentTitles });
    this.later({ ...email, idempotencyKey: preferencesChangedKey(subscriber.id, changedAt), to: subscriber.email, jurisdictionId: jurisdiction.id });
  }

  unsubscribed(subscriber: SubscriberEntity, plan: ActionPlanEntity, jurisdiction: JurisdictionEntity): void {
    const email = renderUnsubscribedEmail(subscriber.language as Language, { planTitle: plan.title, senderName: jurisdiction.name, timeZone: jurisdiction.timeZone });
    this.later({ ...email, idempotencyKey: unsubscribedKey(subscriber.id, subscriber.unsubscribedAt!), to: subscriber.email, jurisdictionId: jurisdiction.id });
  }

  private later(email: EmailToSend): void {
    setImmediate(() => {
      this.outbox.send(email).catch((error: unknown) => this.logger.warn({ msg: 'subscriber email not sent yet', idempotencyKey: email.idempotencyKey, error: redactAddresses(String((error as Error)?.message ?? error)) }));
    });
  }
}
