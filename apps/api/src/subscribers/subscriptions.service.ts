import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Not, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig, subscriberConfig } from '@app/config';
import { CommitmentStatus, confirmationExpiresAt, confirmOutcome, normalizeEmail, PlanStatus, subscribeDecision, type Language } from '@app/domain';
import { ActionPlanEntity, CommitmentEntity, JurisdictionEntity, recordAudit, SubscriberEntity } from '@app/persistence';
import { verifySubscriberToken, type SubscriberTokenPurpose } from '@app/security';
import { notFound } from '../auth/access';
import { ruleViolation } from '../auth/plan-scope.service';
import type { PreferencesFormDto, SubscribeDto, SubscriptionAcceptedDto } from './dto/subscriber.dto';
import { SubscriberMailer } from './subscriber-mailer';
import { renderPage, type Page } from './subscription-pages';

/** A page to answer with: its HTTP status, language and content. */
export interface PageAnswer {
  status: number;
  language: Language;
  page: Page;
}

export const SUBSCRIPTION_ACCEPTED: SubscriptionAcceptedDto = Object.freeze({
  status: 'accepted',
  detail: 'If this address can receive the digest, a confirmation email is on its way. Follow its link to confirm the subscription.',
});

/** Self-service writes are audited under this actor; the address never appears in the trail. */
const SUBSCRIBER_ACTOR = { label: 'subscriber (signed link)', role: 'public' };

interface Loaded {
  subscriber: SubscriberEntity;
  plan: ActionPlanEntity;
  jurisdiction: JurisdictionEntity;
}

