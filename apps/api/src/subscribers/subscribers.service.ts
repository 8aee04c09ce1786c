import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig, subscriberConfig } from '@app/config';
import { ERASED_ADDRESS, normalizeEmail, SUBSCRIBER_STATUSES, type SubscriberStatus } from '@app/domain';
import { CommitmentEntity, OutboxMessageEntity, recordAudit, SubscriberEntity } from '@app/persistence';
import { Actor } from '../auth/actor';
import { PlanScope } from '../auth/plan-scope.service';
import { ProblemException } from '../common/problem-details.filter';
import type { ImportReportDto } from '../exchange/plan-document.dto';
import type { SubscriberErasedDto, SubscriberExportDto, SubscriberSummaryDto } from './dto/subscriber.dto';
import { parseSubscribersCsv } from './subscribers-csv';

/**
 * The coordinator's side of a plan's subscribers: counts (no addresses), one person's data on request
 * (subject access), erasure, and the import of people who consented elsewhere. The address never goes
 * to a log or the audit trail: they carry a keyed hash of it, so two records about one person can be matched.
 */
@Injectable()
export class SubscribersService {
  private readonly logger = new Logger(SubscribersService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(SubscriberEntity) private readonly subscribers: Repository<SubscriberEntity>,
    @InjectRepository(CommitmentEntity) private readonly commitments: Repository<CommitmentEntity>,
    private readonly scope: PlanScope,
  ) {}

  async summary(actor: Actor, planId: string): Promise<SubscriberSummaryDto> {
    await this.scope.plan(actor, planId);
    const rows: { status: SubscriberStatus; language: string; whole: boolean; count: string }[] = await this.subscribers
      .createQueryBuilder('s')
      .select('s.status', 'status')
      .addSelect('s.language', 'language')
      .addSelect(`jsonb_array_length(s.commitment_ids) = 0`, 'whole')
      .addSelect('count(*)', 'count')
      .where('s.plan_id = :planId', { planId })
      .groupBy('1, 2, 3')
      .getRawMany();
    const byStatus = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<SubscriberStatus, number>;
    const byLanguage: Record<string, number> = {};
    let wholePlan = 0;
    for (const row of rows) {
      const count = Number(row.count);
      byStatus[row.status] += count;
      if (row.status !== 'confirmed') continue;
      byLanguage[row.language] = (byLanguage[row.language] ?? 0) + count;
      if (row.whole) wholePlan += count;
    }
    return { planId, total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus, byLanguage, wholePlan };
  }

