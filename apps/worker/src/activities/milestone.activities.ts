import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Language, MilestoneStatus, SUPPORTED_LANGUAGES } from '@app/domain';
import { OutboxService, renderEvidenceRequestEmail } from '@app/mail';
import {
  ActionPlanEntity,
  AgencyEntity,
  CommitmentEntity,
  EvidenceRequestEntity,
  EvidenceRequestStatus,
  JurisdictionEntity,
  MilestoneEntity,
} from '@app/persistence';
import { signUploadLink } from '@app/security';
import type { MilestoneActivities as MilestoneActivitiesContract } from '@app/workflows';

/** I/O of the milestone workflow. Each method is idempotent: Temporal may run it more than once. */
@Injectable()
export class MilestoneActivities implements MilestoneActivitiesContract {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async setMilestoneStatus(input: { milestoneId: string; status: MilestoneStatus; onlyFrom?: MilestoneStatus[] }): Promise<boolean> {
    const where = input.onlyFrom ? { id: input.milestoneId, status: In(input.onlyFrom) } : { id: input.milestoneId };
    const result = await this.db.getRepository(MilestoneEntity).update(where, { status: input.status });
    return (result.affected ?? 0) > 0;
  }

  async openEvidenceRequest(input: { milestoneId: string; cycle: number }): Promise<{ evidenceRequestId: string }> {
    const milestone = await this.db.getRepository(MilestoneEntity).findOneByOrFail({ id: input.milestoneId });
    const plan = await this.planOf(milestone);
    const repo = this.db.getRepository(EvidenceRequestEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        milestoneId: milestone.id,
        cycle: input.cycle,
        status: EvidenceRequestStatus.Open,
        dueAt: milestone.dueAt,
        linkExpiresAt: new Date(milestone.dueAt.getTime() + plan.policy.uploadLinkValidityAfterDueSeconds * 1000),
      })
      .orIgnore()
      .execute();
    const request = await repo.findOneByOrFail({ milestoneId: milestone.id, cycle: input.cycle });
    return { evidenceRequestId: request.id };
  }

  async sendEvidenceRequestEmail(input: { evidenceRequestId: string; reminderNumber: number }) {
    const request = await this.db.getRepository(EvidenceRequestEntity).findOneByOrFail({ id: input.evidenceRequestId });
    const milestone = await this.db.getRepository(MilestoneEntity).findOneByOrFail({ id: request.milestoneId });
    const agency = await this.db.getRepository(AgencyEntity).findOneByOrFail({ id: milestone.responsibleAgencyId });
    const commitment = await this.db.getRepository(CommitmentEntity).findOneByOrFail({ id: milestone.commitmentId });
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
    });
    const idempotencyKey =
      input.reminderNumber === 0
        ? `evidence-request:${milestone.id}:${request.cycle}`
        : `evidence-reminder:${milestone.id}:${request.cycle}:${input.reminderNumber}`;
    const outcome = await this.outbox.send({ idempotencyKey, to: agency.contacts.map((c) => c.email).join(', '), ...email });
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
      await manager
        .getRepository(EvidenceRequestEntity)
        .update({ id: input.evidenceRequestId, status: EvidenceRequestStatus.Open }, { status: EvidenceRequestStatus.Fulfilled, fulfilledAt: new Date() });
      await manager.getRepository(MilestoneEntity).update({ id: input.milestoneId }, { status: MilestoneStatus.UnderReview });
    });
  }

  private async planOf(milestone: MilestoneEntity): Promise<ActionPlanEntity> {
    const commitment = await this.db.getRepository(CommitmentEntity).findOneByOrFail({ id: milestone.commitmentId });
    return this.db.getRepository(ActionPlanEntity).findOneByOrFail({ id: commitment.planId });
  }
}

function languageOf(value: string): Language {
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(value) ? (value as Language) : 'en';
}
