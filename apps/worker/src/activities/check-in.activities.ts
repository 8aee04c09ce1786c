import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ActionItemStatus,
  actionItemReminderAt,
  actionItemReminderKey,
  agendaCommitmentIds,
  AgendaItem,
  CheckInPolicy,
  CheckInStatus,
  checkInEmailKey,
  composeAgenda,
  InvitationRecipient,
  invitationRecipients,
  Language,
  PlanStateForAgenda,
  PlanStatus,
  resolveCheckInPolicy,
  supportedLanguageOr,
} from '@app/domain';
import { CheckInEvent, CHECK_IN_ICS_FILENAME, checkInInvitationIcs, OutboxService } from '@app/mail';
import { ActionItemEntity, ActionPlanEntity, CheckInEntity, CheckInScheduleEntity, CommitmentRepository, JurisdictionEntity } from '@app/persistence';
import { DialogueBoardSchedules } from '@app/temporal';
import type {
  ActionItemTimes,
  CheckInActivities as CheckInActivitiesContract,
  CheckInEmailKind,
  CheckInTimes,
  DialogueBoardRunResult,
  SendCheckInEmailsResult,
} from '@app/workflows';
import { heartbeatWhile } from './heartbeat';
import { checkInEventSummary, renderActionItemReminder, renderCheckInMail, renderCloseReminder } from './check-in.mail';

const NOTHING_PREPARED: DialogueBoardRunResult = { checkInId: null, scheduledFor: null, created: false };

/** The outbox keys of what a check-in's invitations and updates were sent under (their recipients get the cancellation). */
const INVITED_KEY_KINDS = ['invitation', 'update'] as const;

/**
 * I/O of the Dialogue Board workflows (prepare a meeting, its invitations, updates and cancellation,
 * the coordinators' close reminder, action item reminders). Each is idempotent: a check-in is unique
 * per (plan, occurrence), and every email has an outbox key (checkInEmailKey, actionItemReminderKey).
 */
@Injectable()
export class CheckInActivities implements CheckInActivitiesContract {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commitments: CommitmentRepository,
    private readonly outbox: OutboxService,
    private readonly schedules: DialogueBoardSchedules,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async prepareCheckIn(input: { planId: string; scheduledAt: string }): Promise<DialogueBoardRunResult> {
    const settings = await this.db.getRepository(CheckInScheduleEntity).findOneBy({ planId: input.planId });
    const plan = await this.db.getRepository(ActionPlanEntity).findOneBy({ id: input.planId });
    if (!settings || !plan || plan.status !== PlanStatus.Active) return NOTHING_PREPARED;
    // The next occurrence from the schedule's own spec (the zone data of the server), never computed in the workflow.
    const next = await this.schedules.nextMeetingAfter(input.planId, new Date(input.scheduledAt));
    if (!next) return NOTHING_PREPARED;
    const checkIns = this.db.getRepository(CheckInEntity);
    const existing = await checkIns.findOneBy({ planId: input.planId, scheduledFor: next });
    if (existing) return { checkInId: existing.id, scheduledFor: next.toISOString(), created: false };

    const policy = resolveCheckInPolicy(settings.policy);
    const jurisdiction = await this.db.getRepository(JurisdictionEntity).findOneByOrFail({ id: plan.jurisdictionId });
    const agenda = await this.agendaOf(this.db.manager, input.planId, next, policy, jurisdiction.timeZone);
    const inserted: { id: string }[] = await this.db.query(
      `INSERT INTO check_in (plan_id, scheduled_for, starts_at, duration_minutes, mode, address, online_url, status, agenda)
       VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT ON CONSTRAINT check_in_occurrence_unique DO NOTHING RETURNING id`,
      [input.planId, next, policy.durationMinutes, settings.mode, settings.address, settings.onlineUrl, CheckInStatus.Scheduled, JSON.stringify(agenda)],
    );
    if (inserted.length) return { checkInId: inserted[0].id, scheduledFor: next.toISOString(), created: true };
    // A concurrent run inserted it first.
    const found = await checkIns.findOneByOrFail({ planId: input.planId, scheduledFor: next });
    return { checkInId: found.id, scheduledFor: next.toISOString(), created: false };
  }

