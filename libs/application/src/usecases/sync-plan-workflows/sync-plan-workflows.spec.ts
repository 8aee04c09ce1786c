import type { Repository } from 'typeorm';
import { MilestoneStatus, PlanStatus } from '@app/domain';
import type { ActionPlanEntity, MilestoneEntity, MilestoneRepository } from '@app/persistence';
import { CommitmentWorkflows, WorkflowEngineUnavailableError } from '@app/temporal';
import { MilestoneWorkflowSync } from '../../milestone-workflow-sync.service';
import { SyncPlanWorkflows } from './sync-plan-workflows.usecase';
import { SyncPlanWorkflowsCommand } from './sync-plan-workflows.command';

const PLAN_ID = '6f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const milestone = (id: string, status = MilestoneStatus.Open) => ({ id, commitmentId: 'c1', status, cancelledReason: null }) as MilestoneEntity;
const plan = (status: PlanStatus) => ({ id: PLAN_ID, status }) as ActionPlanEntity;

describe(SyncPlanWorkflows.name, () => {
  let sut: SyncPlanWorkflows;
  let plans: jest.Mocked<Pick<Repository<ActionPlanEntity>, 'findOneByOrFail'>>;
  let milestones: jest.Mocked<Pick<MilestoneRepository, 'followedOfPlan' | 'findByIds'>>;
  let sync: jest.Mocked<Pick<MilestoneWorkflowSync, 'follow' | 'cancelWorkflow'>>;
  let workflows: jest.Mocked<Pick<CommitmentWorkflows, 'runningMilestones'>>;

  beforeEach(() => {
    plans = { findOneByOrFail: jest.fn() };
    milestones = { followedOfPlan: jest.fn().mockResolvedValue([milestone('m1'), milestone('m2')]), findByIds: jest.fn().mockResolvedValue([]) };
    sync = { follow: jest.fn().mockResolvedValue(undefined), cancelWorkflow: jest.fn().mockResolvedValue(undefined) };
    workflows = { runningMilestones: jest.fn().mockResolvedValue([]) };
    sut = new SyncPlanWorkflows(plans as unknown as Repository<ActionPlanEntity>, milestones as unknown as MilestoneRepository, sync as unknown as MilestoneWorkflowSync, workflows as unknown as CommitmentWorkflows);
  });

  describe('execute', () => {
    it('active plan, scope all: hands every followed milestone over without asking Temporal what runs', async () => {
      plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Active));
      await expect(sut.execute(SyncPlanWorkflowsCommand.create({ planId: PLAN_ID, scope: 'all' }))).resolves.toEqual({ planId: PLAN_ID, planStatus: 'active', handedOver: 2, cancelled: 0 });
      expect(milestones.followedOfPlan).toHaveBeenCalledWith(PLAN_ID);
      expect(sync.follow.mock.calls.map(([m]) => m.id)).toEqual(['m1', 'm2']);
      expect(workflows.runningMilestones).not.toHaveBeenCalled();
    });

    it('active plan, scope missing: follows only milestones with no running workflow, and ends a cancelled milestone’s workflow', async () => {
      plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Active));
      workflows.runningMilestones.mockResolvedValue([{ milestoneId: 'm1', commitmentId: 'c1' }, { milestoneId: 'm9', commitmentId: 'c1' }]);
      milestones.findByIds.mockResolvedValue([{ ...milestone('m9', MilestoneStatus.Cancelled), cancelledReason: 'Dropped' } as MilestoneEntity]);
      await expect(sut.execute(SyncPlanWorkflowsCommand.create({ planId: PLAN_ID, scope: 'missing' }))).resolves.toEqual({ planId: PLAN_ID, planStatus: 'active', handedOver: 1, cancelled: 1 });
      expect(sync.follow.mock.calls.map(([m]) => m.id)).toEqual(['m2']);
      expect(milestones.findByIds).toHaveBeenCalledWith(['m1', 'm9'], MilestoneStatus.Cancelled);
      expect(sync.cancelWorkflow).toHaveBeenCalledWith('m9', 'c1', 'Dropped');
    });

    it('closed plan: cancels what runs (and, with scope all, every followed milestone), through the commitment workflow', async () => {
      plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Closed));
      workflows.runningMilestones.mockResolvedValue([{ milestoneId: 'm3', commitmentId: 'c2' }]);
      milestones.findByIds.mockResolvedValue([{ ...milestone('m3'), commitmentId: 'c2' } as MilestoneEntity]);
      await expect(sut.execute(SyncPlanWorkflowsCommand.create({ planId: PLAN_ID, scope: 'all' }))).resolves.toMatchObject({ planStatus: 'closed', handedOver: 0, cancelled: 3 });
      expect(sync.cancelWorkflow.mock.calls).toEqual([
        ['m1', 'c1', 'The action plan was closed'],
        ['m2', 'c1', 'The action plan was closed'],
        ['m3', 'c2', 'The action plan was closed'],
      ]);
      expect(milestones.findByIds).toHaveBeenCalledWith(['m3']);
      expect(sync.follow).not.toHaveBeenCalled();
    });

    it('draft plan, scope missing: ends only workflows that run', async () => {
      plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Draft));
      workflows.runningMilestones.mockResolvedValue([{ milestoneId: 'm1', commitmentId: 'c1' }]);
      milestones.findByIds.mockResolvedValue([milestone('m1')]);
      await expect(sut.execute(SyncPlanWorkflowsCommand.create({ planId: PLAN_ID, scope: 'missing' }))).resolves.toMatchObject({ planStatus: 'draft', cancelled: 1 });
      expect(sync.cancelWorkflow).toHaveBeenCalledWith('m1', 'c1', 'The action plan is not active');
    });

    it('lets Temporal being out of reach through (the caller warns, housekeeping retries)', async () => {
      plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Active));
      sync.follow.mockRejectedValue(new WorkflowEngineUnavailableError('unreachable', true));
      await expect(sut.execute(SyncPlanWorkflowsCommand.create({ planId: PLAN_ID, scope: 'all' }))).rejects.toBeInstanceOf(WorkflowEngineUnavailableError);
    });

    it('refuses a plan that does not exist', async () => {
      plans.findOneByOrFail.mockRejectedValue(new Error('EntityNotFound'));
      await expect(sut.execute(SyncPlanWorkflowsCommand.create({ planId: PLAN_ID, scope: 'all' }))).rejects.toThrow('EntityNotFound');
      expect(sync.follow).not.toHaveBeenCalled();
    });
  });
});
