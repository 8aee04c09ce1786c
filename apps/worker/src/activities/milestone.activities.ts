import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  CompletionLevel,
  effectivePolicy,
  escalationEmailKey,
  escalationRecipients,
  evidenceEmailKey,
  Language,
  MilestoneStatus,
  SUPPORTED_LANGUAGES,
  uploadLinkExpiresAt,
} from '@app/domain';
import { ApplicationFailure } from '@temporalio/activity';
import { OutboxService, renderEscalationEmail, renderEvidenceRequestEmail } from '@app/mail';
import {
  ActionPlanEntity,
  AgencyEntity,
  CommitmentRepository,
  EscalationEntity,
  EscalationStatus,
  EvidenceEntity,
  EvidenceRequestEntity,
  EvidenceRequestStatus,
  EvidenceReviewEntity,
  JurisdictionEntity,
  MilestoneRepository,
  recordAudit,
} from '@app/persistence';
import { signUploadLink } from '@app/security';
import type { EscalationActionInput, MilestoneActivities as MilestoneActivitiesContract, ReviewEvidenceInput } from '@app/workflows';
import { heartbeatWhile } from './heartbeat';

const SYSTEM = { label: 'system', role: 'system' };

/** I/O of the milestone workflow. Each method is idempotent: Temporal may run it more than once. */
@Injectable()
export class MilestoneActivities implements MilestoneActivitiesContract {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly milestones: MilestoneRepository,
    private readonly commitments: CommitmentRepository,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async setMilestoneStatus(input: { milestoneId: string; status: MilestoneStatus; onlyFrom?: MilestoneStatus[] }): Promise<boolean> {
    // Only an allowed transition is written, and only from one of the statuses the workflow expects.
    return this.milestones.setStatus(input.milestoneId, input.status, { onlyFrom: input.onlyFrom });
  }