  async loadCheckIn(input: { checkInId: string }): Promise<CheckInTimes | null> {
    const checkIn = await this.db.getRepository(CheckInEntity).findOneBy({ id: input.checkInId });
    if (!checkIn) return null;
    const policy = await this.policyOf(checkIn.planId);
    return {
      checkInId: checkIn.id,
      status: checkIn.status,
      startsAt: checkIn.startsAt.toISOString(),
      sequence: checkIn.sequence,
      invitationsSentAt: checkIn.invitationsSentAt?.toISOString() ?? null,
      invitationLeadSeconds: policy.invitationLeadSeconds,
      closeReminderAfterSeconds: policy.closeReminderAfterSeconds,
    };
  }

  async refreshCheckInAgenda(input: { checkInId: string }): Promise<boolean> {
    const checkIn = await this.db.getRepository(CheckInEntity).findOneByOrFail({ id: input.checkInId });
    if (checkIn.agendaEditedAt || checkIn.status !== CheckInStatus.Scheduled) return false;
    const plan = await this.db.getRepository(ActionPlanEntity).findOneByOrFail({ id: checkIn.planId });
    const jurisdiction = await this.db.getRepository(JurisdictionEntity).findOneByOrFail({ id: plan.jurisdictionId });
    const agenda = await this.agendaOf(this.db.manager, checkIn.planId, checkIn.scheduledFor, await this.policyOf(checkIn.planId), jurisdiction.timeZone);
    // The coordinator's edit wins: only a draft nobody edited is replaced (version raised, as the API's writes do).
    const result = await this.db.query(
      `UPDATE check_in SET agenda = $2, version = version + 1 WHERE id = $1 AND agenda_edited_at IS NULL AND status = $3`,
      [input.checkInId, JSON.stringify(agenda), CheckInStatus.Scheduled],
    );
    return (result?.[1] ?? 0) > 0;
  }