/**
 * What a member of the public does without an account: subscribe (double opt-in), confirm, change
 * preferences and unsubscribe through signed links. Every answer to the subscribe request is the same,
 * whatever the address's state; the emails differ.
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    @InjectRepository(CommitmentEntity) private readonly commitments: Repository<CommitmentEntity>,
    @InjectRepository(SubscriberEntity) private readonly subscribers: Repository<SubscriberEntity>,
    private readonly mailer: SubscriberMailer,
  ) {}

  async subscribe(planId: string, dto: SubscribeDto, now = new Date()): Promise<SubscriptionAcceptedDto> {
    const plan = await this.plans.findOneBy({ id: planId, status: PlanStatus.Active });
    if (!plan) throw notFound('active action plan', planId);
    const commitmentIds = [...new Set(dto.commitmentIds ?? [])];
    const titles = await this.topicTitles(plan.id, commitmentIds);
    const jurisdiction = await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId });
    const email = normalizeEmail(dto.email);
    const settings = subscriberConfig(this.config);

    const outcome = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(SubscriberEntity);
      const existing = await repo.createQueryBuilder('s').setLock('pessimistic_write').where('s.plan_id = :planId AND lower(s.email) = :email', { planId, email }).getOne();
      const decision = subscribeDecision(existing, now);
      const pending = { status: 'pending' as const, language: dto.language, commitmentIds, consentSource: 'form' as const, confirmationSentAt: now, confirmExpiresAt: confirmationExpiresAt(now, settings.confirmationHours) };
      if (decision === 'create') {
        const inserted = await repo.createQueryBuilder().insert().values({ planId, email, ...pending, confirmationsSent: 1 }).orIgnore().returning('id').execute();
        // A concurrent request for the same address won the insert: it sends the confirmation.
        if (inserted.raw.length === 0) return null;
        return { decision, subscriber: await repo.findOneByOrFail({ id: inserted.raw[0].id }) };
      }
      if (decision === 'confirm_again') {
        await repo.update({ id: existing!.id }, { ...pending, confirmationsSent: existing!.confirmationsSent + 1 });
        return { decision, subscriber: await repo.findOneByOrFail({ id: existing!.id }) };
      }
      return existing && decision === 'already_subscribed' ? { decision, subscriber: existing } : null;
    });
    if (outcome?.decision === 'already_subscribed') this.mailer.alreadySubscribed(outcome.subscriber, plan, jurisdiction, now);
    else if (outcome) this.mailer.confirmation(outcome.subscriber, plan, jurisdiction, titles);
    return SUBSCRIPTION_ACCEPTED;
  }

  async confirm(token: string, preferred: Language, now = new Date()): Promise<PageAnswer> {
    const found = await this.load(token, 'confirm', preferred, now);
    if ('page' in found) return found;
    const { subscriber, plan } = found;
    const language = subscriber.language as Language;
    const values = { planTitle: plan.title };
    switch (confirmOutcome(subscriber, now)) {
      case 'already_confirmed':
        return message(200, language, 'alreadyConfirmed', values);
      case 'expired':
        return message(410, language, 'expired');
      case 'not_pending':
        return message(409, language, 'notPending');
      case 'confirm':
        await this.dataSource.transaction(async (manager) => {
          await manager.update(SubscriberEntity, { id: subscriber.id, status: 'pending' }, { status: 'confirmed', confirmedAt: now, consentedAt: now, bounceCount: 0, lastBounceAt: null });
          await this.audit(manager, found, 'subscriber.confirmed', { status: 'pending' }, { status: 'confirmed', consentSource: 'form', confirmedAt: now.toISOString() });
        });
        return message(200, language, 'confirmed', values);
    }
  }

  async preferences(token: string, preferred: Language, saved?: PreferencesFormDto): Promise<PageAnswer> {
    const found = await this.load(token, 'manage', preferred);
    if ('page' in found) return found;
    let { subscriber } = found;
    if (saved) {
      const commitmentIds = [...new Set(saved.commitmentIds ?? [])];
      const titles = await this.topicTitles(found.plan.id, commitmentIds);
      const changedAt = new Date();
      const before = { language: subscriber.language, commitmentIds: subscriber.commitmentIds };
      await this.dataSource.transaction(async (manager) => {
        await manager.update(SubscriberEntity, { id: subscriber.id }, { language: saved.language, commitmentIds });
        await this.audit(manager, found, 'subscriber.preferences_changed', before, { language: saved.language, commitmentIds });
      });
      subscriber = await this.subscribers.findOneByOrFail({ id: subscriber.id });
      // Written confirmation of the change, in the language now chosen (only to people who receive mail).
      if (subscriber.status === 'confirmed') this.mailer.preferencesChanged(subscriber, found.plan, found.jurisdiction, titles, changedAt);
    }
    // The plan's commitments a subscriber may choose, and any chosen one cancelled since.
    const chosen = subscriber.commitmentIds;
    const commitments = (await this.commitments.find({ where: { planId: found.plan.id }, order: { createdAt: 'ASC' } })).filter((c) => c.status !== CommitmentStatus.Cancelled || chosen.includes(c.id));
    const links = this.mailer.links(subscriber);
    return {
      status: 200,
      language: subscriber.language as Language,
      page: {
        kind: 'manage',
        planTitle: found.plan.title,
        jurisdictionName: found.jurisdiction.name,
        commitments: commitments.map((c) => ({ id: c.id, title: c.title, checked: subscriber.commitmentIds.includes(c.id) })),
        saved: saved !== undefined,
        active: subscriber.status === 'confirmed',
        unsubscribeUrl: links.unsubscribeUrl,
      },
    };
  }

  async unsubscribePage(token: string, preferred: Language): Promise<PageAnswer> {
    const found = await this.load(token, 'manage', preferred);
    if ('page' in found) return found;
    const language = found.subscriber.language as Language;
    if (found.subscriber.status === 'unsubscribed') return done(language, found.plan.title);
    return { status: 200, language, page: { kind: 'unsubscribe', planTitle: found.plan.title } };
  }

  /** RFC 8058 one-click, and the page's button: whatever the body, the signed link is what counts. Repeating it changes nothing. */
  async unsubscribe(token: string, preferred: Language, now = new Date()): Promise<PageAnswer> {
    const found = await this.load(token, 'manage', preferred);
    if ('page' in found) return found;
    const { subscriber } = found;
    const language = subscriber.language as Language;
    if (subscriber.status === 'unsubscribed') return done(language, found.plan.title);
    const changed = await this.dataSource.transaction(async (manager) => {
      const result = await manager.update(SubscriberEntity, { id: subscriber.id, status: subscriber.status }, { status: 'unsubscribed', unsubscribedAt: now });
      if (!result.affected) return false;
      await this.audit(manager, found, 'subscriber.unsubscribed', { status: subscriber.status }, { status: 'unsubscribed', unsubscribedAt: now.toISOString() });
      return true;
    });
    if (changed && subscriber.status === 'confirmed') this.mailer.unsubscribed({ ...subscriber, status: 'unsubscribed', unsubscribedAt: now }, found.plan, found.jurisdiction);
    return done(language, found.plan.title);
  }

  /** Titles of the chosen commitments, each of the plan and not cancelled; otherwise 422 naming `commitmentIds`. */
  private async topicTitles(planId: string, commitmentIds: string[]): Promise<string[]> {
    if (commitmentIds.length === 0) return [];
    const found = await this.commitments.find({ where: { planId, id: In(commitmentIds), status: Not(CommitmentStatus.Cancelled) }, order: { createdAt: 'ASC' } });
    if (found.length !== commitmentIds.length) throw ruleViolation('commitmentIds', 'commitmentIds must name commitments of this plan that are not cancelled');
    return found.map((c) => c.title);
  }

  private async load(token: string, purpose: SubscriberTokenPurpose, preferred: Language, now = new Date()): Promise<Loaded | PageAnswer> {
    const check = verifySubscriberToken(token, subscriberConfig(this.config).linkSecret, purpose, now);
    if (!check.valid) return check.reason === 'expired' ? message(410, preferred, 'expired') : message(404, preferred, 'invalid');
    const subscriber = await this.subscribers.findOneBy({ id: check.claims.subscriberId });
    if (!subscriber) return message(404, preferred, 'invalid');
    const plan = await this.plans.findOneByOrFail({ id: subscriber.planId });
    const jurisdiction = await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId });
    return { subscriber, plan, jurisdiction };
  }

  private audit(manager: EntityManager, { subscriber, jurisdiction }: Loaded, action: string, before: object, after: object): Promise<void> {
    return recordAudit(manager, { jurisdictionId: jurisdiction.id, actor: SUBSCRIBER_ACTOR, action, entityType: 'subscriber', entityId: subscriber.id, before: { planId: subscriber.planId, ...before }, after: { planId: subscriber.planId, ...after } });
  }
}

type MessagePage = 'confirmed' | 'alreadyConfirmed' | 'expired' | 'invalid' | 'notPending';

function message(status: number, language: Language, name: MessagePage, values: Record<string, string> = {}): PageAnswer {
  return { status, language, page: { kind: 'message', titleKey: `subscriptionPage.${name}.title`, bodyKey: `subscriptionPage.${name}.body`, values } };
}

function done(language: Language, planTitle: string): PageAnswer {
  return { status: 200, language, page: { kind: 'message', titleKey: 'subscriptionPage.unsubscribe.done.title', bodyKey: 'subscriptionPage.unsubscribe.done.body', values: { planTitle } } };
}

/** The HTML of an answer. */
export function pageHtml(answer: PageAnswer): string {
  return renderPage(answer.language, answer.page);
}
