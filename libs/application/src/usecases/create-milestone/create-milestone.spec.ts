import type { DataSource, EntityManager } from 'typeorm';
import { MilestoneStatus, PlanStatus } from '@app/domain';
import { ActionPlanEntity, MilestoneEntity, MilestoneRepository, recordAudit } from '@app/persistence';
import { WorkflowEngineUnavailableError } from '@app/temporal';
import { InvalidCommandError } from '../../base-command';
import { RuleViolationError } from '../../errors';
import { MilestoneWorkflowSync, WorkflowEffect } from '../../milestone-workflow-sync.service';
import { CreateMilestone } from './create-milestone.usecase';
import { CreateMilestoneCommand } from './create-milestone.command';
import { newMilestone } from './new-milestone';

jest.mock('@app/persistence', () => ({ ...jest.requireActual('@app/persistence'), recordAudit: jest.fn() }));

const COMMITMENT_ID = '5a1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const AGENCY_ID = '7b1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const actor = { label: 'Coordinator', role: 'coordinator' };
const plan = { id: 'p1', jurisdictionId: 'j1', status: PlanStatus.Active, periodStart: '2026-01-01', periodEnd: '2027-12-31' } as ActionPlanEntity;
const following: WorkflowEffect = { workflowId: 'milestone-m1', commitmentWorkflowId: `commitment-${COMMITMENT_ID}`, effect: 'following' };