  async sendCheckInInvitations(input: { checkInId: string; kind: CheckInEmailKind }): Promise<SendCheckInEmailsResult> {
    const { kind } = input;
    const checkIn = await this.db.getRepository(CheckInEntity).findOneByOrFail({ id: input.checkInId });
    const done = (queued: number, recipients: number, status: CheckInStatus = checkIn.status): SendCheckInEmailsResult => ({ queued, recipients, sequence: checkIn.sequence, status });
    const sendable =
      kind === 'invitation'
        ? checkIn.status === CheckInStatus.Scheduled || checkIn.status === CheckInStatus.Invited
        : kind === 'update'
          ? checkIn.status === CheckInStatus.Invited
          : checkIn.status === CheckInStatus.Cancelled;
    if (!sendable) return done(0, 0);

    const plan = await this.db.getRepository(ActionPlanEntity).findOneByOrFail({ id: checkIn.planId });
    const jurisdiction = await this.db.getRepository(JurisdictionEntity).findOneByOrFail({ id: plan.jurisdictionId });
    const defaultLanguage = supportedLanguageOr(jurisdiction.defaultLanguage, 'es');
    let recipients = await this.recipientsOf(checkIn, plan, defaultLanguage);
    if (kind === 'cancellation') recipients = await this.invitedOf(checkIn.id, recipients, defaultLanguage);

    const event: CheckInEvent = {
      checkInId: checkIn.id,
      sequence: checkIn.sequence,
      startsAt: checkIn.startsAt,
      durationMinutes: checkIn.durationMinutes,
      timeZone: jurisdiction.timeZone,
      summary: checkInEventSummary(plan, jurisdiction),
      description: '',
      location: checkIn.address,
      url: checkIn.onlineUrl,
      status: kind === 'cancellation' ? 'CANCELLED' : 'CONFIRMED',
      organizer: this.organizer(jurisdiction),
    };
    const method = kind === 'cancellation' ? 'CANCEL' : 'REQUEST';
    const commitmentTitles = Object.fromEntries((await this.commitments.ofPlan(plan.id)).map((c) => [c.id, c.title]));
    let queued = 0;
    for (const recipient of recipients) {
      const rendered = renderCheckInMail({ kind, recipient, checkIn, plan, jurisdiction, event, commitmentTitles, publicBaseUrl: this.config.publicBaseUrl });
      const ics = checkInInvitationIcs({ ...event, description: rendered.eventDescription }, method, { name: recipient.name, email: recipient.email });
      const outcome = await heartbeatWhile(() =>
        this.outbox.send({
          idempotencyKey: checkInEmailKey(kind, checkIn.id, checkIn.sequence, recipient.email),
          to: recipient.email,
          jurisdictionId: jurisdiction.id,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          calendarEvent: { method, content: ics, filename: CHECK_IN_ICS_FILENAME },
        }),
      );
      if (outcome === 'sent') queued++;
    }
    if (kind !== 'invitation') return done(queued, recipients.length);
    // Invited from now on (a check-in cancelled or closed meanwhile keeps its status: the workflow reads it).
    await this.db.query(
      `UPDATE check_in SET status = $2, invitations_sent_at = COALESCE(invitations_sent_at, now()), version = version + 1 WHERE id = $1 AND status = $3`,
      [checkIn.id, CheckInStatus.Invited, CheckInStatus.Scheduled],
    );
    const after = await this.db.getRepository(CheckInEntity).findOneByOrFail({ id: checkIn.id });
    return done(queued, recipients.length, after.status);
  }

  async remindCheckInClose(input: { checkInId: string }): Promise<boolean> {
    const checkIn = await this.db.getRepository(CheckInEntity).findOneByOrFail({ id: input.checkInId });
    if (checkIn.status === CheckInStatus.Closed || checkIn.status === CheckInStatus.Cancelled) return false;
    const plan = await this.db.getRepository(ActionPlanEntity).findOneByOrFail({ id: checkIn.planId });
    const jurisdiction = await this.db.getRepository(JurisdictionEntity).findOneByOrFail({ id: plan.jurisdictionId });
    const language = supportedLanguageOr(jurisdiction.defaultLanguage, 'es');
    for (const contact of jurisdiction.officeContacts) {
      const email = renderCloseReminder(language, { checkIn, plan, jurisdiction, checkInUrl: `${this.config.publicBaseUrl}/plans/${plan.id}/check-ins/${checkIn.id}` });
      // Once per check-in and coordinator, whatever its SEQUENCE.
      await heartbeatWhile(() => this.outbox.send({ idempotencyKey: checkInEmailKey('close-reminder', checkIn.id, 0, contact.email), to: contact.email, jurisdictionId: jurisdiction.id, ...email }));
    }
    return true;
  }

  async loadActionItem(input: { actionItemId: string }): Promise<ActionItemTimes | null> {
    const item = await this.db.getRepository(ActionItemEntity).findOneBy({ id: input.actionItemId });
    if (!item) return null;
    const policy = await this.policyOf(item.planId);
    return { actionItemId: item.id, open: item.status === ActionItemStatus.Open, dueAt: item.dueAt.toISOString(), remindAt: actionItemReminderAt(item.dueAt, policy).toISOString() };
  }

