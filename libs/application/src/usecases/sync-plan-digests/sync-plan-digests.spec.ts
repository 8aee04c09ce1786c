import type { Repository } from 'typeorm';
import { PlanStatus } from '@app/domain';
import type { ActionPlanEntity, DigestScheduleEntity, JurisdictionEntity } from '@app/persistence';
import { DigestSchedules, WorkflowEngineUnavailableError } from '@app/temporal';
import { Logger } from '@nestjs/common';
import { SyncPlanDigests, syncDigestsAfterCommit } from './sync-plan-digests.usecase';
import { SyncPlanDigestsCommand } from './sync-plan-digests.command';

const PLAN_ID = '6f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const calendar = { dayOfMonth: [{ start: 1 }], hour: [{ start: 9 }], minute: [{ start: 0 }] };
const plan = (status: PlanStatus) => ({ id: PLAN_ID, status, jurisdictionId: 'j1' }) as ActionPlanEntity;
const settings = (paused = false) => ({ planId: PLAN_ID, calendar, paused }) as unknown as DigestScheduleEntity;

describe(SyncPlanDigests.name, () => {
  let sut: SyncPlanDigests;
  let plans: jest.Mocked<Pick<Repository<ActionPlanEntity>, 'findOneByOrFail'>>;
  let jurisdictions: jest.Mocked<Pick<Repository<JurisdictionEntity>, 'findOneByOrFail'>>;
  let settingsRepo: jest.Mocked<Pick<Repository<DigestScheduleEntity>, 'findOneBy'>>;
  let schedules: jest.Mocked<Pick<DigestSchedules, 'upsert' | 'delete'>>;
  const run = (withoutSettings?: 'delete' | 'leave') => sut.execute(SyncPlanDigestsCommand.create({ planId: PLAN_ID, withoutSettings }));

  beforeEach(() => {
    plans = { findOneByOrFail: jest.fn().mockResolvedValue(plan(PlanStatus.Active)) };
    jurisdictions = { findOneByOrFail: jest.fn().mockResolvedValue({ id: 'j1', timeZone: 'America/Argentina/Cordoba' }) };
    settingsRepo = { findOneBy: jest.fn().mockResolvedValue(settings()) };
    schedules = { upsert: jest.fn().mockResolvedValue('created'), delete: jest.fn().mockResolvedValue(undefined) };
    sut = new SyncPlanDigests(
      plans as unknown as Repository<ActionPlanEntity>,
      jurisdictions as unknown as Repository<JurisdictionEntity>,
      settingsRepo as unknown as Repository<DigestScheduleEntity>,
      schedules as unknown as DigestSchedules,
    );
  });

  it('an active plan with settings has its schedule in the jurisdiction’s zone, paused as the settings say', async () => {
    await expect(run()).resolves.toEqual({ planId: PLAN_ID, planStatus: 'active', schedule: 'created' });
    expect(schedules.upsert).toHaveBeenCalledWith(PLAN_ID, { calendar, timeZone: 'America/Argentina/Cordoba', paused: false });
    settingsRepo.findOneBy.mockResolvedValue(settings(true));
    await run();
    expect(schedules.upsert).toHaveBeenLastCalledWith(PLAN_ID, expect.objectContaining({ paused: true }));
  });

  it('a closed plan, or an active one without settings, has no schedule', async () => {
    plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Closed));
    await expect(run()).resolves.toMatchObject({ schedule: 'deleted' });
    plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Active));
    settingsRepo.findOneBy.mockResolvedValue(null);
    await expect(run()).resolves.toMatchObject({ schedule: 'deleted' });
    expect(schedules.delete).toHaveBeenCalledTimes(2);
    expect(schedules.upsert).not.toHaveBeenCalled();
  });

  it('withoutSettings leave: no settings asks Temporal nothing; a closed plan with settings loses its schedule', async () => {
    settingsRepo.findOneBy.mockResolvedValue(null);
    await expect(run('leave')).resolves.toMatchObject({ schedule: 'none' });
    expect(schedules.delete).not.toHaveBeenCalled();
    plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Closed));
    settingsRepo.findOneBy.mockResolvedValue(settings());
    await expect(run('leave')).resolves.toMatchObject({ schedule: 'deleted' });
  });

  it('a draft plan: Temporal is not asked', async () => {
    plans.findOneByOrFail.mockResolvedValue(plan(PlanStatus.Draft));
    await expect(run()).resolves.toMatchObject({ schedule: 'none' });
    expect(schedules.delete).not.toHaveBeenCalled();
    expect(schedules.upsert).not.toHaveBeenCalled();
  });

  it('after a commit, an engine out of reach is a warning; other errors go through', async () => {
    const logger = { warn: jest.fn() } as unknown as Logger;
    schedules.upsert.mockRejectedValueOnce(new WorkflowEngineUnavailableError('down', true));
    await expect(syncDigestsAfterCommit(sut, logger, PLAN_ID, 'Saved')).resolves.toMatchObject({ synced: null, warnings: [{ field: 'digestSchedule' }] });
    schedules.upsert.mockRejectedValueOnce(new Error('boom'));
    await expect(syncDigestsAfterCommit(sut, logger, PLAN_ID, 'Saved')).rejects.toThrow('boom');
  });
});
