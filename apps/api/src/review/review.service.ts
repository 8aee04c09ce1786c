import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CommitmentEntity, EscalationEntity, EvidenceEntity } from '@app/persistence';
import { MilestoneWorkflows } from '@app/temporal';
import { notFound } from '../auth/access';
import { Actor, Role } from '../auth/actor';
import { Page, pageOf, toPage } from '../common/pagination';
import { PlanScope } from '../auth/plan-scope.service';
import { EscalationActionResultDto, EscalationDto, ListEscalationsQueryDto, mapEscalation, ReviewEvidenceDto, ReviewResultDto } from './review.dto';

/**
 * The follow-up committee's review of evidence and the IMB's work on escalations. Both go to the
 * milestone's workflow as Updates: the workflow decides (its validators refuse what does not fit its
 * state) and its activities record the outcome.
 */
@Injectable()
export class ReviewService {
  constructor(
    @InjectRepository(EvidenceEntity) private readonly evidence: Repository<EvidenceEntity>,
    @InjectRepository(EscalationEntity) private readonly escalations: Repository<EscalationEntity>,
    private readonly scope: PlanScope,
    private readonly workflows: MilestoneWorkflows,
  ) {}

  async review(actor: Actor, evidenceId: string, dto: ReviewEvidenceDto): Promise<ReviewResultDto> {
    const evidence = await this.evidence.findOneBy({ id: evidenceId });
    if (!evidence) throw notFound('evidence', evidenceId);
    await this.scope.milestone(actor, evidence.milestoneId, 'write').catch(() => {
      throw notFound('evidence', evidenceId);
    });
    const result = await this.workflows.reviewEvidence(evidence.milestoneId, { evidenceId, decision: dto.decision, completion: dto.completion, comments: dto.comments, reviewer: actor.label });
    return { evidenceId, milestoneId: evidence.milestoneId, milestoneStatus: result.status };
  }

  async list(actor: Actor, query: ListEscalationsQueryDto): Promise<Page<EscalationDto>> {
    const qb = this.escalations
      .createQueryBuilder('e')
      .innerJoin('milestone', 'm', 'm.id = e.milestone_id')
      .innerJoin(CommitmentEntity, 'c', 'c.id = m.commitment_id')
      .innerJoin('action_plan', 'p', 'p.id = c.plan_id')
      .orderBy('e.raised_at', 'DESC');
    if (actor.role !== Role.Admin) qb.andWhere('p.jurisdiction_id = :jurisdictionId', { jurisdictionId: actor.jurisdictionId });
    if (query.status) qb.andWhere('e.status = :status', { status: query.status });
    if (query.planId) qb.andWhere('p.id = :planId', { planId: query.planId });
    const { take, skip } = pageOf(query);
    const [rows, total] = await qb.take(take).skip(skip).getManyAndCount();
    return toPage(rows.map(mapEscalation), total, query);
  }

  async act(actor: Actor, escalationId: string, action: 'acknowledge' | 'recommend' | 'resolve', input: { text?: string; keepMilestoneOpen?: boolean } = {}): Promise<EscalationActionResultDto> {
    const escalation = await this.escalations.findOneBy({ id: escalationId });
    if (!escalation) throw notFound('escalation', escalationId);
    await this.scope.milestone(actor, escalation.milestoneId).catch(() => {
      throw notFound('escalation', escalationId);
    });
    // The Update's id names the act and its content: the same request sent again (a retry) gets the same answer.
    const result = await this.workflows.escalationAction(escalation.milestoneId, action, { escalationId, by: actor.label, role: actor.role, ...input });
    return { ...mapEscalation(await this.escalations.findOneByOrFail({ id: escalationId })), milestoneStatus: result.status };
  }
}
