import type { DataSource } from 'typeorm';
import { PlanStatus } from '@app/domain';
import type { ActionPlanEntity } from '@app/persistence';
import { WorkflowEngineUnavailableError } from '@app/temporal';
import { PlanTransitionError } from '../../errors';
import { commitPlanStatus } from '../../plan-status';
import { SyncPlanCheckIns } from '../sync-plan-check-ins';
import { SyncPlanDigests } from '../sync-plan-digests';
import { SyncPlanWorkflows } from '../sync-plan-workflows';
import { ClosePlan } from './close-plan.usecase';
import { ClosePlanCommand } from './close-plan.command';

jest.mock('../../plan-status');

const PLAN_ID = '6f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const actor = { label: 'Coordinator', role: 'coordinator' };
const closed = { id: PLAN_ID, status: PlanStatus.Closed } as ActionPlanEntity;

describe(ClosePlan.name, () => {
  let sut: ClosePlan;
  let sync: jest.Mocked<Pick<SyncPlanWorkflows, 'execute'>>;
  let checkIns: jest.Mocked<Pick<SyncPlanCheckIns, 'execute'>>;
  let digests: jest.Mocked<Pick<SyncPlanDigests, 'execute'>>;
  const commit = jest.mocked(commitPlanStatus);
  const db = {} as DataSource;

  beforeEach(() => {
    jest.resetAllMocks();
    sync = { execute: jest.fn() };
    checkIns = { execute: jest.fn().mockResolvedValue({ planId: PLAN_ID, planStatus: 'closed', schedule: 'deleted', triggered: false, actionItemsFollowed: 0 }) };
    digests = { execute: jest.fn().mockResolvedValue({ planId: PLAN_ID, planStatus: 'closed', schedule: 'deleted' }) };
    sut = new ClosePlan(db, sync as unknown as SyncPlanWorkflows, checkIns as unknown as SyncPlanCheckIns, digests as unknown as SyncPlanDigests);
    commit.mockResolvedValue({ before: { ...closed, status: PlanStatus.Active } as ActionPlanEntity, after: closed });
  });

  describe('execute', () => {
    const command = () => ClosePlanCommand.create({ actor, planId: PLAN_ID, version: 4, changes: {} });

    it('commits active → closed, then tells every milestone workflow of the plan to end', async () => {
      sync.execute.mockResolvedValue({ planId: PLAN_ID, planStatus: 'closed', handedOver: 0, cancelled: 3 });
      await expect(sut.execute(command())).resolves.toEqual({ plan: closed, workflowsChanged: 3, warnings: [] });
      expect(commit).toHaveBeenCalledWith(db, expect.objectContaining({ from: PlanStatus.Active, to: PlanStatus.Closed, action: 'action_plan.closed' }));
      expect(sync.execute).toHaveBeenCalledWith(expect.objectContaining({ planId: PLAN_ID, scope: 'all' }));
      expect(checkIns.execute).toHaveBeenCalledWith(expect.objectContaining({ planId: PLAN_ID }));
      expect(digests.execute).toHaveBeenCalledWith(expect.objectContaining({ planId: PLAN_ID, withoutSettings: 'leave' }));
      expect(commit.mock.invocationCallOrder[0]).toBeLessThan(checkIns.execute.mock.invocationCallOrder[0]);
    });

    it('stays closed with a warning when the Dialogue Board schedule cannot be deleted (housekeeping deletes it)', async () => {
      sync.execute.mockResolvedValue({ planId: PLAN_ID, planStatus: 'closed', handedOver: 0, cancelled: 1 });
      checkIns.execute.mockRejectedValue(new WorkflowEngineUnavailableError('unreachable', true));
      await expect(sut.execute(command())).resolves.toEqual({ plan: closed, workflowsChanged: 1, warnings: [{ field: 'checkInSchedule', message: expect.stringContaining('could not be deleted yet') }] });
    });

    it('stays closed with a warning when the cancellations cannot be sent (housekeeping sends them)', async () => {
      sync.execute.mockRejectedValue(new WorkflowEngineUnavailableError('unreachable', true));
      await expect(sut.execute(command())).resolves.toMatchObject({ plan: closed, workflowsChanged: 0, warnings: [{ field: 'status', message: expect.stringContaining('could not be told to end') }] });
    });

    it('refuses a plan that is not active and tells no workflow', async () => {
      commit.mockRejectedValue(new PlanTransitionError('A draft plan cannot become closed'));
      await expect(sut.execute(command())).rejects.toBeInstanceOf(PlanTransitionError);
      expect(sync.execute).not.toHaveBeenCalled();
      expect(checkIns.execute).not.toHaveBeenCalled();
    });
  });
});