  async export(actor: Actor, planId: string, email: string): Promise<SubscriberExportDto> {
    const plan = await this.scope.plan(actor, planId);
    const subscriber = await this.find(planId, email);
    const titles = new Map((await this.commitments.findBy({ planId, id: In(subscriber.commitmentIds) })).map((c) => [c.id, c.title]));
    const emails = await this.dataSource
      .getRepository(OutboxMessageEntity)
      .createQueryBuilder('o')
      .where('position(:id in o.idempotency_key) > 0', { id: subscriber.id })
      .orderBy('o.created_at', 'ASC')
      .getMany();
    await this.dataSource.transaction((manager) =>
      recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'subscriber.exported', entityType: 'subscriber', entityId: subscriber.id, after: { planId, emailHash: this.hash(email) } }),
    );
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      subscriber: {
        id: subscriber.id,
        planId,
        email: subscriber.email,
        language: subscriber.language,
        commitments: subscriber.commitmentIds.map((id) => ({ id, title: titles.get(id) ?? null })),
        status: subscriber.status,
        consentSource: subscriber.consentSource,
        consentedAt: iso(subscriber.consentedAt),
        confirmationSentAt: iso(subscriber.confirmationSentAt),
        confirmedAt: iso(subscriber.confirmedAt),
        unsubscribedAt: iso(subscriber.unsubscribedAt),
        bounceCount: subscriber.bounceCount,
        lastBounceAt: iso(subscriber.lastBounceAt),
        createdAt: subscriber.createdAt.toISOString(),
      },
      emails: emails.map((o) => ({ idempotencyKey: o.idempotencyKey, subject: o.subject, status: o.status, createdAt: o.createdAt.toISOString(), sentAt: iso(o.sentAt) })),
    };
  }

  /** Deletes the subscriber and writes a placeholder over the address in its outbox messages; the audit keeps a keyed hash only. */
  async erase(actor: Actor, planId: string, email: string): Promise<SubscriberErasedDto> {
    const plan = await this.scope.plan(actor, planId);
    const subscriber = await this.find(planId, email);
    const emailHash = this.hash(email);
    const redacted = await this.dataSource.transaction(async (manager) => {
      const result: [unknown[], number] = await manager.query(
        `UPDATE outbox_message SET to_address = $1 WHERE lower(to_address) = $2 AND position($3 in idempotency_key) > 0`,
        [ERASED_ADDRESS, normalizeEmail(subscriber.email), subscriber.id],
      );
      await manager.delete(SubscriberEntity, { id: subscriber.id });
      await recordAudit(manager, {
        jurisdictionId: plan.jurisdictionId,
        actor,
        action: 'subscriber.erased',
        entityType: 'subscriber',
        entityId: subscriber.id,
        before: { planId, emailHash, status: subscriber.status, language: subscriber.language, consentSource: subscriber.consentSource },
        after: null,
      });
      return result[1];
    });
    this.logger.log({ msg: 'subscriber erased', planId, subscriberId: subscriber.id, emailHash, outboxMessagesRedacted: redacted });
    return { planId, erased: true, outboxMessagesRedacted: redacted };
  }

  /**
   * Imports people who consented elsewhere as confirmed (consent source `import`). Nothing is written
   * when any row is wrong; a dry run only reports. A known address stays as it is when confirmed, is
   * confirmed when pending, and is refused when it unsubscribed or bounced (its withdrawal stands).
   */
  async importCsv(actor: Actor, planId: string, csv: string, dryRun: boolean, now = new Date()): Promise<ImportReportDto> {
    const plan = await this.scope.plan(actor, planId, 'write');
    const { rows, errors } = parseSubscribersCsv(csv, now);
    const commitmentIds = new Map((await this.commitments.findBy({ planId })).filter((c) => c.externalId).map((c) => [c.externalId!, c.id]));
    const known = new Map<string, SubscriberEntity>();
    if (rows.length > 0) {
      const existing = await this.subscribers.createQueryBuilder('s').where('s.plan_id = :planId AND lower(s.email) IN (:...emails)', { planId, emails: rows.map((r) => r.email) }).getMany();
      for (const s of existing) known.set(normalizeEmail(s.email), s);
    }
    const summary = { rows: rows.length + new Set(errors.map((e) => e.line)).size, created: 0, confirmed: 0, unchanged: 0 };
    for (const row of rows) {
      for (const id of row.commitmentExternalIds) if (!commitmentIds.has(id)) errors.push({ line: row.line, field: 'commitment_external_ids', message: `no commitment of this plan has external id "${id}"` });
      const existing = known.get(row.email);
      if (existing && (existing.status === 'unsubscribed' || existing.status === 'bounced')) {
        errors.push({ line: row.line, field: 'email', message: `this address is ${existing.status} in this plan; it is not subscribed again by an import` });
      } else if (!existing) summary.created++;
      else if (existing.status === 'pending') summary.confirmed++;
      else summary.unchanged++;
    }
    if (errors.length > 0) {
      errors.sort((a, b) => a.line - b.line);
      const report = { dryRun, valid: false, errors, planId, summary };
      if (dryRun) return report;
      throw new ProblemException(422, 'Unprocessable Entity', `The import has ${errors.length} error(s); nothing was imported.`, errors);
    }
    if (dryRun) return { dryRun, valid: true, errors: [], planId, summary };
    await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(SubscriberEntity);
      for (const row of rows) {
        const ids = row.commitmentExternalIds.map((id) => commitmentIds.get(id)!);
        const existing = known.get(row.email);
        if (!existing) {
          await repo.insert({ planId, email: row.email, language: row.language, commitmentIds: ids, status: 'confirmed', consentSource: 'import', consentedAt: row.consentedAt, confirmedAt: now });
        } else if (existing.status === 'pending') {
          await repo.update({ id: existing.id }, { language: row.language, commitmentIds: ids, status: 'confirmed', consentSource: 'import', consentedAt: row.consentedAt, confirmedAt: now, confirmExpiresAt: null });
        }
      }
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'subscribers.imported', entityType: 'action_plan', entityId: planId, after: summary });
    });
    return { dryRun, valid: true, errors: [], planId, summary };
  }

  private async find(planId: string, email: string): Promise<SubscriberEntity> {
    const subscriber = await this.subscribers.createQueryBuilder('s').where('s.plan_id = :planId AND lower(s.email) = :email', { planId, email: normalizeEmail(email) }).getOne();
    if (!subscriber) throw new ProblemException(404, 'Not Found', 'No subscriber of this plan has that address.', [{ field: 'email', message: 'no subscriber of this plan has this address' }]);
    return subscriber;
  }

  /** A keyed hash of the address (not reversible without the link secret), for logs and the audit trail. */
  private hash(email: string): string {
    return createHmac('sha256', subscriberConfig(this.config).linkSecret).update(`subscriber-email:${normalizeEmail(email)}`).digest('hex').slice(0, 32);
  }
}
