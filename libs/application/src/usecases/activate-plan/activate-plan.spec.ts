import type { DataSource } from 'typeorm';
import { PlanStatus } from '@app/domain';
import type { ActionPlanEntity } from '@app/persistence';
import { WorkflowEngineUnavailableError } from '@app/temporal';
import { PlanTransitionError, StaleVersionError } from '../../errors';
import { commitPlanStatus } from '../../plan-status';
import { SyncPlanCheckIns } from '../sync-plan-check-ins';
import { SyncPlanDigests } from '../sync-plan-digests';
import { SyncPlanWorkflows } from '../sync-plan-workflows';
import { ActivatePlan } from './activate-plan.usecase';
import { ActivatePlanCommand } from './activate-plan.command';

jest.mock('../../plan-status');

const PLAN_ID = '6f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const actor = { label: 'Coordinator', role: 'coordinator' };
const plan = (status: PlanStatus) => ({ id: PLAN_ID, status, jurisdictionId: 'j' }) as ActionPlanEntity;

describe(ActivatePlan.name, () => {
  let sut: ActivatePlan;
  let sync: jest.Mocked<Pick<SyncPlanWorkflows, 'execute'>>;
  let checkIns: jest.Mocked<Pick<SyncPlanCheckIns, 'execute'>>;
  let digests: jest.Mocked<Pick<SyncPlanDigests, 'execute'>>;
  const commit = jest.mocked(commitPlanStatus);
  const db = {} as DataSource;

  beforeEach(() => {
    jest.resetAllMocks();
    sync = { execute: jest.fn() };
    checkIns = { execute: jest.fn().mockResolvedValue({ planId: PLAN_ID, planStatus: 'active', schedule: 'created', triggered: true, actionItemsFollowed: 0 }) };
    digests = { execute: jest.fn().mockResolvedValue({ planId: PLAN_ID, planStatus: 'active', schedule: 'created' }) };
    sut = new ActivatePlan(db, sync as unknown as SyncPlanWorkflows, checkIns as unknown as SyncPlanCheckIns, digests as unknown as SyncPlanDigests);
    commit.mockResolvedValue({ before: plan(PlanStatus.Draft), after: plan(PlanStatus.Active) });
  });

  describe('execute', () => {
    const command = () => ActivatePlanCommand.create({ actor, planId: PLAN_ID, version: 3, changes: { title: 'Renamed' } });

    it('commits draft → active first, then hands every followed milestone over', async () => {
      sync.execute.mockResolvedValue({ planId: PLAN_ID, planStatus: 'active', handedOver: 2, cancelled: 0 });
      await expect(sut.execute(command())).resolves.toEqual({ plan: plan(PlanStatus.Active), workflowsChanged: 2, warnings: [] });
      expect(commit).toHaveBeenCalledWith(db, { actor, planId: PLAN_ID, version: 3, changes: { title: 'Renamed' }, from: PlanStatus.Draft, to: PlanStatus.Active, action: 'action_plan.activated' });
      expect(sync.execute).toHaveBeenCalledWith(expect.objectContaining({ planId: PLAN_ID, scope: 'all' }));
      expect(commit.mock.invocationCallOrder[0]).toBeLessThan(sync.execute.mock.invocationCallOrder[0]);
      expect(checkIns.execute).toHaveBeenCalledWith(expect.objectContaining({ planId: PLAN_ID }));
      expect(digests.execute).toHaveBeenCalledWith(expect.objectContaining({ planId: PLAN_ID, withoutSettings: 'leave' }));
      expect(commit.mock.invocationCallOrder[0]).toBeLessThan(checkIns.execute.mock.invocationCallOrder[0]);
    });

    it('answers the active plan with a warning when the Dialogue Board schedule cannot be created yet', async () => {
      sync.execute.mockResolvedValue({ planId: PLAN_ID, planStatus: 'active', handedOver: 2, cancelled: 0 });
      checkIns.execute.mockRejectedValue(new WorkflowEngineUnavailableError('unreachable', true));
      await expect(sut.execute(command())).resolves.toEqual({
        plan: plan(PlanStatus.Active),
        workflowsChanged: 2,
        warnings: [{ field: 'checkInSchedule', message: expect.stringContaining('Housekeeping brings the schedule in line') }],
      });
    });

    it('answers the committed plan with a warning when Temporal does not take the hand-over', async () => {
      sync.execute.mockRejectedValue(new WorkflowEngineUnavailableError('unreachable', true));
      const result = await sut.execute(command());
      expect(result).toMatchObject({ plan: { status: PlanStatus.Active }, workflowsChanged: 0, warnings: [{ field: 'status', message: expect.stringContaining(`POST /plans/${PLAN_ID}/workflows/sync`) }] });
      expect(result.warnings[0].message).toContain('Housekeeping hands them over');
    });

    it('lets any other hand-over error through', async () => {
      sync.execute.mockRejectedValue(new Error('bug'));
      await expect(sut.execute(command())).rejects.toThrow('bug');
    });

    it('refuses a plan that is not a draft, or a stale version, and hands nothing over', async () => {
      commit.mockRejectedValueOnce(new PlanTransitionError('A closed plan cannot become active'));
      await expect(sut.execute(command())).rejects.toBeInstanceOf(PlanTransitionError);
      commit.mockRejectedValueOnce(new StaleVersionError('action plan'));
      await expect(sut.execute(command())).rejects.toBeInstanceOf(StaleVersionError);
      expect(sync.execute).not.toHaveBeenCalled();
      expect(checkIns.execute).not.toHaveBeenCalled();
    });

    it('refuses an invalid command on construction', () => {
      expect(() => ActivatePlanCommand.create({ actor, planId: 'not-a-uuid', version: -1, changes: {} })).toThrow(/planId.*version|version.*planId/s);
    });
  });
});