  async openEvidenceRequest(input: { milestoneId: string; cycle: number; dueAt?: string }): Promise<{ evidenceRequestId: string }> {
    const milestone = await this.milestones.getById(input.milestoneId);
    const commitment = await this.commitments.getById(milestone.commitmentId);
    const plan = await this.db.getRepository(ActionPlanEntity).findOneByOrFail({ id: commitment.planId });
    // The policy the workflow follows: the plan's, with the commitment's overrides.
    const policy = effectivePolicy(plan.policy, commitment.policyOverrides);
    const dueAt = input.dueAt ? new Date(input.dueAt) : milestone.dueAt;
    const repo = this.db.getRepository(EvidenceRequestEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        milestoneId: milestone.id,
        cycle: input.cycle,
        status: EvidenceRequestStatus.Open,
        dueAt,
        linkExpiresAt: uploadLinkExpiresAt(dueAt, policy),
      })
      .orIgnore()
      .execute();
    const request = await repo.findOneByOrFail({ milestoneId: milestone.id, cycle: input.cycle });
    return { evidenceRequestId: request.id };
  }

  async sendEvidenceRequestEmail(input: { evidenceRequestId: string; reminderNumber: number; returnedComments?: string }) {
    const request = await this.db.getRepository(EvidenceRequestEntity).findOneByOrFail({ id: input.evidenceRequestId });
    const milestone = await this.milestones.getById(request.milestoneId);
    const agency = await this.db.getRepository(AgencyEntity).findOneByOrFail({ id: milestone.responsibleAgencyId });
    const commitment = await this.commitments.getById(milestone.commitmentId);
    const jurisdiction = await this.db.getRepository(JurisdictionEntity).findOneByOrFail({ id: agency.jurisdictionId });
    const token = signUploadLink({ evidenceRequestId: request.id, expiresAt: request.linkExpiresAt }, this.config.uploadLinkSecret);
    const email = renderEvidenceRequestEmail(languageOf(agency.language), {
      agencyName: agency.name,
      milestoneTitle: milestone.title,
      expectedOutput: milestone.expectedOutput,
      commitmentTitle: commitment.title,
      dueAt: request.dueAt,
      uploadUrl: `${this.config.publicBaseUrl}/evidence-uploads/${token}`,
      linkExpiresAt: request.linkExpiresAt,
      timeZone: jurisdiction.timeZone,
      reminderNumber: input.reminderNumber,
      returnedComments: input.returnedComments,
      senderName: jurisdiction.name,
    });
    const idempotencyKey = evidenceEmailKey(milestone.id, request.cycle, input.reminderNumber);
    const outcome = await heartbeatWhile(() => this.outbox.send({ idempotencyKey, to: agency.contacts.map((c) => c.email).join(', '), jurisdictionId: jurisdiction.id, ...email }));
    if (input.reminderNumber > 0) {
      await this.db
        .getRepository(EvidenceRequestEntity)
        .createQueryBuilder()
        .update()
        .set({ remindersSent: () => `GREATEST(reminders_sent, ${Number(input.reminderNumber)})` })
        .where('id = :id', { id: request.id })
        .execute();
    }
    return outcome;
  }

  async recordEvidenceReceived(input: { milestoneId: string; evidenceRequestId: string; evidenceId: string }): Promise<void> {
    await this.db.transaction(async (manager) => {
      const fulfilled = await manager
        .getRepository(EvidenceRequestEntity)
        .update({ id: input.evidenceRequestId, status: EvidenceRequestStatus.Open }, { status: EvidenceRequestStatus.Fulfilled, fulfilledAt: new Date() });
      await manager.query('UPDATE evidence SET delivered_at = now() WHERE id = $1 AND delivered_at IS NULL', [input.evidenceId]); // taken: housekeeping never removes it (issue #8, defect 3)
      const milestones = this.milestones.withManager(manager);
      await milestones.setStatus(input.milestoneId, MilestoneStatus.UnderReview);
      if (!fulfilled.affected) return; // a retried activity: recorded already
      const evidence = await manager.findOneByOrFail(EvidenceEntity, { id: input.evidenceId });
      const plan = await milestones.planOf(await milestones.getById(input.milestoneId));
      await recordAudit(manager, {
        jurisdictionId: plan.jurisdictionId,
        actor: { label: evidence.submittedBy ?? 'upload-link', role: 'agency' },
        action: 'evidence.received',
        entityType: 'evidence',
        entityId: evidence.id,
        after: { milestoneId: evidence.milestoneId, evidenceRequestId: evidence.evidenceRequestId, claimedCompletion: evidence.claimedCompletion, links: evidence.links, isPublic: evidence.isPublic },
      });
    });
  }

  async recordReview(input: { milestoneId: string } & ReviewEvidenceInput): Promise<void> {
    await this.db.transaction(async (manager) => {
      const accepted = input.decision === 'accept';
      await manager
        .createQueryBuilder()
        .insert()
        .into(EvidenceReviewEntity)
        .values({
          evidenceId: input.evidenceId,
          milestoneId: input.milestoneId,
          decision: accepted ? 'accepted' : 'returned',
          completion: accepted ? (input.completion ?? null) : null,
          comments: input.comments ?? null,
          reviewer: input.reviewer,
        })
        .orIgnore()
        .execute();
      const milestones = this.milestones.withManager(manager);
      const before = await milestones.getById(input.milestoneId);
      if (accepted) await milestones.setStatus(input.milestoneId, MilestoneStatus.Completed, { also: { completion: input.completion } });
      const after = await milestones.getById(input.milestoneId);
      const plan = await milestones.planOf(after);
      await recordAudit(manager, {
        jurisdictionId: plan.jurisdictionId,
        actor: { label: input.reviewer, role: 'coordinator' },
        action: accepted ? 'evidence.accepted' : 'evidence.returned',
        entityType: 'evidence',
        entityId: input.evidenceId,
        before: { milestoneStatus: before.status, completion: before.completion },
        after: { milestoneStatus: after.status, completion: after.completion, comments: input.comments ?? null },
      });
    });
  }

  async raiseEscalation(input: { milestoneId: string; cycle: number; level: number; reason: 'overdue' | 'returned_again' }): Promise<{ escalationId: string }> {
    const repo = this.db.getRepository(EscalationEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ milestoneId: input.milestoneId, cycle: input.cycle, level: input.level, reason: input.reason, status: EscalationStatus.Open })
      .orIgnore()
      .execute();
    const escalation = await repo.findOneByOrFail({ milestoneId: input.milestoneId, cycle: input.cycle, level: input.level });
    if (input.level > 1) {
      // The lower level is superseded: the IMB works on one open escalation per milestone.
      await repo.update(
        { milestoneId: input.milestoneId, cycle: input.cycle, level: input.level - 1, status: In([EscalationStatus.Open, EscalationStatus.Acknowledged]) },
        { status: EscalationStatus.Resolved, resolution: `Raised to level ${input.level}`, resolvedAt: new Date() },
      );
    }
    const milestone = await this.milestones.getById(input.milestoneId);
    const commitment = await this.commitments.getById(milestone.commitmentId);
    const plan = await this.db.getRepository(ActionPlanEntity).findOneByOrFail({ id: commitment.planId });
    const jurisdiction = await this.db.getRepository(JurisdictionEntity).findOneByOrFail({ id: plan.jurisdictionId });
    const agency = await this.db.getRepository(AgencyEntity).findOneByOrFail({ id: milestone.responsibleAgencyId });
    const recipients = escalationRecipients(plan.imbContacts, jurisdiction.officeContacts);
    if (recipients.length === 0) throw ApplicationFailure.nonRetryable(`Plan ${plan.id} has no IMB or office contacts to escalate to`);
    const email = renderEscalationEmail(languageOf(jurisdiction.defaultLanguage), {
      milestoneTitle: milestone.title,
      commitmentTitle: commitment.title,
      agencyName: agency.name,
      dueAt: milestone.dueAt,
      level: input.level,
      reason: input.reason,
      timeZone: jurisdiction.timeZone,
      senderName: jurisdiction.name,
    });
    for (const to of recipients) {
      await heartbeatWhile(() => this.outbox.send({ idempotencyKey: escalationEmailKey(input.milestoneId, input.cycle, input.level, to), to, jurisdictionId: jurisdiction.id, ...email }));
    }
    return { escalationId: escalation.id };
  }

  async closeMilestoneWithoutEvidence(input: { milestoneId: string; escalationId: string; by: string; reason: string }): Promise<void> {
    await this.db.transaction(async (manager) => {
      const milestones = this.milestones.withManager(manager);
      const before = await milestones.getById(input.milestoneId);
      const closed = await milestones.setStatus(input.milestoneId, MilestoneStatus.ClosedWithoutEvidence, { also: { completion: CompletionLevel.NoEvidenceAvailable } });
      if (!closed) return; // a retried activity (closed already), or cancelled meanwhile
      // The upload link of the open request stops working: nothing is asked any more.
      await manager.update(EvidenceRequestEntity, { milestoneId: input.milestoneId, status: EvidenceRequestStatus.Open }, { status: EvidenceRequestStatus.Closed });
      const after = await milestones.getById(input.milestoneId);
      const plan = await milestones.planOf(after);
      await recordAudit(manager, {
        jurisdictionId: plan.jurisdictionId,
        actor: { label: input.by, role: 'imb' },
        action: 'milestone.closed_without_evidence',
        entityType: 'milestone',
        entityId: input.milestoneId,
        before: { status: before.status, completion: before.completion },
        after: { status: after.status, completion: after.completion, escalationId: input.escalationId, resolution: input.reason },
      });
    });
  }

  /** Called by the workflow as a local activity; see MilestoneActivities['readClock']. */
  async readClock(): Promise<number> {
    return Date.now();
  }

  async updateEscalation(input: { action: 'acknowledge' | 'recommend' | 'resolve' } & EscalationActionInput): Promise<void> {
    const now = new Date();
    const changes: Partial<EscalationEntity> =
      input.action === 'acknowledge'
        ? { status: EscalationStatus.Acknowledged, acknowledgedAt: now }
        : input.action === 'recommend'
          ? { recommendation: input.text ?? null }
          : { status: EscalationStatus.Resolved, resolution: input.text ?? null, resolvedAt: now };
    await this.db.transaction(async (manager) => {
      const before = await manager.findOneByOrFail(EscalationEntity, { id: input.escalationId });
      await manager.update(EscalationEntity, { id: input.escalationId }, changes);
      const after = await manager.findOneByOrFail(EscalationEntity, { id: input.escalationId });
      const milestones = this.milestones.withManager(manager);
      const plan = await milestones.planOf(await milestones.getById(before.milestoneId));
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor: input.by === 'system' ? SYSTEM : { label: input.by, role: input.role ?? 'imb' }, action: `escalation.${input.action}`, entityType: 'escalation', entityId: before.id, before, after });
    });
  }
}

function languageOf(value: string): Language {
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(value) ? (value as Language) : 'en';
}
