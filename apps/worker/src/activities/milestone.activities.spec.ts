/**
 * MilestoneActivities.raiseEscalation with typed mocks: the rules it keeps itself (one open level per
 * milestone, a plan with nobody to tell is a non-retryable failure) and the ones it takes from the
 * domain (who is told, the outbox keys).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { DataSource, EntityTarget, In, ObjectLiteral, Repository } from 'typeorm';
import type { AppConfig } from '@app/config';
import type { OutboxService } from '@app/mail';
import { ActionPlanEntity, AgencyEntity, CommitmentEntity, CommitmentRepository, EscalationEntity, EscalationStatus, JurisdictionEntity, MilestoneEntity, MilestoneRepository } from '@app/persistence';
import { MilestoneActivities } from './milestone.activities';

type RepoMock = { findOneByOrFail: jest.Mock; update: jest.Mock; createQueryBuilder: jest.Mock };

function newTestActivities(rows: { imbContacts: { email: string }[]; officeContacts: { email: string }[] }) {
  const insert = { insert: jest.fn(), values: jest.fn(), orIgnore: jest.fn(), execute: jest.fn().mockResolvedValue(undefined) };
  insert.insert.mockReturnValue(insert);
  insert.values.mockReturnValue(insert);
  insert.orIgnore.mockReturnValue(insert);
  const repo = (row: object): RepoMock => ({ findOneByOrFail: jest.fn().mockResolvedValue(row), update: jest.fn().mockResolvedValue({ affected: 1 }), createQueryBuilder: jest.fn().mockReturnValue(insert) });
  const repos = new Map<EntityTarget<ObjectLiteral>, RepoMock>([
    [EscalationEntity, repo({ id: 'esc-1' })],
    [ActionPlanEntity, repo({ id: 'p-1', jurisdictionId: 'j-1', imbContacts: rows.imbContacts })],
    [JurisdictionEntity, repo({ id: 'j-1', name: 'Rosario', officeContacts: rows.officeContacts, defaultLanguage: 'en', timeZone: 'UTC' })],
    [AgencyEntity, repo({ id: 'a-1', name: 'Secretariat' })],
  ]);
  const milestones: jest.Mocked<Pick<MilestoneRepository, 'getById'>> = {
    getById: jest.fn().mockResolvedValue({ id: 'm-1', commitmentId: 'c-1', responsibleAgencyId: 'a-1', title: 'Inventory', dueAt: new Date('2026-06-30T00:00:00Z') } as MilestoneEntity),
  };
  const commitments: jest.Mocked<Pick<CommitmentRepository, 'getById'>> = { getById: jest.fn().mockResolvedValue({ id: 'c-1', planId: 'p-1', title: 'Open data' } as CommitmentEntity) };
  const db = { getRepository: jest.fn((entity: EntityTarget<ObjectLiteral>) => repos.get(entity) as unknown as Repository<ObjectLiteral>) } as unknown as jest.Mocked<DataSource>;
  const outbox = { send: jest.fn().mockResolvedValue('sent') } as unknown as jest.Mocked<OutboxService>;
  const config = { uploadLinkSecret: 'secret', publicBaseUrl: 'http://localhost' } as AppConfig;
  return { sut: new MilestoneActivities(db, milestones as unknown as MilestoneRepository, commitments as unknown as CommitmentRepository, outbox, config), outbox, repos, insert, milestones, commitments };
}

describe(MilestoneActivities.name, () => {
  describe('raiseEscalation', () => {
    it('records the escalation once and emails the IMB and office contacts, each address once, keyed by level and address', async () => {
      const { sut, outbox, insert, repos, milestones, commitments } = newTestActivities({ imbContacts: [{ email: 'imb@x.org' }, { email: 'both@x.org' }], officeContacts: [{ email: 'both@x.org' }, { email: 'office@x.org' }] });
      await expect(sut.raiseEscalation({ milestoneId: 'm-1', cycle: 1, level: 1, reason: 'overdue' })).resolves.toEqual({ escalationId: 'esc-1' });
      expect(milestones.getById).toHaveBeenCalledWith('m-1');
      expect(commitments.getById).toHaveBeenCalledWith('c-1');
      expect(insert.values).toHaveBeenCalledWith({ milestoneId: 'm-1', cycle: 1, level: 1, reason: 'overdue', status: EscalationStatus.Open });
      expect(insert.orIgnore).toHaveBeenCalled();
      expect(repos.get(EscalationEntity)!.update).not.toHaveBeenCalled();
      const sent = (outbox.send as jest.Mock).mock.calls.map(([message]) => [message.to, message.idempotencyKey]);
      expect(sent).toEqual([
        ['imb@x.org', 'escalation:m-1:1:1:imb@x.org'],
        ['both@x.org', 'escalation:m-1:1:1:both@x.org'],
        ['office@x.org', 'escalation:m-1:1:1:office@x.org'],
      ]);
    });

    it('supersedes the open lower level when it raises the second', async () => {
      const { sut, repos } = newTestActivities({ imbContacts: [{ email: 'imb@x.org' }], officeContacts: [] });
      await sut.raiseEscalation({ milestoneId: 'm-1', cycle: 2, level: 2, reason: 'overdue' });
      expect(repos.get(EscalationEntity)!.update).toHaveBeenCalledWith(
        { milestoneId: 'm-1', cycle: 2, level: 1, status: In([EscalationStatus.Open, EscalationStatus.Acknowledged]) },
        expect.objectContaining({ status: EscalationStatus.Resolved, resolution: 'Raised to level 2' }),
      );
    });

    it('fails for good, sending nothing, when the plan has nobody to tell', async () => {
      const { sut, outbox } = newTestActivities({ imbContacts: [], officeContacts: [] });
      await expect(sut.raiseEscalation({ milestoneId: 'm-1', cycle: 1, level: 1, reason: 'returned_again' })).rejects.toBeInstanceOf(ApplicationFailure);
      expect(outbox.send).not.toHaveBeenCalled();
    });
  });
});
