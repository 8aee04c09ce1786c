import type { DataSource, Repository } from 'typeorm';
import { CheckInStatus, MeetingMode, PlanStatus } from '@app/domain';
import type { ActionItemEntity, ActionPlanEntity, CheckInEntity, JurisdictionEntity } from '@app/persistence';
import { CheckInWorkflows, WorkflowEngineUnavailableError } from '@app/temporal';
import { RuleViolationError } from '@app/application';
import { Actor, Role } from '../auth/actor';
import type { PlanScope } from '../auth/plan-scope.service';
import { ProblemException } from '../common/problem-details.filter';
import { CheckInsService } from './check-ins.service';
import type { CloseCheckInDto } from './dto/check-in.dto';

const CHECK_IN_ID = '0b6f3f1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const PLAN_ID = '6f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const MILESTONE_ID = '7a1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const coordinator: Actor = { role: Role.Coordinator, label: 'Coordinator', tokenId: 't1', jurisdictionId: 'j1', agencyId: null };
const outsider: Actor = { ...coordinator, jurisdictionId: 'j2' };
const hour = 3_600_000;
const checkIn = (values: Partial<CheckInEntity> = {}) =>
  ({ id: CHECK_IN_ID, planId: PLAN_ID, scheduledFor: new Date(Date.now() - hour), startsAt: new Date(Date.now() - hour), durationMinutes: 90, mode: MeetingMode.InPerson, address: 'Palacio', onlineUrl: null, status: CheckInStatus.Invited, sequence: 0, agenda: [], agendaEditedAt: null, invitationsSentAt: null, minutes: null, attendanceCount: null, organisationsPresent: [], decisions: [], closedAt: null, minutesApprovedAt: null, cancelledReason: null, version: 3, createdAt: new Date(), ...values }) as CheckInEntity;
const closing = (milestoneId?: string): CloseCheckInDto => ({
  minutes: 'Met.',
  attendanceCount: 9,
  organisationsPresent: ['Colectivo'],
  decisions: ['Publish'],
  actionItems: [{ title: 'Publish the calendar', ownerName: 'Ana', ownerEmail: 'ana@colectivo.example', ownerLanguage: 'es', dueAt: new Date(Date.now() + 24 * hour).toISOString(), milestoneId }],
});