  async remindActionItemOwner(input: { actionItemId: string }): Promise<boolean> {
    const item = await this.db.getRepository(ActionItemEntity).findOneByOrFail({ id: input.actionItemId });
    if (item.status !== ActionItemStatus.Open) return false;
    const plan = await this.db.getRepository(ActionPlanEntity).findOneByOrFail({ id: item.planId });
    const jurisdiction = await this.db.getRepository(JurisdictionEntity).findOneByOrFail({ id: plan.jurisdictionId });
    const language = supportedLanguageOr(item.ownerLanguage, supportedLanguageOr(jurisdiction.defaultLanguage, 'es'));
    const email = renderActionItemReminder(language, { item, plan, jurisdiction });
    await heartbeatWhile(() => this.outbox.send({ idempotencyKey: actionItemReminderKey(item.id, item.dueAt), to: item.ownerEmail, jurisdictionId: jurisdiction.id, ...email }));
    return true;
  }

  /** The plan's check-in policy (its settings' durations over the defaults); the defaults when it has none. */
  private async policyOf(planId: string): Promise<CheckInPolicy> {
    const settings = await this.db.getRepository(CheckInScheduleEntity).findOneBy({ planId });
    return resolveCheckInPolicy(settings?.policy ?? {});
  }

  private organizer(jurisdiction: JurisdictionEntity): { name: string; email: string } {
    const contact = jurisdiction.officeContacts[0];
    if (contact) return { name: contact.name ?? jurisdiction.name, email: contact.email };
    const from = /^(.*?)\s*<([^>]+)>$/.exec(this.config.mailFrom);
    return from ? { name: from[1] || jurisdiction.name, email: from[2] } : { name: jurisdiction.name, email: this.config.mailFrom };
  }

  /** Every Dialogue Board member of the jurisdiction, and the committee members of the commitments on the agenda. */
  private async recipientsOf(checkIn: CheckInEntity, plan: ActionPlanEntity, defaultLanguage: Language): Promise<InvitationRecipient[]> {
    const board: { id: string; name: string; email: string | null; language: string }[] = await this.db.query(
      'SELECT id, name, email, language FROM dialogue_board_member WHERE jurisdiction_id = $1 ORDER BY created_at, id',
      [plan.jurisdictionId],
    );
    const onAgenda = agendaCommitmentIds(checkIn.agenda);
    const committee: { commitmentId: string; name: string; email: string | null; language: string | null }[] = onAgenda.length
      ? await this.db.query(
          `SELECT f.commitment_id AS "commitmentId", f.name, f.email, b.language
             FROM follow_up_committee_member f LEFT JOIN dialogue_board_member b ON b.id = f.dialogue_board_member_id
            WHERE f.commitment_id = ANY($1) ORDER BY f.created_at, f.id`,
          [onAgenda],
        )
      : [];
    return invitationRecipients({ boardMembers: board, committeeMembers: committee, agendaCommitmentIds: onAgenda, defaultLanguage });
  }

  /** Of the recipients, those an invitation or update of this check-in was sent to; addresses no longer among them keep the default language. */
  private async invitedOf(checkInId: string, current: InvitationRecipient[], defaultLanguage: Language): Promise<InvitationRecipient[]> {
    const rows: { to_address: string }[] = await this.db.query(
      `SELECT DISTINCT to_address FROM outbox_message WHERE ${INVITED_KEY_KINDS.map((_, i) => `idempotency_key LIKE $${i + 1}`).join(' OR ')}`,
      INVITED_KEY_KINDS.map((kind) => `${checkInEmailKey(kind, checkInId, 0, '').replace(/0:$/, '')}%`),
    );
    const byEmail = new Map(current.map((r) => [r.email.toLowerCase(), r]));
    return rows
      .map((row) => byEmail.get(row.to_address.toLowerCase()) ?? { email: row.to_address, name: row.to_address, language: defaultLanguage })
      .sort((a, b) => (a.email.toLowerCase() < b.email.toLowerCase() ? -1 : 1));
  }

