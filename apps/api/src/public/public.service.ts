import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ActionPlanEntity, CommitmentAssessmentEntity, JurisdictionEntity } from '@app/persistence';
import { notFound } from '../auth/access';
import { assessmentsOf } from '../commitments/commitments.service';
import type { AssessmentDto } from '../commitments/dto/commitment.dto';
import { PlanTreeLoader } from '../plans/plan-tree.loader';
import { ProgressService } from '../plans/progress.service';
import { PublicAssessmentDto, PublicAssessmentsDto, PublicJurisdictionDto, PublicPlanDto, PublicPlanSummaryDto } from './public.dto';
import { CachedRead, PublicReadCache } from './public-read-cache';
import { PUBLIC_READ_KEYS } from './public-read-keys';
import { findPublishedPlan, PUBLISHED_PLAN_STATUSES } from './published-plan';

/** What anyone may read: published plans (active or closed) with their progress, and no personal data. */
@Injectable()
export class PublicService {
  constructor(
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    private readonly tree: PlanTreeLoader,
    private readonly progress: ProgressService,
    private readonly cache: PublicReadCache,
  ) {}

  async jurisdictionList(): Promise<PublicJurisdictionDto[]> {
    return (await this.jurisdictions.find({ order: { name: 'ASC' } })).map((j) => ({ slug: j.slug, name: j.name, country: j.country, defaultLanguage: j.defaultLanguage }));
  }

  async plansOf(slug: string): Promise<PublicPlanSummaryDto[]> {
    const jurisdiction = await this.jurisdictions.findOneBy({ slug });
    if (!jurisdiction) throw notFound('jurisdiction', slug);
    const plans = await this.plans.find({ where: { jurisdictionId: jurisdiction.id, status: In(PUBLISHED_PLAN_STATUSES) }, order: { periodStart: 'DESC' } });
    return plans.map((p) => ({ id: p.id, title: p.title, periodStart: p.periodStart, periodEnd: p.periodEnd, status: p.status }));
  }

  /** The published plan through the public read cache (key `plan:<id>`): body and ETag computed once per load. */
  planRead(id: string): Promise<CachedRead<PublicPlanDto>> {
    return this.cache.read(PUBLIC_READ_KEYS.plan(id), () => this.loadPlan(id));
  }

  async plan(id: string): Promise<PublicPlanDto> {
    return (await this.planRead(id)).value;
  }

  /** The published plan read now, past the cache: for reads cached under their own key (plan.csv, Decidim), so they are at most one TTL old. */
  async loadPlan(id: string): Promise<PublicPlanDto> {
    const plan = await findPublishedPlan(this.plans, id);
    const jurisdiction = await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId });
    const { commitments, milestones, replannings, assessments: oldestFirst, agencies } = await this.tree.load(plan);
    const assessments = [...oldestFirst].reverse();
    const agencyNames = new Map([...agencies.values()].map((a) => [a.id, a.name]));
    return {
      id: plan.id,
      jurisdiction: jurisdiction.name,
      title: plan.title,
      periodStart: plan.periodStart,
      periodEnd: plan.periodEnd,
      termEnd: plan.termEnd,
      strategicVision: plan.strategicVision,
      status: plan.status,
      independentMonitoringBody: plan.imbName,
      endorsingStakeholders: plan.endorsingStakeholders,
      progress: await this.progress.ofPlan(plan),
      commitments: commitments.map((c) => ({
        id: c.id,
        externalId: c.externalId,
        title: c.title,
        description: c.description,
        leadAgency: agencyNames.get(c.leadAgencyId) ?? '',
        supportingStakeholders: c.supportingStakeholders,
        ogpValues: c.ogpValues,
        challengeArea: c.challengeArea,
        sdgTags: c.sdgTags,
        status: c.status,
        assessments: publicAssessments(assessments.filter((a) => a.commitmentId === c.id)),
        milestones: milestones
          .filter((m) => m.commitmentId === c.id)
          .map((m) => ({
            id: m.id,
            externalId: m.externalId,
            title: m.title,
            expectedOutput: m.expectedOutput,
            responsibleAgency: agencyNames.get(m.responsibleAgencyId) ?? '',
            startAt: m.startAt.toISOString(),
            dueAt: m.dueAt.toISOString(),
            originalDueAt: m.originalDueAt.toISOString(),
            status: m.status,
            completion: m.completion,
            verifiable: m.verifiable,
            replanning: replannings
              .filter((r) => r.milestoneId === m.id)
              .map((r) => ({ previousDueAt: r.previousDueAt.toISOString(), newDueAt: r.newDueAt.toISOString(), reason: r.reason, changedAt: r.changedAt.toISOString() })),
          })),
      })),
    };
  }
}

/** Both assessments without who recorded them (token labels may name people). */
function publicAssessments(rows: CommitmentAssessmentEntity[]): PublicAssessmentsDto {
  const all = assessmentsOf(rows);
  const strip = (a: AssessmentDto): PublicAssessmentDto => ({
    assessor: a.assessor,
    completion: a.completion,
    potentialForResults: a.potentialForResults,
    didItOpenGovernment: a.didItOpenGovernment,
    narrative: a.narrative,
    assessedAt: a.assessedAt,
  });
  return { government: all.government && strip(all.government), imb: all.imb && strip(all.imb), history: all.history.map(strip) };
}
