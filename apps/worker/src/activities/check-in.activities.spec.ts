/**
 * CheckInActivities with typed mocks: what each activity returns, what it asks the repositories and
 * the schedule, and what it hands the outbox (recipients, keys, the calendar part). The rendering
 * itself and the rules it takes from the domain (agenda, recipients, keys) have their own specs; the
 * real database is in test/integration/check-in-workflows.int-spec.ts.
 */
import { DataSource, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import type { AppConfig } from '@app/config';
import { ActionItemStatus, AgendaItem, CheckInStatus, DEFAULT_CHECK_IN_POLICY, MeetingMode, PlanStatus } from '@app/domain';
import type { EmailToSend, OutboxService } from '@app/mail';
import { ActionItemEntity, ActionPlanEntity, CheckInEntity, CheckInScheduleEntity, CommitmentEntity, CommitmentRepository, JurisdictionEntity } from '@app/persistence';
import type { DialogueBoardSchedules } from '@app/temporal';
import { CheckInActivities } from './check-in.activities';

const PLAN_ID = 'plan-1';
const CHECK_IN_ID = 'ci-1';
const NEXT = new Date('2026-03-03T21:00:00Z');
const POLICY = { invitationLeadSeconds: 600, closeReminderAfterSeconds: 300, actionItemReminderLeadSeconds: 120, durationMinutes: 90 };
const ON_AGENDA: AgendaItem = { kind: 'milestones_overdue' as AgendaItem['kind'], title: 'Overdue', durationMinutes: 10, commitmentId: 'c-1', links: [] };

type RepoMock = { findOneBy: jest.Mock; findOneByOrFail: jest.Mock; find: jest.Mock };

interface Rows {
  plan?: Partial<ActionPlanEntity> | null;
  settings?: Partial<CheckInScheduleEntity> | null;
  checkIn?: Partial<CheckInEntity> | null;
  /** What the check-in reads after sendCheckInInvitations marked it invited. */
  checkInAfter?: Partial<CheckInEntity>;
  actionItem?: Partial<ActionItemEntity> | null;
  board?: { id: string; name: string; email: string | null; language: string }[];
  committee?: { commitmentId: string; name: string; email: string | null; language: string | null }[];
  /** Addresses an invitation or update of the check-in went to (outbox_message). */
  invited?: string[];
  inserted?: { id: string }[];
  updatedRows?: number;
}

function newTestActivities(rows: Rows = {}) {
  const plan = rows.plan === undefined ? { id: PLAN_ID, jurisdictionId: 'j-1', status: PlanStatus.Active, title: 'Plan de acción' } : rows.plan;
  const settings = rows.settings === undefined ? { planId: PLAN_ID, policy: POLICY, mode: MeetingMode.Hybrid, address: 'Sala 2', onlineUrl: 'https://meet.example/b' } : rows.settings;
  const checkIn = rows.checkIn === undefined ? baseCheckIn() : rows.checkIn;
  const jurisdiction = { id: 'j-1', name: 'Rosario', timeZone: 'America/Argentina/Cordoba', defaultLanguage: 'es', officeContacts: [{ name: 'Oficina', email: 'office@x.org' }, { email: 'second@x.org' }] };
  const repo = (row: unknown, after?: unknown): RepoMock => {
    const findOneByOrFail = jest.fn().mockResolvedValue(row);
    if (after) findOneByOrFail.mockResolvedValueOnce(row).mockResolvedValue(after);
    return { findOneBy: jest.fn().mockResolvedValue(row), findOneByOrFail, find: jest.fn().mockResolvedValue([]) };
  };
  const repos = new Map<EntityTarget<ObjectLiteral>, RepoMock>([
    [ActionPlanEntity, repo(plan)],
    [CheckInScheduleEntity, repo(settings)],
    [CheckInEntity, repo(checkIn, rows.checkInAfter ? { ...checkIn, ...rows.checkInAfter } : undefined)],
    [JurisdictionEntity, repo(jurisdiction)],
    [ActionItemEntity, repo(rows.actionItem ?? null)],
  ]);
  const query = jest.fn(async (sql: string, _params?: unknown[]): Promise<unknown> => {
    if (sql.includes('FROM dialogue_board_member')) return rows.board ?? [];
    if (sql.includes('FROM follow_up_committee_member')) return rows.committee ?? [];
    if (sql.includes('FROM outbox_message')) return (rows.invited ?? []).map((to_address) => ({ to_address }));
    if (sql.includes('INSERT INTO check_in')) return rows.inserted ?? [{ id: 'ci-new' }];
    if (sql.includes('UPDATE check_in')) return [[], rows.updatedRows ?? 1];
    if (sql.includes('max(scheduled_for)')) return [{ scheduledFor: null }];
    return []; // the plan's state: no milestones, evidence, escalations or replannings
  });
  const getRepository = jest.fn((entity: EntityTarget<ObjectLiteral>) => repos.get(entity) as unknown as Repository<ObjectLiteral>);
  const db = { getRepository, query, manager: { query, getRepository } } as unknown as jest.Mocked<DataSource>;
  const commitments: jest.Mocked<Pick<CommitmentRepository, 'ofPlan'>> = { ofPlan: jest.fn().mockResolvedValue([{ id: 'c-1', title: 'Open data' } as CommitmentEntity]) };
  const outbox: jest.Mocked<Pick<OutboxService, 'send'>> = { send: jest.fn().mockResolvedValue('sent') };
  const schedules: jest.Mocked<Pick<DialogueBoardSchedules, 'nextMeetingAfter'>> = { nextMeetingAfter: jest.fn().mockResolvedValue(NEXT) };
  const config = { publicBaseUrl: 'https://monitor.example', mailFrom: 'OGP Local Monitor <monitor@localhost>' } as AppConfig;
  const sut = new CheckInActivities(db, commitments as unknown as CommitmentRepository, outbox as unknown as OutboxService, schedules as unknown as DialogueBoardSchedules, config);
  const sent = () => outbox.send.mock.calls.map(([email]: [EmailToSend]) => email);
  const sqlCalls = (fragment: string) => query.mock.calls.filter(([sql]) => sql.includes(fragment)).map(([sql, params]) => [sql, params ?? []] as [string, any[]]);
  return { sut, db, repos, query, sqlCalls, commitments, outbox, sent, schedules };
}

describe(CheckInActivities.name, () => {
  describe('prepareCheckIn', () => {
    it('a repeated occurrence: finds the check-in a previous run prepared and inserts nothing', async () => {
      const { sut, schedules, repos, sqlCalls } = newTestActivities();
      await expect(sut.prepareCheckIn({ planId: PLAN_ID, scheduledAt: '2026-02-03T21:00:00.000Z' })).resolves.toEqual({ checkInId: CHECK_IN_ID, scheduledFor: NEXT.toISOString(), created: false });
      expect(schedules.nextMeetingAfter).toHaveBeenCalledWith(PLAN_ID, new Date('2026-02-03T21:00:00.000Z'));
      expect(repos.get(CheckInEntity)!.findOneBy).toHaveBeenCalledWith({ planId: PLAN_ID, scheduledFor: NEXT });
      expect(sqlCalls('INSERT INTO check_in')).toHaveLength(0);
    });

    it('a new occurrence: inserts the check-in at the next meeting with the settings’ place and the policy’s duration, and the agenda from the plan’s state', async () => {
      const { sut, repos, query, sqlCalls } = newTestActivities();
      repos.get(CheckInEntity)!.findOneBy.mockResolvedValue(null);
      await expect(sut.prepareCheckIn({ planId: PLAN_ID, scheduledAt: '2026-02-03T21:00:00.000Z' })).resolves.toEqual({ checkInId: 'ci-new', scheduledFor: NEXT.toISOString(), created: true });
      const [[sql, params]] = sqlCalls('INSERT INTO check_in');
      expect(sql).toContain('ON CONFLICT ON CONSTRAINT check_in_occurrence_unique DO NOTHING');
      expect(params.slice(0, 7)).toEqual([PLAN_ID, NEXT, 90, MeetingMode.Hybrid, 'Sala 2', 'https://meet.example/b', CheckInStatus.Scheduled]);
      expect(Array.isArray(JSON.parse(params[7]))).toBe(true);
      // The plan's state, of its commitments.
      expect(query).toHaveBeenCalledWith(expect.stringContaining('FROM milestone'), [['c-1']]);
      expect(repos.get(ActionItemEntity)!.find).toHaveBeenCalledWith(expect.objectContaining({ where: { planId: PLAN_ID, status: ActionItemStatus.Open } }));
    });

    it('a concurrent run inserted it first: finds that one (created false)', async () => {
      const { sut, repos } = newTestActivities({ inserted: [] });
      repos.get(CheckInEntity)!.findOneBy.mockResolvedValue(null);
      await expect(sut.prepareCheckIn({ planId: PLAN_ID, scheduledAt: NEXT.toISOString() })).resolves.toEqual({ checkInId: CHECK_IN_ID, scheduledFor: NEXT.toISOString(), created: false });
      expect(repos.get(CheckInEntity)!.findOneByOrFail).toHaveBeenCalledWith({ planId: PLAN_ID, scheduledFor: NEXT });
    });

    it.each([
      ['no settings', { settings: null }],
      ['a plan not active', { plan: { id: PLAN_ID, status: PlanStatus.Closed } }],
    ])('%s: nothing prepared, the schedule not asked', async (_, rows) => {
      const { sut, schedules } = newTestActivities(rows as Rows);
      await expect(sut.prepareCheckIn({ planId: PLAN_ID, scheduledAt: NEXT.toISOString() })).resolves.toEqual({ checkInId: null, scheduledFor: null, created: false });
      expect(schedules.nextMeetingAfter).not.toHaveBeenCalled();
    });

    it('no next occurrence: nothing prepared', async () => {
      const { sut, schedules, sqlCalls } = newTestActivities();
      schedules.nextMeetingAfter.mockResolvedValue(null);
      await expect(sut.prepareCheckIn({ planId: PLAN_ID, scheduledAt: NEXT.toISOString() })).resolves.toEqual({ checkInId: null, scheduledFor: null, created: false });
      expect(sqlCalls('INSERT INTO check_in')).toHaveLength(0);
    });
  });

  describe('loadCheckIn', () => {
    it('the row’s times with the plan’s policy', async () => {
      const { sut } = newTestActivities();
      await expect(sut.loadCheckIn({ checkInId: CHECK_IN_ID })).resolves.toEqual({
        checkInId: CHECK_IN_ID,
        status: CheckInStatus.Scheduled,
        startsAt: NEXT.toISOString(),
        sequence: 0,
        invitationsSentAt: null,
        invitationLeadSeconds: 600,
        closeReminderAfterSeconds: 300,
      });
    });

    it('the default policy when the plan has no settings; null when the check-in is gone', async () => {
      const { sut, repos } = newTestActivities({ settings: null });
      await expect(sut.loadCheckIn({ checkInId: CHECK_IN_ID })).resolves.toMatchObject({ invitationLeadSeconds: DEFAULT_CHECK_IN_POLICY.invitationLeadSeconds, closeReminderAfterSeconds: DEFAULT_CHECK_IN_POLICY.closeReminderAfterSeconds });
      repos.get(CheckInEntity)!.findOneBy.mockResolvedValue(null);
      await expect(sut.loadCheckIn({ checkInId: 'gone' })).resolves.toBeNull();
    });
  });

  describe('refreshCheckInAgenda', () => {
    it('replaces an agenda nobody edited, only while scheduled (the UPDATE says so too)', async () => {
      const { sut, sqlCalls } = newTestActivities();
      await expect(sut.refreshCheckInAgenda({ checkInId: CHECK_IN_ID })).resolves.toBe(true);
      const [[sql, params]] = sqlCalls('UPDATE check_in');
      expect(sql).toContain('agenda_edited_at IS NULL');
      expect([params[0], params[2]]).toEqual([CHECK_IN_ID, CheckInStatus.Scheduled]);
    });

    it('keeps an edited agenda, and the agenda of a check-in invited already', async () => {
      for (const checkIn of [{ agendaEditedAt: new Date() }, { status: CheckInStatus.Invited }]) {
        const { sut, sqlCalls } = newTestActivities({ checkIn: { id: CHECK_IN_ID, planId: PLAN_ID, status: CheckInStatus.Scheduled, agendaEditedAt: null, ...checkIn } });
        await expect(sut.refreshCheckInAgenda({ checkInId: CHECK_IN_ID })).resolves.toBe(false);
        expect(sqlCalls('UPDATE check_in')).toHaveLength(0);
      }
    });

    it('false when the coordinator edited it meanwhile (no row updated)', async () => {
      const { sut } = newTestActivities({ updatedRows: 0 });
      await expect(sut.refreshCheckInAgenda({ checkInId: CHECK_IN_ID })).resolves.toBe(false);
    });
  });

  describe('sendCheckInInvitations', () => {
    const board = [
      { id: 'b-1', name: 'Ana', email: 'Ana@X.org', language: 'es' },
      { id: 'b-2', name: 'Ann', email: 'ann@x.org', language: 'en' },
      { id: 'b-3', name: 'No email', email: null, language: 'es' },
    ];
    const committee = [
      { commitmentId: 'c-1', name: 'Referent', email: 'referent@x.org', language: null },
      { commitmentId: 'c-1', name: 'Ann again', email: 'ANN@x.org', language: 'en' },
      { commitmentId: 'c-9', name: 'Not on the agenda', email: 'other@x.org', language: 'es' },
    ];

    it('invitation: one email per recipient (board, committee of the commitments on the agenda, once each) keyed by kind, check-in, SEQUENCE and address, with METHOD:REQUEST; the check-in becomes invited', async () => {
      const { sut, sent, sqlCalls } = newTestActivities({ board, committee, checkInAfter: { status: CheckInStatus.Invited } });
      await expect(sut.sendCheckInInvitations({ checkInId: CHECK_IN_ID, kind: 'invitation' })).resolves.toEqual({ queued: 3, recipients: 3, sequence: 0, status: CheckInStatus.Invited });
      expect(sent().map((e) => [e.to, e.idempotencyKey, e.calendarEvent?.method])).toEqual([
        ['Ana@X.org', `check-in-invitation:${CHECK_IN_ID}:0:ana@x.org`, 'REQUEST'],
        ['ann@x.org', `check-in-invitation:${CHECK_IN_ID}:0:ann@x.org`, 'REQUEST'],
        ['referent@x.org', `check-in-invitation:${CHECK_IN_ID}:0:referent@x.org`, 'REQUEST'],
      ]);
      // Each in their language (the referent has none: the jurisdiction's).
      expect(sent().map((e) => e.subject.startsWith('Dialogue Board check-in') ? 'en' : e.subject.startsWith('Mesa de Diálogo') ? 'es' : e.subject)).toEqual(['es', 'en', 'es']);
      expect(sent().every((e) => e.jurisdictionId === 'j-1' && /UID:.*ci-1/.test(e.calendarEvent!.content) && /SEQUENCE:0/.test(e.calendarEvent!.content))).toBe(true);
      // The committee members of c-1 only (on the agenda).
      expect(sqlCalls('FROM follow_up_committee_member')[0][1]).toEqual([['c-1']]);
      const [[update, params]] = sqlCalls('UPDATE check_in');
      expect(update).toContain('invitations_sent_at = COALESCE(invitations_sent_at, now())');
      expect(params).toEqual([CHECK_IN_ID, CheckInStatus.Invited, CheckInStatus.Scheduled]);
    });

    it('a repeated call: the outbox sent them already, so none is queued again (same keys)', async () => {
      const { sut, outbox, sent } = newTestActivities({ board, checkInAfter: { status: CheckInStatus.Invited } });
      outbox.send.mockResolvedValue('already_sent');
      await expect(sut.sendCheckInInvitations({ checkInId: CHECK_IN_ID, kind: 'invitation' })).resolves.toMatchObject({ queued: 0, recipients: 2 });
      expect(sent().map((e) => e.idempotencyKey)).toEqual([`check-in-invitation:${CHECK_IN_ID}:0:ana@x.org`, `check-in-invitation:${CHECK_IN_ID}:0:ann@x.org`]);
    });

    it('update: keyed by the raised SEQUENCE; the status is left alone', async () => {
      const { sut, sent, sqlCalls } = newTestActivities({ board, checkIn: { ...baseCheckIn(), status: CheckInStatus.Invited, sequence: 2 } });
      await expect(sut.sendCheckInInvitations({ checkInId: CHECK_IN_ID, kind: 'update' })).resolves.toEqual({ queued: 2, recipients: 2, sequence: 2, status: CheckInStatus.Invited });
      expect(sent().map((e) => e.idempotencyKey)).toEqual([`check-in-update:${CHECK_IN_ID}:2:ana@x.org`, `check-in-update:${CHECK_IN_ID}:2:ann@x.org`]);
      expect(sent().every((e) => /SEQUENCE:2/.test(e.calendarEvent!.content))).toBe(true);
      expect(sqlCalls('UPDATE check_in')).toHaveLength(0);
    });

    it('cancellation: METHOD:CANCEL only to those an invitation or update went to (one who left the board too, in the default language)', async () => {
      const { sut, sent, sqlCalls } = newTestActivities({ board, checkIn: { ...baseCheckIn(), status: CheckInStatus.Cancelled, sequence: 3, cancelledReason: 'No quorum' }, invited: ['ann@x.org', 'gone@x.org'] });
      await expect(sut.sendCheckInInvitations({ checkInId: CHECK_IN_ID, kind: 'cancellation' })).resolves.toEqual({ queued: 2, recipients: 2, sequence: 3, status: CheckInStatus.Cancelled });
      expect(sent().map((e) => [e.to, e.idempotencyKey, e.calendarEvent?.method])).toEqual([
        ['ann@x.org', `check-in-cancellation:${CHECK_IN_ID}:3:ann@x.org`, 'CANCEL'],
        ['gone@x.org', `check-in-cancellation:${CHECK_IN_ID}:3:gone@x.org`, 'CANCEL'],
      ]);
      expect(sent().every((e) => /STATUS:CANCELLED/.test(e.calendarEvent!.content))).toBe(true);
      expect(sent().map((e) => e.subject.split(':')[0])).toEqual(['Cancelled', 'Cancelada']);
      expect(sqlCalls('FROM outbox_message')[0][1]).toEqual([`check-in-invitation:${CHECK_IN_ID}:%`, `check-in-update:${CHECK_IN_ID}:%`]);
    });

    it('a cancellation of a check-in nobody was invited to sends nothing', async () => {
      const { sut, outbox } = newTestActivities({ board, checkIn: { ...baseCheckIn(), status: CheckInStatus.Cancelled, sequence: 1 }, invited: [] });
      await expect(sut.sendCheckInInvitations({ checkInId: CHECK_IN_ID, kind: 'cancellation' })).resolves.toEqual({ queued: 0, recipients: 0, sequence: 1, status: CheckInStatus.Cancelled });
      expect(outbox.send).not.toHaveBeenCalled();
    });

    it.each([
      ['an invitation to a cancelled check-in', 'invitation', CheckInStatus.Cancelled],
      ['an invitation to a closed one', 'invitation', CheckInStatus.Closed],
      ['an update before the invitations', 'update', CheckInStatus.Scheduled],
      ['a cancellation of a check-in not cancelled', 'cancellation', CheckInStatus.Invited],
    ] as const)('%s sends nothing and reports the status', async (_, kind, status) => {
      const { sut, outbox, sqlCalls } = newTestActivities({ board, checkIn: { ...baseCheckIn(), status, sequence: 1 } });
      await expect(sut.sendCheckInInvitations({ checkInId: CHECK_IN_ID, kind })).resolves.toEqual({ queued: 0, recipients: 0, sequence: 1, status });
      expect(outbox.send).not.toHaveBeenCalled();
      expect(sqlCalls('UPDATE check_in')).toHaveLength(0);
    });
  });

  describe('remindCheckInClose', () => {
    it('reminds each office contact once per check-in, whatever its SEQUENCE', async () => {
      const { sut, sent } = newTestActivities({ checkIn: { ...baseCheckIn(), status: CheckInStatus.Invited, sequence: 4 } });
      await expect(sut.remindCheckInClose({ checkInId: CHECK_IN_ID })).resolves.toBe(true);
      expect(sent().map((e) => [e.to, e.idempotencyKey])).toEqual([
        ['office@x.org', `check-in-close-reminder:${CHECK_IN_ID}:0:office@x.org`],
        ['second@x.org', `check-in-close-reminder:${CHECK_IN_ID}:0:second@x.org`],
      ]);
      expect(sent()[0].text).toContain(`https://monitor.example/plans/${PLAN_ID}/check-ins/${CHECK_IN_ID}`);
    });

    it.each([CheckInStatus.Closed, CheckInStatus.Cancelled])('a %s check-in: false, nothing sent', async (status) => {
      const { sut, outbox } = newTestActivities({ checkIn: { ...baseCheckIn(), status } });
      await expect(sut.remindCheckInClose({ checkInId: CHECK_IN_ID })).resolves.toBe(false);
      expect(outbox.send).not.toHaveBeenCalled();
    });
  });

  describe('loadActionItem', () => {
    it('open or not, its due date and the reminder time from the plan’s lead', async () => {
      const dueAt = new Date('2026-04-01T15:00:00Z');
      const { sut } = newTestActivities({ actionItem: { id: 'ai-1', planId: PLAN_ID, status: ActionItemStatus.Open, dueAt } });
      await expect(sut.loadActionItem({ actionItemId: 'ai-1' })).resolves.toEqual({ actionItemId: 'ai-1', open: true, dueAt: dueAt.toISOString(), remindAt: new Date(dueAt.getTime() - 120_000).toISOString() });
    });

    it('null when the item is gone', async () => {
      const { sut } = newTestActivities({ actionItem: null });
      await expect(sut.loadActionItem({ actionItemId: 'gone' })).resolves.toBeNull();
    });
  });

  describe('remindActionItemOwner', () => {
    const dueAt = new Date('2026-04-01T15:00:00Z');
    const item = { id: 'ai-1', planId: PLAN_ID, title: 'Publish the survey', ownerName: 'Owen', ownerEmail: 'owen@x.org', ownerLanguage: 'en', status: ActionItemStatus.Open, dueAt };

    it('reminds the owner in their language, keyed by item and due date (a new due date is a new reminder)', async () => {
      const { sut, sent } = newTestActivities({ actionItem: item });
      await expect(sut.remindActionItemOwner({ actionItemId: 'ai-1' })).resolves.toBe(true);
      expect(sent().map((e) => [e.to, e.idempotencyKey, e.jurisdictionId])).toEqual([['owen@x.org', `action-item-reminder:ai-1:${dueAt.toISOString()}`, 'j-1']]);
      expect(sent()[0].text).toContain('Publish the survey');
      expect(sent()[0].subject).toMatch(/^Reminder: action item due/);
    });

    it('a closed item: false, nothing sent', async () => {
      const { sut, outbox } = newTestActivities({ actionItem: { ...item, status: ActionItemStatus.Closed } });
      await expect(sut.remindActionItemOwner({ actionItemId: 'ai-1' })).resolves.toBe(false);
      expect(outbox.send).not.toHaveBeenCalled();
    });
  });
});

function baseCheckIn(): Partial<CheckInEntity> {
  return { id: CHECK_IN_ID, planId: PLAN_ID, scheduledFor: NEXT, startsAt: NEXT, durationMinutes: 90, mode: MeetingMode.Hybrid, address: 'Sala 2', onlineUrl: 'https://meet.example/b', status: CheckInStatus.Scheduled, sequence: 0, agenda: [ON_AGENDA], agendaEditedAt: null, invitationsSentAt: null, cancelledReason: null };
}
