import type { Repository } from 'typeorm';
import { ActionItemStatus, CheckInStatus, DEFAULT_CHECK_IN_POLICY, MeetingMode, PlanStatus } from '@app/domain';
import type { ActionItemEntity, ActionPlanEntity, CheckInEntity, CheckInScheduleEntity, JurisdictionEntity } from '@app/persistence';
import { CheckInWorkflows, DialogueBoardSchedules } from '@app/temporal';
import { CHECK_IN_CATCHUP_WINDOW_SECONDS, CHECK_IN_NUDGE_WINDOW_SECONDS, SyncPlanCheckIns } from './sync-plan-check-ins.usecase';
import { SyncPlanCheckInsCommand } from './sync-plan-check-ins.command';

const PLAN_ID = '6f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const calendar = { hour: [{ start: 18 }], minute: [{ start: 0 }], dayOfWeek: ['TUESDAY' as const] };
const plan = (status: PlanStatus) => ({ id: PLAN_ID, status, jurisdictionId: 'j1' }) as ActionPlanEntity;
const settings = (paused = false) => ({ planId: PLAN_ID, calendar, mode: MeetingMode.InPerson, paused }) as unknown as CheckInScheduleEntity;

describe(SyncPlanCheckIns.name, () => {
  let sut: SyncPlanCheckIns;
  let plans: jest.Mocked<Pick<Repository<ActionPlanEntity>, 'findOneByOrFail'>>;
  let jurisdictions: jest.Mocked<Pick<Repository<JurisdictionEntity>, 'findOneByOrFail'>>;
  let schedulesRepo: jest.Mocked<Pick<Repository<CheckInScheduleEntity>, 'findOneBy'>>;
  let checkIns: jest.Mocked<Pick<Repository<CheckInEntity>, 'existsBy' | 'query'>>;
  let actionItems: jest.Mocked<Pick<Repository<ActionItemEntity>, 'find'>>;
  let schedules: jest.Mocked<Pick<DialogueBoardSchedules, 'upsert' | 'trigger' | 'delete'>>;
  let workflows: jest.Mocked<Pick<CheckInWorkflows, 'followActionItem' | 'changed' | 'cancelled' | 'closed'>>;
  const run = () => sut.execute(SyncPlanCheckInsCommand.create({ planId: PLAN_ID }));

  beforeEach(() => {
    plans = { findOneByOrFail: jest.fn().mockResolvedValue(plan(PlanStatus.Active)) };
    jurisdictions = { findOneByOrFail: jest.fn().mockResolvedValue({ id: 'j1', timeZone: 'Europe/Madrid' }) };
    schedulesRepo = { findOneBy: jest.fn().mockResolvedValue(settings()) };
    checkIns = { existsBy: jest.fn().mockResolvedValue(true), query: jest.fn().mockResolvedValue([]) };
    actionItems = { find: jest.fn().mockResolvedValue([{ id: 'a1' }, { id: 'a2' }]) };
    schedules = { upsert: jest.fn().mockResolvedValue('unchanged'), trigger: jest.fn().mockResolvedValue(undefined), delete: jest.fn().mockResolvedValue(undefined) };
    workflows = {
      followActionItem: jest.fn().mockResolvedValue(undefined),
      changed: jest.fn().mockResolvedValue(undefined),
      cancelled: jest.fn().mockResolvedValue(undefined),
      closed: jest.fn().mockResolvedValue(undefined),
    };
    sut = new SyncPlanCheckIns(
      plans as unknown as Repository<ActionPlanEntity>,
      jurisdictions as unknown as Repository<JurisdictionEntity>,
      schedulesRepo as unknown as Repository<CheckInScheduleEntity>,
      checkIns as unknown as Repository<CheckInEntity>,
      actionItems as unknown as Repository<ActionItemEntity>,
      schedules as unknown as DialogueBoardSchedules,
      workflows as unknown as CheckInWorkflows,
    );
  });

  describe('execute', () => {
    it('active plan with settings: the schedule in the jurisdiction’s zone; a new one is triggered once; open action items followed', async () => {
      schedules.upsert.mockResolvedValue('created');
      await expect(run()).resolves.toEqual({ planId: PLAN_ID, planStatus: 'active', schedule: 'created', triggered: true, actionItemsFollowed: 2 });
      expect(schedules.upsert).toHaveBeenCalledWith(PLAN_ID, { calendar, timeZone: 'Europe/Madrid', paused: false, catchupWindowSeconds: CHECK_IN_CATCHUP_WINDOW_SECONDS });
      expect(schedules.trigger).toHaveBeenCalledWith(PLAN_ID);
      expect(actionItems.find).toHaveBeenCalledWith(expect.objectContaining({ where: { planId: PLAN_ID, status: ActionItemStatus.Open } }));
      expect(workflows.followActionItem.mock.calls).toEqual([['a1'], ['a2']]);
    });

    it('an existing schedule with a meeting prepared ahead is not triggered', async () => {
      await expect(run()).resolves.toMatchObject({ schedule: 'unchanged', triggered: false });
      expect(schedules.trigger).not.toHaveBeenCalled();
    });

    it('an existing schedule with no meeting prepared ahead (an outage past the catch-up window) is triggered', async () => {
      checkIns.existsBy.mockResolvedValue(false);
      await expect(run()).resolves.toMatchObject({ schedule: 'unchanged', triggered: true });
    });

    it('paused settings: the schedule is kept paused and never triggered', async () => {
      schedulesRepo.findOneBy.mockResolvedValue(settings(true));
      schedules.upsert.mockResolvedValue('created');
      await expect(run()).resolves.toMatchObject({ schedule: 'created', triggered: false });
      expect(schedules.upsert).toHaveBeenCalledWith(PLAN_ID, expect.objectContaining({ paused: true }));
      expect(schedules.trigger).not.toHaveBeenCalled();
    });

    it('a closed plan, or an active one without settings, has no schedule', async () => {
      plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Closed));
      await expect(run()).resolves.toMatchObject({ schedule: 'deleted', triggered: false, actionItemsFollowed: 0 });
      plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Active));
      schedulesRepo.findOneBy.mockResolvedValue(null);
      await expect(run()).resolves.toMatchObject({ schedule: 'deleted' });
      expect(schedules.delete).toHaveBeenCalledTimes(2);
      expect(schedules.upsert).not.toHaveBeenCalled();
    });

    it('withoutSettings leave (activation, closing): a plan without settings asks Temporal nothing; a closed one with settings loses its schedule', async () => {
      schedulesRepo.findOneBy.mockResolvedValue(null);
      await expect(sut.execute(SyncPlanCheckInsCommand.create({ planId: PLAN_ID, withoutSettings: 'leave' }))).resolves.toMatchObject({ schedule: 'none' });
      expect(schedules.delete).not.toHaveBeenCalled();
      plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Closed));
      schedulesRepo.findOneBy.mockResolvedValue(settings());
      await expect(sut.execute(SyncPlanCheckInsCommand.create({ planId: PLAN_ID, withoutSettings: 'leave' }))).resolves.toMatchObject({ schedule: 'deleted' });
      expect(schedules.upsert).not.toHaveBeenCalled();
    });

    it('a draft plan never had a schedule: Temporal is not asked', async () => {
      plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Draft));
      await expect(run()).resolves.toMatchObject({ schedule: 'none' });
      expect(schedules.delete).not.toHaveBeenCalled();
      expect(schedules.upsert).not.toHaveBeenCalled();
    });

    it('lets the gateway’s errors through (the caller decides: a warning after a commit, a failed plan in housekeeping)', async () => {
      schedules.upsert.mockRejectedValue(new Error('unreachable'));
      await expect(run()).rejects.toThrow('unreachable');
      expect(workflows.followActionItem).not.toHaveBeenCalled();
    });
  });

  describe('execute with nudgeCheckIns (housekeeping)', () => {
    const nudge = () => sut.execute(SyncPlanCheckInsCommand.create({ planId: PLAN_ID, nudgeCheckIns: true }));
    const row = (id: string, status: CheckInStatus, sequence = 0) => ({ id, status, sequence });

    it('signals each check-in as its status says: a moved scheduled one, an invited one whose SEQUENCE has no email yet, cancelled, closed', async () => {
      checkIns.query
        .mockResolvedValueOnce([
          row('s0', CheckInStatus.Scheduled),
          row('s1', CheckInStatus.Scheduled, 1),
          row('i-sent', CheckInStatus.Invited, 2),
          row('i-owed', CheckInStatus.Invited, 3),
          row('c', CheckInStatus.Cancelled, 4),
          row('x', CheckInStatus.Closed, 1),
        ])
        .mockResolvedValueOnce([{ key: 'check-in-update:i-sent:2:ana@example.org' }, { key: 'check-in-invitation:i-owed:0:ana@example.org' }]);
      await expect(nudge()).resolves.toMatchObject({ checkInsNudged: 4 });
      expect(workflows.changed.mock.calls).toEqual([['s1'], ['i-owed']]);
      expect(workflows.cancelled.mock.calls).toEqual([['c']]);
      expect(workflows.closed.mock.calls).toEqual([['x']]);
    });

    it('asks for the plan’s check-ins in the window (its close reminder plus a day; cancelled or closed in the last day) and the outbox keys of the current SEQUENCE', async () => {
      schedulesRepo.findOneBy.mockResolvedValue({ ...settings(), policy: { closeReminderAfterSeconds: 600 } } as unknown as CheckInScheduleEntity);
      checkIns.query.mockResolvedValueOnce([row('i', CheckInStatus.Invited, 1)]).mockResolvedValueOnce([]);
      await nudge();
      const [sql, params] = checkIns.query.mock.calls[0];
      expect(sql).toContain('FROM check_in c');
      expect(params).toEqual([PLAN_ID, 'scheduled', 'invited', 'cancelled', 'closed', 600 + CHECK_IN_NUDGE_WINDOW_SECONDS, CHECK_IN_NUDGE_WINDOW_SECONDS]);
      expect(checkIns.query.mock.calls[1][1]).toEqual([['check-in-invitation:i:1:%', 'check-in-update:i:1:%']]);
      expect(workflows.changed).toHaveBeenCalledWith('i');
    });

    it('a plan without settings: the default policy’s window; the outbox is not asked when nothing was invited', async () => {
      schedulesRepo.findOneBy.mockResolvedValue(null);
      checkIns.query.mockResolvedValueOnce([row('c', CheckInStatus.Cancelled, 1)]);
      await expect(nudge()).resolves.toMatchObject({ schedule: 'deleted', checkInsNudged: 1 });
      expect(checkIns.query).toHaveBeenCalledTimes(1);
      expect((checkIns.query.mock.calls[0][1] as unknown[])[5]).toBe(DEFAULT_CHECK_IN_POLICY.closeReminderAfterSeconds + CHECK_IN_NUDGE_WINDOW_SECONDS);
    });

    it('only active plans, and only when asked: the API’s syncs and closed plans nudge nothing', async () => {
      await expect(run()).resolves.not.toHaveProperty('checkInsNudged');
      plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Closed));
      await expect(nudge()).resolves.not.toHaveProperty('checkInsNudged');
      expect(checkIns.query).not.toHaveBeenCalled();
    });

    it('a signal Temporal does not take fails the plan (housekeeping counts it and tries again next run)', async () => {
      checkIns.query.mockResolvedValueOnce([row('c', CheckInStatus.Cancelled, 1)]);
      workflows.cancelled.mockRejectedValue(new Error('unreachable'));
      await expect(nudge()).rejects.toThrow('unreachable');
    });
  });
});
