import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isDigestMonth } from '@app/domain';
import { DigestIssueEntity, DigestSendEntity, recordAudit } from '@app/persistence';
import { DigestWorkflows } from '@app/temporal';
import { notFound } from '../auth/access';
import { Actor } from '../auth/actor';
import { PlanScope, ruleViolation } from '../auth/plan-scope.service';
import { DigestIssueSummaryDto, DigestSendDto } from './digests.dto';

/**
 * The digest archive of a plan (one issue per month and language) and each month's send: its
 * progress (digest_send, or the running workflow's query when fresher) and the coordinator's
 * pause, resume and cancel (signals to `digest-<planId>-<month>`, audited).
 */
@Injectable()
export class DigestsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly scope: PlanScope,
    private readonly workflows: DigestWorkflows,
  ) {}

  async list(actor: Actor, planId: string): Promise<DigestIssueSummaryDto[]> {
    await this.scope.plan(actor, planId);
    const issues = await this.db.getRepository(DigestIssueEntity).find({ where: { planId }, select: { id: true, month: true, language: true, subject: true, composedAt: true }, order: { month: 'DESC', language: 'ASC' } });
    return issues.map((i) => ({ id: i.id, month: i.month, language: i.language, subject: i.subject, composedAt: i.composedAt.toISOString() }));
  }

  async progress(actor: Actor, planId: string, month: string): Promise<DigestSendDto> {
    await this.scope.plan(actor, planId);
    return this.view(planId, this.month(month));
  }

  async act(actor: Actor, planId: string, month: string, act: 'pause' | 'resume' | 'cancel'): Promise<DigestSendDto> {
    const plan = await this.scope.plan(actor, planId, 'write');
    this.month(month);
    await this.view(planId, month); // 404 when the month was never sent
    await this.workflows[act](planId, month);
    await this.db.transaction((manager) =>
      recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: `digest_send.${act}`, entityType: 'digest_send', entityId: `${planId}:${month}`, before: null, after: { planId, month, act } }),
    );
    return this.view(planId, month);
  }

  private month(month: string): string {
    if (!isDigestMonth(month)) throw ruleViolation('month', 'month must be YYYY-MM');
    return month;
  }

  private async view(planId: string, month: string): Promise<DigestSendDto> {
    const send = await this.db.getRepository(DigestSendEntity).findOneBy({ planId, month });
    if (!send) throw notFound('digest send of', `${planId} for ${month}`);
    const live = send.status === 'running' || send.status === 'paused' ? await this.workflows.progress(planId, month).catch(() => null) : null;
    const counts = live && live.status !== 'preparing' ? { status: live.status, sent: live.sent, skipped: live.skipped, failed: live.failed, total: live.total } : { status: send.status, sent: send.sent, skipped: send.skipped, failed: send.failed, total: send.total };
    return { planId, month, ...counts, startedAt: send.startedAt.toISOString(), finishedAt: send.finishedAt?.toISOString() ?? null };
  }
}
