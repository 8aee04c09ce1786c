import type { DataSource, EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import type { AppConfig } from '@app/config';
import { PlanStatus } from '@app/domain';
import { ActionPlanEntity, AuditEventEntity, CommitmentEntity, JurisdictionEntity, SubscriberEntity } from '@app/persistence';
import { signSubscriberToken } from '@app/security';
import { SubscriberMailer } from './subscriber-mailer';
import { SUBSCRIPTION_ACCEPTED, SubscriptionsService } from './subscriptions.service';

const SECRET = 's'.repeat(32);
const NOW = new Date('2027-03-01T12:00:00Z');
const PLAN_ID = '3f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const SUB_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const plan = { id: PLAN_ID, title: 'Plan Rosario', jurisdictionId: 'j1', status: PlanStatus.Active } as ActionPlanEntity;
const jurisdiction = { id: 'j1', name: 'Municipalidad de Rosario', timeZone: 'America/Argentina/Cordoba' } as JurisdictionEntity;
const config = { subscribers: { linkSecret: SECRET, confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: 10 } } as AppConfig;

function subscriber(status: SubscriberEntity['status'], extra: Partial<SubscriberEntity> = {}): SubscriberEntity {
  return {
    id: SUB_ID,
    planId: PLAN_ID,
    email: 'ana@vecinos.example',
    language: 'es',
    commitmentIds: [],
    status,
    consentSource: 'form',
    confirmationsSent: 1,
    confirmationSentAt: new Date(NOW.getTime() - 86_400_000),
    confirmExpiresAt: new Date(NOW.getTime() + 86_400_000),
    confirmedAt: status === 'confirmed' ? new Date('2027-01-01T00:00:00Z') : null,
    ...extra,
  } as SubscriberEntity;
}

type QueryBuilderMock = jest.Mocked<Pick<SelectQueryBuilder<SubscriberEntity>, 'setLock' | 'where' | 'getOne'>> & {
  insert: jest.Mock;
  values: jest.Mock;
  orIgnore: jest.Mock;
  returning: jest.Mock;
  execute: jest.Mock;
};

describe(SubscriptionsService.name, () => {
  let sut: SubscriptionsService;
  let plans: jest.Mocked<Pick<Repository<ActionPlanEntity>, 'findOneBy' | 'findOneByOrFail'>>;
  let jurisdictions: jest.Mocked<Pick<Repository<JurisdictionEntity>, 'findOneByOrFail'>>;
  let commitments: jest.Mocked<Pick<Repository<CommitmentEntity>, 'find'>>;
  let subscribers: jest.Mocked<Pick<Repository<SubscriberEntity>, 'findOneBy' | 'findOneByOrFail'>>;
  let qb: QueryBuilderMock;
  let txRepo: jest.Mocked<Pick<Repository<SubscriberEntity>, 'update' | 'findOneByOrFail'>> & { createQueryBuilder: jest.Mock };
  let manager: jest.Mocked<Pick<EntityManager, 'getRepository' | 'update'>>;
  let audits: { create: jest.Mock; save: jest.Mock };
  let transaction: jest.Mock;
  let mailer: jest.Mocked<Pick<SubscriberMailer, 'confirmation' | 'alreadySubscribed' | 'unsubscribed' | 'links'>>;

  beforeEach(() => {
    plans = { findOneBy: jest.fn().mockResolvedValue(plan), findOneByOrFail: jest.fn().mockResolvedValue(plan) };
    jurisdictions = { findOneByOrFail: jest.fn().mockResolvedValue(jurisdiction) };
    commitments = { find: jest.fn().mockResolvedValue([]) };
    subscribers = { findOneBy: jest.fn(), findOneByOrFail: jest.fn() };
    qb = {
      setLock: jest.fn().mockReturnThis(),
      where: jest.fn().mockReturnThis(),
      getOne: jest.fn().mockResolvedValue(null),
      insert: jest.fn().mockReturnThis(),
      values: jest.fn().mockReturnThis(),
      orIgnore: jest.fn().mockReturnThis(),
      returning: jest.fn().mockReturnThis(),
      execute: jest.fn().mockResolvedValue({ raw: [{ id: 'sub-new' }] }),
    } as unknown as QueryBuilderMock;
    txRepo = { createQueryBuilder: jest.fn(() => qb), update: jest.fn().mockResolvedValue({ affected: 1 }), findOneByOrFail: jest.fn(async ({ id }: { id: string }) => subscriber('pending', { id })) } as never;
    audits = { create: jest.fn((event: object) => event), save: jest.fn().mockResolvedValue(undefined) };
    manager = {
      getRepository: jest.fn((entity: unknown) => (entity === AuditEventEntity ? audits : txRepo)) as never,
      update: jest.fn().mockResolvedValue({ affected: 1 }),
    };
    transaction = jest.fn((work: (m: EntityManager) => Promise<unknown>) => work(manager as unknown as EntityManager));
    mailer = { confirmation: jest.fn(), alreadySubscribed: jest.fn(), unsubscribed: jest.fn(), links: jest.fn() };
    sut = new SubscriptionsService(
      config,
      { transaction } as unknown as DataSource,
      plans as unknown as Repository<ActionPlanEntity>,
      jurisdictions as unknown as Repository<JurisdictionEntity>,
      commitments as unknown as Repository<CommitmentEntity>,
      subscribers as unknown as Repository<SubscriberEntity>,
      mailer as unknown as SubscriberMailer,
    );
  });

  describe('subscribe: the same answer whether or not the address exists', () => {
    const subscribe = (email = 'Ana@Vecinos.Example ') => sut.subscribe(PLAN_ID, { email, language: 'en' }, NOW);

    it('a new address: a pending subscriber (normalized address) and a confirmation email', async () => {
      await expect(subscribe()).resolves.toBe(SUBSCRIPTION_ACCEPTED);
      expect(qb.where).toHaveBeenCalledWith(expect.any(String), { planId: PLAN_ID, email: 'ana@vecinos.example' });
      expect(qb.values).toHaveBeenCalledWith(expect.objectContaining({ planId: PLAN_ID, email: 'ana@vecinos.example', status: 'pending', language: 'en', confirmationsSent: 1, confirmExpiresAt: new Date(NOW.getTime() + 48 * 3_600_000) }));
      expect(mailer.confirmation).toHaveBeenCalledWith(expect.objectContaining({ id: 'sub-new' }), plan, jurisdiction, []);
      expect(mailer.alreadySubscribed).not.toHaveBeenCalled();
    });

    it('a confirmed address: the same answer, a notice with its links, and it is not confirmed again', async () => {
      const known = subscriber('confirmed');
      qb.getOne.mockResolvedValue(known);
      await expect(subscribe()).resolves.toBe(SUBSCRIPTION_ACCEPTED);
      expect(qb.setLock).toHaveBeenCalledWith('pessimistic_write');
      expect(mailer.alreadySubscribed).toHaveBeenCalledWith(known, plan, jurisdiction, NOW);
      expect(mailer.confirmation).not.toHaveBeenCalled();
      expect(txRepo.update).not.toHaveBeenCalled();
      expect(qb.insert).not.toHaveBeenCalled();
    });

    it('an unsubscribed address: the same answer, pending again with a new confirmation', async () => {
      qb.getOne.mockResolvedValue(subscriber('unsubscribed', { confirmationsSent: 2 }));
      await expect(subscribe()).resolves.toBe(SUBSCRIPTION_ACCEPTED);
      expect(txRepo.update).toHaveBeenCalledWith({ id: SUB_ID }, expect.objectContaining({ status: 'pending', confirmationsSent: 3 }));
      expect(mailer.confirmation).toHaveBeenCalledTimes(1);
    });

    it('a pending address asked again within minutes, or a concurrent request winning the insert: the same answer, no email', async () => {
      qb.getOne.mockResolvedValue(subscriber('pending', { confirmationSentAt: new Date(NOW.getTime() - 30_000) }));
      await expect(subscribe()).resolves.toBe(SUBSCRIPTION_ACCEPTED);
      qb.getOne.mockResolvedValue(null);
      qb.execute.mockResolvedValue({ raw: [] });
      await expect(subscribe()).resolves.toBe(SUBSCRIPTION_ACCEPTED);
      expect(mailer.confirmation).not.toHaveBeenCalled();
      expect(mailer.alreadySubscribed).not.toHaveBeenCalled();
      expect(txRepo.update).not.toHaveBeenCalled();
    });

    it('refuses a plan that is not active (404) and a commitment not of the plan (422), writing nothing', async () => {
      plans.findOneBy.mockResolvedValueOnce(null);
      await expect(subscribe()).rejects.toMatchObject({ status: 404 });
      await expect(sut.subscribe(PLAN_ID, { email: 'a@b.example', language: 'es', commitmentIds: ['c-other'] }, NOW)).rejects.toMatchObject({ status: 422 });
      expect(transaction).not.toHaveBeenCalled();
    });
  });

  describe('confirm', () => {
    const token = (purpose: 'confirm' | 'manage' = 'confirm') => signSubscriberToken({ subscriberId: SUB_ID, purpose, expiresAt: new Date(NOW.getTime() + 3_600_000) }, SECRET);

    it('confirms a pending subscriber once, audited without the address', async () => {
      subscribers.findOneBy.mockResolvedValue(subscriber('pending'));
      const answer = await sut.confirm(token(), 'en', NOW);
      expect(answer).toMatchObject({ status: 200, language: 'es', page: { titleKey: 'subscriptionPage.confirmed.title' } });
      expect(manager.update).toHaveBeenCalledWith(SubscriberEntity, { id: SUB_ID, status: 'pending' }, expect.objectContaining({ status: 'confirmed', confirmedAt: NOW, consentedAt: NOW }));
      expect(audits.save).toHaveBeenCalledTimes(1);
      expect(JSON.stringify(audits.create.mock.calls)).not.toContain('ana@vecinos.example');
    });

    it('a confirmed address is not re-confirmed: its dates stay, nothing is written', async () => {
      subscribers.findOneBy.mockResolvedValue(subscriber('confirmed'));
      const answer = await sut.confirm(token(), 'en', NOW);
      expect(answer).toMatchObject({ status: 200, page: { titleKey: 'subscriptionPage.alreadyConfirmed.title' } });
      expect(transaction).not.toHaveBeenCalled();
      expect(manager.update).not.toHaveBeenCalled();
    });

    it('refuses an expired confirmation (410), an unsubscribed one (409), a manage token or an unknown subscriber (404)', async () => {
      subscribers.findOneBy.mockResolvedValue(subscriber('pending', { confirmExpiresAt: new Date(NOW.getTime() - 1) }));
      await expect(sut.confirm(token(), 'en', NOW)).resolves.toMatchObject({ status: 410 });
      subscribers.findOneBy.mockResolvedValue(subscriber('unsubscribed'));
      await expect(sut.confirm(token(), 'en', NOW)).resolves.toMatchObject({ status: 409 });
      await expect(sut.confirm(token('manage'), 'fr', NOW)).resolves.toMatchObject({ status: 404, language: 'fr' });
      subscribers.findOneBy.mockResolvedValue(null);
      await expect(sut.confirm(token(), 'en', NOW)).resolves.toMatchObject({ status: 404 });
      expect(transaction).not.toHaveBeenCalled();
    });
  });

  describe('unsubscribe', () => {
    const token = signSubscriberToken({ subscriberId: SUB_ID, purpose: 'manage', expiresAt: null }, SECRET);

    it('unsubscribes a confirmed subscriber and tells them; repeating it changes nothing', async () => {
      subscribers.findOneBy.mockResolvedValue(subscriber('confirmed'));
      await expect(sut.unsubscribe(token, 'en', NOW)).resolves.toMatchObject({ status: 200, page: { titleKey: 'subscriptionPage.unsubscribe.done.title' } });
      expect(manager.update).toHaveBeenCalledWith(SubscriberEntity, { id: SUB_ID, status: 'confirmed' }, { status: 'unsubscribed', unsubscribedAt: NOW });
      expect(mailer.unsubscribed).toHaveBeenCalledWith(expect.objectContaining({ id: SUB_ID, status: 'unsubscribed', unsubscribedAt: NOW }), plan, jurisdiction);

      subscribers.findOneBy.mockResolvedValue(subscriber('unsubscribed'));
      await expect(sut.unsubscribe(token, 'en', NOW)).resolves.toMatchObject({ status: 200 });
      expect(transaction).toHaveBeenCalledTimes(1);
      expect(mailer.unsubscribed).toHaveBeenCalledTimes(1);
    });

    it('a pending subscriber who unsubscribes gets no email; a row changed meanwhile is left alone', async () => {
      subscribers.findOneBy.mockResolvedValue(subscriber('pending'));
      await sut.unsubscribe(token, 'en', NOW);
      manager.update.mockResolvedValueOnce({ affected: 0, raw: [], generatedMaps: [] });
      subscribers.findOneBy.mockResolvedValue(subscriber('confirmed'));
      await sut.unsubscribe(token, 'en', NOW);
      expect(mailer.unsubscribed).not.toHaveBeenCalled();
      expect(audits.save).toHaveBeenCalledTimes(1);
    });
  });
});