describe(CheckInsService.name, () => {
  let sut: CheckInsService;
  let checkIns: jest.Mocked<Pick<Repository<CheckInEntity>, 'findOneBy'>>;
  let actionItems: jest.Mocked<Pick<Repository<ActionItemEntity>, 'find'>>;
  let plans: jest.Mocked<Pick<Repository<ActionPlanEntity>, 'findOneByOrFail'>>;
  let jurisdictions: jest.Mocked<Pick<Repository<JurisdictionEntity>, 'findOneByOrFail'>>;
  let workflows: jest.Mocked<Pick<CheckInWorkflows, 'changed' | 'cancelled' | 'closed' | 'followActionItem'>>;
  let milestonesOfPlan: { id: string; commitmentId: string }[];
  /** What the transaction saved, by entity: the check-in's update and the action items. */
  let saved: { actionItems: object[]; updates: object[] };
  let db: { transaction: jest.Mock; getRepository: jest.Mock };

  beforeEach(() => {
    milestonesOfPlan = [{ id: MILESTONE_ID, commitmentId: 'c1' }];
    saved = { actionItems: [], updates: [] };
    checkIns = { findOneBy: jest.fn().mockResolvedValue(checkIn()) };
    actionItems = { find: jest.fn().mockResolvedValue([]) };
    plans = { findOneByOrFail: jest.fn().mockResolvedValue({ id: PLAN_ID, jurisdictionId: 'j1', status: PlanStatus.Active }) };
    jurisdictions = { findOneByOrFail: jest.fn().mockResolvedValue({ id: 'j1', timeZone: 'America/Argentina/Cordoba' }) };
    workflows = { changed: jest.fn(), cancelled: jest.fn(), closed: jest.fn().mockResolvedValue(undefined), followActionItem: jest.fn().mockResolvedValue(undefined) };
    const chain = (result: unknown) => {
      const builder: Record<string, jest.Mock> = {};
      for (const method of ['update', 'set', 'where', 'innerJoin']) builder[method] = jest.fn((...args: unknown[]) => (method === 'set' && saved.updates.push(args[0] as object), builder));
      builder.execute = jest.fn().mockResolvedValue(result);
      builder.getMany = jest.fn(async () => milestonesOfPlan);
      return builder;
    };
    const repository = {
      create: (x: object) => x,
      save: jest.fn(async (x: object | object[]) => (Array.isArray(x) ? (saved.actionItems.push(...x), x.map((item, i) => ({ ...item, id: `a${i}` }))) : x)),
      findOneByOrFail: jest.fn(async () => checkIn({ status: CheckInStatus.Closed, version: 4 })),
      findBy: jest.fn().mockResolvedValue([]),
      createQueryBuilder: () => chain(undefined),
    };
    const manager = { createQueryBuilder: () => chain({ affected: 1 }), getRepository: () => repository };
    db = { transaction: jest.fn((work: (m: typeof manager) => unknown) => work(manager)), getRepository: jest.fn(() => repository) };
    sut = new CheckInsService(
      db as unknown as DataSource,
      checkIns as unknown as Repository<CheckInEntity>,
      actionItems as unknown as Repository<ActionItemEntity>,
      plans as unknown as Repository<ActionPlanEntity>,
      jurisdictions as unknown as Repository<JurisdictionEntity>,
      {} as PlanScope,
      workflows as unknown as CheckInWorkflows,
    );
  });

  describe('putAgenda', () => {
    it('refuses once the invitations carried the agenda (409 naming status) and writes nothing', async () => {
      const refused = sut.putAgenda(coordinator, CHECK_IN_ID, 3, { items: [] });
      await expect(refused).rejects.toBeInstanceOf(ProblemException);
      await expect(refused).rejects.toMatchObject({ status: 409, response: { errors: [{ field: 'status', message: 'check-in is invited' }] } });
      expect(db.transaction).not.toHaveBeenCalled();
    });

    it('answers 404 for a check-in of another jurisdiction', async () => {
      await expect(sut.putAgenda(outsider, CHECK_IN_ID, 3, { items: [] })).rejects.toMatchObject({ status: 404 });
      expect(db.transaction).not.toHaveBeenCalled();
    });
  });

  describe('close', () => {
    it('refuses a meeting that has not started (409 naming startsAt) and tells no workflow', async () => {
      checkIns.findOneBy.mockResolvedValue(checkIn({ startsAt: new Date(Date.now() + hour) }));
      await expect(sut.close(coordinator, CHECK_IN_ID, 3, closing())).rejects.toMatchObject({ status: 409, response: { errors: [{ field: 'startsAt', message: 'the meeting has not started yet' }] } });
      expect(db.transaction).not.toHaveBeenCalled();
      expect(workflows.closed).not.toHaveBeenCalled();
    });

    it('refuses a cancelled check-in', async () => {
      checkIns.findOneBy.mockResolvedValue(checkIn({ status: CheckInStatus.Cancelled }));
      await expect(sut.close(coordinator, CHECK_IN_ID, 3, closing())).rejects.toMatchObject({ status: 409 });
    });

    it('refuses an action item on a milestone of another plan (422 naming it)', async () => {
      milestonesOfPlan = [];
      const refused = sut.close(coordinator, CHECK_IN_ID, 3, closing(MILESTONE_ID));
      await expect(refused).rejects.toBeInstanceOf(RuleViolationError);
      await expect(refused).rejects.toMatchObject({ violations: [{ field: 'actionItems.0.milestoneId', message: 'actionItems.0.milestoneId is not a milestone of this plan' }] });
      expect(db.transaction).not.toHaveBeenCalled();
    });

    it('commits the minutes and action items (commitment taken from the milestone), then tells the check-in workflow and follows each item', async () => {
      const result = await sut.close(coordinator, CHECK_IN_ID, 3, closing(MILESTONE_ID));
      expect(result).toMatchObject({ id: CHECK_IN_ID, status: 'closed', warnings: [] });
      expect(saved.updates[0]).toMatchObject({ status: CheckInStatus.Closed, minutes: 'Met.', attendanceCount: 9, decisions: ['Publish'] });
      expect(saved.actionItems).toEqual([expect.objectContaining({ title: 'Publish the calendar', planId: PLAN_ID, checkInId: CHECK_IN_ID, milestoneId: MILESTONE_ID, commitmentId: 'c1', status: 'open' })]);
      expect(workflows.closed).toHaveBeenCalledWith(CHECK_IN_ID);
      expect(workflows.followActionItem).toHaveBeenCalledWith('a0');
      expect(db.transaction.mock.invocationCallOrder[0]).toBeLessThan(workflows.closed.mock.invocationCallOrder[0]);
    });

    it('keeps the closing when the engine does not answer, with a warning', async () => {
      workflows.closed.mockRejectedValue(new WorkflowEngineUnavailableError('unreachable', true));
      await expect(sut.close(coordinator, CHECK_IN_ID, 3, closing())).resolves.toMatchObject({ status: 'closed', warnings: [{ field: 'workflow', message: expect.stringContaining('housekeeping hands the action items over') }] });
    });
  });

  describe('update', () => {
    it('refuses a mode whose place is missing (422 naming it) before writing', async () => {
      await expect(sut.update(coordinator, CHECK_IN_ID, 3, { mode: MeetingMode.Online })).rejects.toMatchObject({ violations: [{ field: 'onlineUrl', message: 'onlineUrl is required when mode is online' }] });
      expect(db.transaction).not.toHaveBeenCalled();
    });

    it('raises SEQUENCE in the row, then signals the change', async () => {
      await sut.update(coordinator, CHECK_IN_ID, 3, { durationMinutes: 60 });
      expect(saved.updates[0]).toMatchObject({ durationMinutes: 60, sequence: expect.any(Function) });
      expect(workflows.changed).toHaveBeenCalledWith(CHECK_IN_ID);
      expect(db.transaction.mock.invocationCallOrder[0]).toBeLessThan(workflows.changed.mock.invocationCallOrder[0]);
    });
  });
});
