import { HttpException, Logger } from '@nestjs/common';
import type { DataSource, EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import type { AppConfig } from '@app/config';
import { ERASED_ADDRESS } from '@app/domain';
import { AuditEventEntity, CommitmentEntity, SubscriberEntity } from '@app/persistence';
import { Actor, Role } from '../auth/actor';
import { PlanScope } from '../auth/plan-scope.service';
import { SubscribersService } from './subscribers.service';

const NOW = new Date('2027-03-01T12:00:00Z');
const PLAN_ID = '3f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const coordinator = { role: Role.Coordinator, label: 'Coordinator token', jurisdictionId: 'j1' } as Actor;
const config = { subscribers: { linkSecret: 's'.repeat(32), confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: 10 } } as AppConfig;

function subscriber(id: string, email: string, status: SubscriberEntity['status']): SubscriberEntity {
  return { id, planId: PLAN_ID, email, language: 'es', commitmentIds: [], status, consentSource: 'form', bounceCount: status === 'bounced' ? 3 : 0, createdAt: NOW } as unknown as SubscriberEntity;
}

const CSV_HEADER = 'email;language;commitment_external_ids;consented_at';

describe(SubscribersService.name, () => {
  let sut: SubscribersService;
  let qb: jest.Mocked<Pick<SelectQueryBuilder<SubscriberEntity>, 'where' | 'getOne' | 'getMany'>>;
  let subscribers: jest.Mocked<Pick<Repository<SubscriberEntity>, 'createQueryBuilder'>>;
  let commitments: jest.Mocked<Pick<Repository<CommitmentEntity>, 'findBy'>>;
  let manager: jest.Mocked<Pick<EntityManager, 'query' | 'delete' | 'getRepository'>>;
  let txRepo: { insert: jest.Mock; update: jest.Mock };
  let audits: { create: jest.Mock; save: jest.Mock };
  let transaction: jest.Mock;
  let scope: jest.Mocked<Pick<PlanScope, 'plan'>>;
  let logged: jest.SpyInstance;

  beforeEach(() => {
    qb = { where: jest.fn().mockReturnThis(), getOne: jest.fn().mockResolvedValue(null), getMany: jest.fn().mockResolvedValue([]) };
    subscribers = { createQueryBuilder: jest.fn(() => qb as unknown as SelectQueryBuilder<SubscriberEntity>) };
    commitments = { findBy: jest.fn().mockResolvedValue([{ id: 'c1', externalId: 'C-1' } as CommitmentEntity]) };
    txRepo = { insert: jest.fn().mockResolvedValue(undefined), update: jest.fn().mockResolvedValue(undefined) };
    audits = { create: jest.fn((event: object) => event), save: jest.fn().mockResolvedValue(undefined) };
    manager = {
      query: jest.fn().mockResolvedValue([[], 2]),
      delete: jest.fn().mockResolvedValue({ affected: 1 }),
      getRepository: jest.fn((entity: unknown) => (entity === AuditEventEntity ? audits : txRepo)) as never,
    };
    transaction = jest.fn((work: (m: EntityManager) => Promise<unknown>) => work(manager as unknown as EntityManager));
    scope = { plan: jest.fn().mockResolvedValue({ id: PLAN_ID, jurisdictionId: 'j1' }) };
    logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    sut = new SubscribersService(
      config,
      { transaction } as unknown as DataSource,
      subscribers as unknown as Repository<SubscriberEntity>,
      commitments as unknown as Repository<CommitmentEntity>,
      scope as unknown as PlanScope,
    );
  });

  afterEach(() => logged.mockRestore());

  describe('erase', () => {
    it('deletes the row and writes the placeholder over its outbox addresses; audit and log keep a hash, never the address', async () => {
      qb.getOne.mockResolvedValue(subscriber('s1', 'lucia@vecinos.example', 'confirmed'));
      await expect(sut.erase(coordinator, PLAN_ID, ' Lucia@Vecinos.Example')).resolves.toEqual({ planId: PLAN_ID, erased: true, outboxMessagesRedacted: 2 });
      expect(qb.where).toHaveBeenCalledWith(expect.any(String), { planId: PLAN_ID, email: 'lucia@vecinos.example' });
      expect(manager.query).toHaveBeenCalledWith(expect.stringMatching(/^UPDATE outbox_message SET to_address = \$1/), [ERASED_ADDRESS, 'lucia@vecinos.example', 's1']);
      expect(manager.delete).toHaveBeenCalledWith(SubscriberEntity, { id: 's1' });
      const [event] = audits.create.mock.calls[0] as [{ action: string; before: { emailHash: string }; after: unknown }];
      expect(event).toMatchObject({ action: 'subscriber.erased', entityId: 's1', after: null, before: { planId: PLAN_ID, emailHash: expect.stringMatching(/^[0-9a-f]{32}$/) } });
      expect(logged).toHaveBeenCalledWith(expect.objectContaining({ msg: 'subscriber erased', subscriberId: 's1', emailHash: event.before.emailHash }));
      expect(JSON.stringify([audits.create.mock.calls, logged.mock.calls]).toLowerCase()).not.toContain('lucia@');
    });

    it('answers 404 for an address the plan does not have, writing nothing', async () => {
      const error = await sut.erase(coordinator, PLAN_ID, 'nobody@vecinos.example').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpException);
      expect((error as HttpException).getStatus()).toBe(404);
      expect(transaction).not.toHaveBeenCalled();
    });

    it('refuses an actor the plan scope refuses, before looking the address up', async () => {
      scope.plan.mockRejectedValue(new HttpException('Forbidden', 403));
      await expect(sut.erase(coordinator, PLAN_ID, 'lucia@vecinos.example')).rejects.toBeInstanceOf(HttpException);
      expect(subscribers.createQueryBuilder).not.toHaveBeenCalled();
    });
  });

  describe('importCsv', () => {
    const csv = (...rows: string[]) => [CSV_HEADER, ...rows].join('\n');

    it('refuses addresses that unsubscribed or bounced (their withdrawal stands): per-row errors in a dry run, 422 and nothing written otherwise', async () => {
      qb.getMany.mockResolvedValue([subscriber('s1', 'gone@vecinos.example', 'unsubscribed'), subscriber('s2', 'Bounced@Vecinos.Example', 'bounced')]);
      const file = csv('new@vecinos.example;es;C-1;2026-12-01', 'GONE@vecinos.example;en;;2026-12-01', 'bounced@vecinos.example;pt;;2026-12-01');

      const report = await sut.importCsv(coordinator, PLAN_ID, file, true, NOW);
      expect(report).toMatchObject({ dryRun: true, valid: false, errors: [{ line: 3, field: 'email', message: expect.stringContaining('unsubscribed') }, { line: 4, field: 'email', message: expect.stringContaining('bounced') }] });
      expect(JSON.stringify(report)).not.toMatch(/gone@|bounced@/i);

      const error = await sut.importCsv(coordinator, PLAN_ID, file, false, NOW).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpException);
      expect((error as HttpException).getStatus()).toBe(422);
      expect(transaction).not.toHaveBeenCalled();
      expect(scope.plan).toHaveBeenCalledWith(coordinator, PLAN_ID, 'write');
    });

    it('creates new addresses as confirmed (consent source import), confirms a pending one, leaves a confirmed one as it was', async () => {
      qb.getMany.mockResolvedValue([subscriber('s1', 'pending@vecinos.example', 'pending'), subscriber('s2', 'known@vecinos.example', 'confirmed')]);
      const report = await sut.importCsv(coordinator, PLAN_ID, csv('new@vecinos.example;es;C-1;2026-12-01', 'pending@vecinos.example;en;;2026-12-01', 'known@vecinos.example;fr;;2026-12-01'), false, NOW);
      expect(report).toEqual({ dryRun: false, valid: true, errors: [], planId: PLAN_ID, summary: { rows: 3, created: 1, confirmed: 1, unchanged: 1 } });
      expect(txRepo.insert).toHaveBeenCalledTimes(1);
      expect(txRepo.insert).toHaveBeenCalledWith(expect.objectContaining({ planId: PLAN_ID, email: 'new@vecinos.example', status: 'confirmed', consentSource: 'import', commitmentIds: ['c1'], consentedAt: new Date('2026-12-01T00:00:00Z'), confirmedAt: NOW }));
      expect(txRepo.update).toHaveBeenCalledTimes(1);
      expect(txRepo.update).toHaveBeenCalledWith({ id: 's1' }, expect.objectContaining({ status: 'confirmed', consentSource: 'import', language: 'en', confirmExpiresAt: null }));
      expect(audits.create).toHaveBeenCalledWith(expect.objectContaining({ action: 'subscribers.imported', after: { rows: 3, created: 1, confirmed: 1, unchanged: 1 } }));
    });

    it('a dry run writes nothing, even when every row is valid', async () => {
      const report = await sut.importCsv(coordinator, PLAN_ID, csv('new@vecinos.example;es;;2026-12-01'), true, NOW);
      expect(report).toMatchObject({ dryRun: true, valid: true, summary: { created: 1 } });
      expect(transaction).not.toHaveBeenCalled();
    });

    it('names an unknown commitment external id by line and column', async () => {
      const report = await sut.importCsv(coordinator, PLAN_ID, csv('new@vecinos.example;es;C-9;2026-12-01'), true, NOW);
      expect(report.errors).toEqual([{ line: 2, field: 'commitment_external_ids', message: 'no commitment of this plan has external id "C-9"' }]);
    });
  });
});