describe(CreateMilestone.name, () => {
  let sut: CreateMilestone;
  let milestones: jest.Mocked<Pick<MilestoneRepository, 'withManager' | 'hasWeights' | 'insert' | 'delete'>>;
  let sync: jest.Mocked<Pick<MilestoneWorkflowSync, 'start' | 'cancel'>>;
  let manager: jest.Mocked<Pick<EntityManager, 'findOneBy'>>;
  let db: jest.Mocked<Pick<DataSource, 'transaction'>>;
  const audit = jest.mocked(recordAudit);

  beforeEach(() => {
    jest.resetAllMocks();
    manager = { findOneBy: jest.fn().mockResolvedValue({ id: AGENCY_ID, jurisdictionId: 'j1' }) };
    db = { transaction: jest.fn((work: (m: EntityManager) => Promise<unknown>) => work(manager as unknown as EntityManager)) as unknown as jest.Mocked<DataSource>['transaction'] };
    milestones = { withManager: jest.fn(), hasWeights: jest.fn().mockResolvedValue(false), insert: jest.fn(async (fields) => ({ ...fields, id: 'm1' }) as MilestoneEntity), delete: jest.fn() };
    milestones.withManager.mockReturnValue(milestones as unknown as MilestoneRepository);
    sync = { start: jest.fn().mockResolvedValue(following), cancel: jest.fn().mockResolvedValue(following) };
    sut = new CreateMilestone(db as unknown as DataSource, milestones as unknown as MilestoneRepository, sync as unknown as MilestoneWorkflowSync);
  });

  describe('execute', () => {
    const command = (fields: Partial<CreateMilestoneCommand> = {}) =>
      CreateMilestoneCommand.create({
        actor,
        plan,
        commitmentId: COMMITMENT_ID,
        title: 'Inventory published',
        startAt: new Date('2026-03-01T00:00:00Z'),
        dueAt: new Date('2026-06-30T00:00:00Z'),
        responsibleAgencyId: AGENCY_ID,
        externalId: 'C1.1',
        ...fields,
      });

    it('saves the milestone with its defaults, audits it in the same transaction and hands it over after the commit', async () => {
      const result = await sut.execute(command());
      const expected = newMilestone({ commitmentId: COMMITMENT_ID, title: 'Inventory published', startAt: new Date('2026-03-01T00:00:00Z'), dueAt: new Date('2026-06-30T00:00:00Z'), responsibleAgencyId: AGENCY_ID, externalId: 'C1.1', weight: null });
      expect(result).toEqual({ milestone: { ...expected, id: 'm1' }, workflow: following, warnings: [] });
      expect(milestones.insert).toHaveBeenCalledWith(expected);
      expect(expected).toMatchObject({ status: MilestoneStatus.NotStarted, originalDueAt: new Date('2026-06-30T00:00:00Z'), verifiable: true, weight: null, completion: null, cancelledReason: null });
      expect(manager.findOneBy).toHaveBeenCalledWith(expect.anything(), { id: AGENCY_ID, jurisdictionId: 'j1' });
      expect(milestones.withManager).toHaveBeenCalledWith(manager);
      expect(audit).toHaveBeenCalledWith(manager, { jurisdictionId: 'j1', actor, action: 'milestone.created', entityType: 'milestone', entityId: 'm1', after: result.milestone });
      expect(sync.start).toHaveBeenCalledWith(result.milestone, plan);
      expect(db.transaction.mock.invocationCallOrder[0]).toBeLessThan(sync.start.mock.invocationCallOrder[0]);
    });

    it('gives the newcomer of a weighted commitment weight 0, with a warning', async () => {
      milestones.hasWeights.mockResolvedValue(true);
      const result = await sut.execute(command());
      expect(milestones.hasWeights).toHaveBeenCalledWith(COMMITMENT_ID);
      expect(milestones.insert).toHaveBeenCalledWith(expect.objectContaining({ weight: 0 }));
      expect(result.warnings).toEqual([{ field: 'weight', message: expect.stringContaining('PUT /commitments/{id}/milestone-weights') }]);
    });

    it('refuses dates outside the plan’s period, naming the field, and writes nothing', async () => {
      const refusal = sut.execute(command({ dueAt: new Date('2028-02-01T00:00:00Z') }));
      await expect(refusal).rejects.toBeInstanceOf(RuleViolationError);
      await expect(refusal).rejects.toMatchObject({ violations: [expect.objectContaining({ field: 'dueAt' })] });
      expect(db.transaction).not.toHaveBeenCalled();
      expect(sync.start).not.toHaveBeenCalled();
    });

    it('refuses an agency of another jurisdiction and hands nothing over', async () => {
      manager.findOneBy.mockResolvedValue(null);
      await expect(sut.execute(command())).rejects.toEqual(new RuleViolationError([{ field: 'responsibleAgencyId', message: "responsibleAgencyId must name an agency of the plan's jurisdiction" }]));
      expect(milestones.insert).not.toHaveBeenCalled();
      expect(audit).not.toHaveBeenCalled();
      expect(sync.start).not.toHaveBeenCalled();
    });

    it('rolls the milestone back with an audit event when the hand-over fails, and lets the error through', async () => {
      const unreachable = new WorkflowEngineUnavailableError('The workflow engine could not be told about the change, so nothing was saved; try again.', true);
      sync.start.mockRejectedValue(unreachable);
      await expect(sut.execute(command())).rejects.toBe(unreachable);
      const created = expect.objectContaining({ id: 'm1', externalId: 'C1.1' });
      expect(sync.cancel).toHaveBeenCalledWith(created, plan, 'The milestone was not created');
      expect(milestones.delete).toHaveBeenCalledWith('m1');
      expect(audit).toHaveBeenLastCalledWith(manager, { jurisdictionId: 'j1', actor, action: 'milestone.creation_rolled_back', entityType: 'milestone', entityId: 'm1', before: created });
    });

    it('still rolls back when taking the signal back fails too', async () => {
      sync.start.mockRejectedValue(new WorkflowEngineUnavailableError('unreachable', true));
      sync.cancel.mockRejectedValue(new WorkflowEngineUnavailableError('unreachable', true));
      await expect(sut.execute(command())).rejects.toBeInstanceOf(WorkflowEngineUnavailableError);
      expect(milestones.delete).toHaveBeenCalledWith('m1');
    });

    it('refuses an invalid command on construction', () => {
      expect(() => command({ commitmentId: 'not-a-uuid' })).toThrow(InvalidCommandError);
    });
  });
});

describe(newMilestone.name, () => {
  it('keeps what a plan document carries: the approved date, a cancellation, weight and completion', () => {
    const startAt = new Date('2026-03-01T00:00:00Z');
    const dueAt = new Date('2026-09-30T00:00:00Z');
    const originalDueAt = new Date('2026-06-30T00:00:00Z');
    expect(newMilestone({ commitmentId: 'c1', title: 'T', startAt, dueAt, originalDueAt, responsibleAgencyId: 'a1', weight: 0.5, completion: 'limited', cancelledReason: 'Dropped', verifiable: false })).toEqual({
      commitmentId: 'c1',
      title: 'T',
      expectedOutput: null,
      startAt,
      dueAt,
      originalDueAt,
      responsibleAgencyId: 'a1',
      status: MilestoneStatus.Cancelled,
      weight: 0.5,
      verifiable: false,
      externalId: null,
      completion: 'limited',
      cancelledReason: 'Dropped',
    });
  });
});
