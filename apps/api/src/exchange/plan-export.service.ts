import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CommitmentStatus, CompletionLevel, completionValue, MilestoneStatus } from '@app/domain';
import { toDecidimResultsCsv } from '@app/exchange';
import { ActionPlanEntity, JurisdictionEntity } from '@app/persistence';
import { mapAssessment } from '../commitments/dto/commitment.dto';
import { PlanTreeLoader } from '../plans/plan-tree.loader';
import { ProgressService } from '../plans/progress.service';
import { PLAN_DOCUMENT_FORMAT, PlanDocumentDto } from './plan-document.dto';

/** A plan written out: as a portable JSON document, or as Decidim accountability results. */
@Injectable()
export class PlanExportService {
  constructor(
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    private readonly tree: PlanTreeLoader,
    private readonly progress: ProgressService,
  ) {}

  /** Everything that defines the plan, without database ids, in a stable order (so equal plans export equal). */
  async document(plan: ActionPlanEntity): Promise<PlanDocumentDto> {
    const { commitments, milestones, replannings, committee, assessments, agencies } = await this.tree.load(plan);
    const agencyName = (id: string) => agencies.get(id)!.name;
    const usedAgencies = [...new Set([...commitments.map((c) => c.leadAgencyId), ...milestones.map((m) => m.responsibleAgencyId)])]
      .map((id) => agencies.get(id)!)
      .sort((a, b) => a.name.localeCompare(b.name));
    return {
      format: PLAN_DOCUMENT_FORMAT,
      plan: {
        title: plan.title,
        periodStart: plan.periodStart,
        periodEnd: plan.periodEnd,
        termEnd: plan.termEnd,
        strategicVision: plan.strategicVision,
        status: plan.status,
        policy: plan.policy,
        imb: plan.imbName ? { name: plan.imbName, contacts: plan.imbContacts } : null,
        endorsingStakeholders: plan.endorsingStakeholders,
      },
      agencies: usedAgencies.map((a) => ({ name: a.name, contacts: a.contacts, language: a.language })),
      commitments: commitments.map((c) => ({
        externalId: c.externalId,
        title: c.title,
        description: c.description,
        leadAgency: agencyName(c.leadAgencyId),
        supportingStakeholders: c.supportingStakeholders,
        ogpValues: c.ogpValues,
        challengeArea: c.challengeArea,
        sdgTags: c.sdgTags,
        status: c.status,
        policy: c.policyOverrides,
        committee: committee
          .filter((m) => m.commitmentId === c.id)
          .map((m) => ({ kind: m.kind, name: m.name, organisation: m.organisation, email: m.email })),
        assessments: assessments
          .filter((a) => a.commitmentId === c.id)
          .map((a) => {
            const { id: _id, commitmentId: _commitmentId, ...portable } = mapAssessment(a); // no database ids in a document
            return portable;
          }),
        milestones: milestones
          .filter((m) => m.commitmentId === c.id)
          .map((m) => ({
            externalId: m.externalId,
            title: m.title,
            expectedOutput: m.expectedOutput,
            startAt: m.startAt.toISOString(),
            dueAt: m.dueAt.toISOString(),
            originalDueAt: m.originalDueAt.toISOString(),
            responsibleAgency: agencyName(m.responsibleAgencyId),
            weight: m.weight,
            verifiable: m.verifiable,
            completion: m.completion,
            cancelledReason: m.status === MilestoneStatus.Cancelled ? (m.cancelledReason ?? '') : null,
            replanning: replannings
              .filter((r) => r.milestoneId === m.id)
              .map((r) => ({ previousDueAt: r.previousDueAt.toISOString(), newDueAt: r.newDueAt.toISOString(), reason: r.reason, actor: r.actor, changedAt: r.changedAt.toISOString() })),
          })),
      })),
    };
  }

  /**
   * Progress in the column layout of Decidim's accountability results importer: commitments as
   * parent results, milestones as their children. Ids are positions in this file (Decidim wants
   * integers); our own ids travel in `external_id`.
   */
  async decidimCsv(plan: ActionPlanEntity): Promise<string> {
    const jurisdiction = await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId });
    const { commitments, milestones } = await this.tree.load(plan);
    const progress = await this.progress.ofPlan(plan);
    const percent = (value: number | null) => (value === null ? null : Math.round(value * 10_000) / 100);
    const locale = jurisdiction.defaultLanguage;
    let next = 0;
    const numbers = new Map<string, string>();
    const numberOf = (id: string) => numbers.get(id) ?? (numbers.set(id, String(++next)), numbers.get(id)!);
    const date = (d: Date) => d.toISOString().slice(0, 10);
    const rows = commitments.flatMap((c) => {
      const own = milestones.filter((m) => m.commitmentId === c.id);
      const cp = progress.commitments.find((p) => p.id === c.id)!;
      return [
        {
          id: numberOf(c.id),
          parentId: null,
          title: { [locale]: c.title },
          description: { [locale]: c.description ?? '' },
          startDate: own.length ? date(new Date(Math.min(...own.map((m) => m.startAt.getTime())))) : plan.periodStart,
          endDate: own.length ? date(new Date(Math.max(...own.map((m) => m.dueAt.getTime())))) : plan.periodEnd,
          statusId: null,
          progress: c.status === CommitmentStatus.Cancelled ? null : percent(cp.progress),
          externalId: c.id,
          weight: null,
        },
        ...own.map((m) => ({
          id: numberOf(m.id),
          parentId: numberOf(c.id),
          title: { [locale]: m.title },
          description: { [locale]: m.expectedOutput ?? '' },
          startDate: date(m.startAt),
          endDate: date(m.dueAt),
          statusId: null,
          progress: m.completion ? percent(completionValue(m.completion as CompletionLevel)) : null,
          externalId: m.id,
          weight: m.weight,
        })),
      ];
    });
    return toDecidimResultsCsv(rows, [locale]);
  }
}