  /** The agenda of the meeting at `scheduledFor` from the plan's state now (D's composeAgenda). */
  private async agendaOf(manager: EntityManager, planId: string, scheduledFor: Date, policy: CheckInPolicy, timeZone: string): Promise<AgendaItem[]> {
    return composeAgenda(await this.planState(manager, planId, scheduledFor), { now: new Date(), policy, timeZone });
  }

  private async planState(manager: EntityManager, planId: string, scheduledFor: Date): Promise<PlanStateForAgenda> {
    const commitments = await this.commitments.ofPlan(planId);
    const ids = commitments.map((c) => c.id);
    const milestones: { id: string; commitmentId: string; title: string; status: string; dueAt: Date }[] = await manager.query(
      `SELECT id, commitment_id AS "commitmentId", title, status, due_at AS "dueAt" FROM milestone WHERE commitment_id = ANY($1)`,
      [ids],
    );
    // Evidence delivered to its milestone's workflow and not decided on yet.
    const evidence: { id: string; milestoneId: string; milestoneTitle: string; commitmentId: string }[] = await manager.query(
      `SELECT e.id, e.milestone_id AS "milestoneId", m.title AS "milestoneTitle", m.commitment_id AS "commitmentId"
         FROM evidence e JOIN milestone m ON m.id = e.milestone_id
        WHERE m.commitment_id = ANY($1) AND m.status = 'under_review' AND e.delivered_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM evidence_review r WHERE r.evidence_id = e.id)`,
      [ids],
    );
    const escalations: { id: string; milestoneId: string; milestoneTitle: string; commitmentId: string; level: number; recommendation: string | null }[] = await manager.query(
      `SELECT x.id, x.milestone_id AS "milestoneId", m.title AS "milestoneTitle", m.commitment_id AS "commitmentId", x.level, x.recommendation
         FROM escalation x JOIN milestone m ON m.id = x.milestone_id
        WHERE m.commitment_id = ANY($1) AND x.status IN ('open', 'acknowledged')`,
      [ids],
    );
    // Replannings since the previous meeting of the plan (not cancelled); all of them before the first.
    const previous: { scheduledFor: Date | null }[] = await manager.query(
      `SELECT max(scheduled_for) AS "scheduledFor" FROM check_in WHERE plan_id = $1 AND scheduled_for < $2 AND status <> $3`,
      [planId, scheduledFor, CheckInStatus.Cancelled],
    );
    const since = previous[0]?.scheduledFor ?? new Date(0);
    const replannings: { id: string; milestoneId: string; milestoneTitle: string; commitmentId: string; previousDueAt: Date; newDueAt: Date; reason: string }[] = await manager.query(
      `SELECT r.id, r.milestone_id AS "milestoneId", m.title AS "milestoneTitle", m.commitment_id AS "commitmentId",
              r.previous_due_at AS "previousDueAt", r.new_due_at AS "newDueAt", r.reason
         FROM milestone_replanning r JOIN milestone m ON m.id = r.milestone_id
        WHERE m.commitment_id = ANY($1) AND r.changed_at > $2`,
      [ids, since],
    );
    const actionItems = await manager.getRepository(ActionItemEntity).find({ where: { planId, status: ActionItemStatus.Open }, order: { dueAt: 'ASC', id: 'ASC' } });
    const of = <T extends { commitmentId: string }>(rows: T[], commitmentId: string) => rows.filter((r) => r.commitmentId === commitmentId);
    return {
      commitments: commitments.map((c) => ({
        id: c.id,
        title: c.title,
        milestones: of(milestones, c.id).map((m) => ({ id: m.id, title: m.title, status: m.status as never, dueAt: m.dueAt })),
        evidenceUnderReview: of(evidence, c.id),
        openEscalations: of(escalations, c.id),
        replanningsSince: of(replannings, c.id),
      })),
      openActionItems: actionItems.map((a) => ({ id: a.id, title: a.title, ownerName: a.ownerName, dueAt: a.dueAt, commitmentId: a.commitmentId, checkInId: a.checkInId })),
    };
  }
}
