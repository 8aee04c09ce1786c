import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, Repository } from 'typeorm';
import { AssessmentAssessor, checkActiveCommitmentLimit, checkMilestoneWeights, CommitmentStatus, FOLLOWED_MILESTONE_STATUSES, InvalidPolicyError, MilestoneStatus, MonitoringPolicy, resolvePolicy } from '@app/domain';
import { CommitmentWorkflows } from '@app/temporal';
import { CommitmentAssessmentEntity, CommitmentEntity, MilestoneEntity, MilestoneRepository, recordAudit } from '@app/persistence';
import { Actor, Role } from '../auth/actor';
import { staleVersion } from '../common/etag';
import { Page, pageOf, toPage } from '../common/pagination';
import { ProblemException } from '../common/problem-details.filter';
import { definedOnly, requireChanges, uniqueOr409 } from '../common/unique';
import {
  AssessmentDto,
  CommitmentAssessmentsDto,
  CommitmentDto,
  CreateAssessmentDto,
  CreateCommitmentDto,
  ListCommitmentsQueryDto,
  mapAssessment,
  mapCommitment,
  SetMilestoneWeightsDto,
  UpdateCommitmentDto,
} from './dto/commitment.dto';
import { CommitmentStateDto, mapMilestone, MilestoneDto } from '../milestones/dto/milestone.dto';
import type { MonitoringPolicyDto } from '../plans/dto/plan.dto';
import { MilestoneWorkflowSync } from '../milestones/milestone-workflow-sync.service';
import { PlanScope, ruleViolation } from '../auth/plan-scope.service';
import { assertAgencyOf } from '../jurisdictions/assert-agency-of';

const CANCELLED_WITH_COMMITMENT = 'The commitment was cancelled';

/** Commitments of a plan, their assessments and milestone weights. */
@Injectable()
export class CommitmentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(CommitmentEntity) private readonly commitments: Repository<CommitmentEntity>,
    @InjectRepository(CommitmentAssessmentEntity) private readonly assessments: Repository<CommitmentAssessmentEntity>,
    private readonly milestones: MilestoneRepository,
    private readonly scope: PlanScope,
    private readonly workflowSync: MilestoneWorkflowSync,
    private readonly workflows: CommitmentWorkflows,
  ) {}

  /** The commitment workflow's own view; 404 while it never ran (a draft plan), 503 when Temporal cannot answer. */
  async workflowState(actor: Actor, id: string): Promise<CommitmentStateDto> {
    await this.scope.commitment(actor, id);
    return this.workflows.state(id);
  }

  async create(actor: Actor, planId: string, dto: CreateCommitmentDto): Promise<CommitmentDto> {
    const plan = await this.scope.plan(actor, planId, 'write');
    const saved = await uniqueOr409('externalId', `A commitment with externalId "${dto.externalId}" exists already in this plan.`, () =>
      this.db.transaction(async (manager) => {
        await lockPlanCommitments(manager, planId);
        await assertAgencyOf(manager, plan.jurisdictionId, dto.leadAgencyId, 'leadAgencyId');
        const limit = checkActiveCommitmentLimit(await manager.countBy(CommitmentEntity, { planId, status: CommitmentStatus.Active }));
        if (limit) throw ruleViolation(limit.field, limit.message);
        const commitment = await manager.save(
          manager.create(CommitmentEntity, {
            planId,
            title: dto.title,
            description: dto.description ?? null,
            leadAgencyId: dto.leadAgencyId,
            supportingStakeholders: dto.supportingStakeholders ?? [],
            ogpValues: dto.ogpValues ?? [],
            challengeArea: dto.challengeArea ?? null,
            sdgTags: dto.sdgTags ?? [],
            externalId: dto.externalId ?? null,
            status: CommitmentStatus.Active,
            policyOverrides: policyOverrides(dto.policy),
          }),
        );
        await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'commitment.created', entityType: 'commitment', entityId: commitment.id, after: commitment });
        return commitment;
      }),
    );
    return mapCommitment(saved);
  }

  async list(actor: Actor, planId: string, query: ListCommitmentsQueryDto): Promise<Page<CommitmentDto>> {
    await this.scope.plan(actor, planId);
    const where: FindOptionsWhere<CommitmentEntity> = { planId };
    if (query.status) where.status = query.status;
    const [rows, total] = await this.commitments.findAndCount({ where, order: { createdAt: 'ASC' }, ...pageOf(query) });
    return toPage(rows.map(mapCommitment), total, query);
  }

  async get(actor: Actor, id: string): Promise<CommitmentDto> {
    return mapCommitment((await this.scope.commitment(actor, id)).commitment);
  }

  async update(actor: Actor, id: string, version: number, dto: UpdateCommitmentDto): Promise<CommitmentDto> {
    requireChanges(dto);
    const { commitment: before, plan } = await this.scope.commitment(actor, id, 'write');
    const after = await uniqueOr409('externalId', `A commitment with externalId "${dto.externalId}" exists already in this plan.`, () =>
      this.db.transaction(async (manager) => {
        await lockPlanCommitments(manager, plan.id);
        if (dto.leadAgencyId) await assertAgencyOf(manager, plan.jurisdictionId, dto.leadAgencyId, 'leadAgencyId');
        if (dto.status === CommitmentStatus.Active && before.status !== CommitmentStatus.Active) {
          const limit = checkActiveCommitmentLimit(await manager.countBy(CommitmentEntity, { planId: plan.id, status: CommitmentStatus.Active }));
          if (limit) throw ruleViolation(limit.field, limit.message);
        }
        const { policy, ...fields } = dto;
        const changes: Partial<CommitmentEntity> = definedOnly(fields);
        if (policy !== undefined) changes.policyOverrides = policyOverrides(policy);
        const result = await manager.createQueryBuilder().update(CommitmentEntity).set(changes).where('id = :id AND version = :version', { id, version }).execute();
        if (!result.affected) throw staleVersion('commitment');
        const updated = await manager.findOneByOrFail(CommitmentEntity, { id });
        await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'commitment.updated', entityType: 'commitment', entityId: id, before, after: updated });
        if (dto.status === CommitmentStatus.Cancelled && before.status !== CommitmentStatus.Cancelled) {
          // Their workflows are told before the commit: if Temporal cannot be told, nothing is saved (503, try again).
          const cancelled = await cancelOpenMilestones(manager, this.milestones.withManager(manager), plan.jurisdictionId, actor, id);
          await this.workflowSync.cancelMany(cancelled, plan, CANCELLED_WITH_COMMITMENT);
        }
        return updated;
      }),
    );
    return mapCommitment(after);
  }

  /**
   * Sets every milestone's weight at once (they must sum to 1), or clears them all (equal shares).
   * The weights belong to the commitment: its version (If-Match) guards them and moves on with them,
   * so a coordinator working from an older view of the commitment gets 412 instead of overwriting.
   */
  async setWeights(actor: Actor, id: string, version: number, dto: SetMilestoneWeightsDto): Promise<MilestoneDto[]> {
    const { plan } = await this.scope.commitment(actor, id, 'write');
    const updated = await this.db.transaction(async (manager) => {
      const claimed = await manager.createQueryBuilder().update(CommitmentEntity).set({ version: () => 'version + 1' }).where('id = :id AND version = :version', { id, version }).execute();
      if (!claimed.affected) throw staleVersion('commitment');
      const repo = this.milestones.withManager(manager);
      const milestones = await repo.lockOfCommitment(id);
      const given = new Map((dto.weights ?? []).map((w) => [w.milestoneId, w.weight]));
      if (dto.weights) {
        const unknown = [...given.keys()].filter((mid) => !milestones.some((m) => m.id === mid));
        if (unknown.length > 0) throw ruleViolation('weights', `Not milestones of this commitment: ${unknown.join(', ')}`);
        const missing = milestones.filter((m) => !given.has(m.id));
        if (missing.length > 0) throw ruleViolation('weights', `Give a weight to every milestone of the commitment; missing: ${missing.map((m) => m.id).join(', ')}`);
      }
      const weights = milestones.map((m) => (dto.weights ? given.get(m.id)! : null));
      const violation = checkMilestoneWeights(weights);
      if (violation) throw ruleViolation('weights', violation.message);
      for (const [i, milestone] of milestones.entries()) {
        if (milestone.weight === weights[i]) continue;
        await repo.update(milestone.id, { weight: weights[i] });
        await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'milestone.weight_set', entityType: 'milestone', entityId: milestone.id, before: { weight: milestone.weight }, after: { weight: weights[i] } });
      }
      return repo.ofCommitments([id]);
    });
    return updated.map(mapMilestone);
  }

  /** The coordinator records the government's self-assessment; the IMB records its own. */
  async addAssessment(actor: Actor, id: string, dto: CreateAssessmentDto): Promise<AssessmentDto> {
    const { plan } = await this.scope.commitment(actor, id, 'write');
    const assessor = assessorFor(actor, dto.assessor);
    const saved = await this.db.transaction(async (manager) => {
      const assessment = await manager.save(
        manager.create(CommitmentAssessmentEntity, {
          commitmentId: id,
          assessor,
          completion: dto.completion,
          potentialForResults: dto.potentialForResults ?? null,
          didItOpenGovernment: dto.didItOpenGovernment ?? null,
          narrative: dto.narrative,
          actor: actor.label,
        }),
      );
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: `assessment.${assessor}_recorded`, entityType: 'commitment_assessment', entityId: assessment.id, after: assessment });
      return assessment;
    });
    return mapAssessment(saved);
  }

  async listAssessments(actor: Actor, id: string): Promise<CommitmentAssessmentsDto> {
    await this.scope.commitment(actor, id);
    return assessmentsOf(await this.assessments.find({ where: { commitmentId: id }, order: { assessedAt: 'DESC' } }));
  }
}

/** The fields a commitment overrides, checked against the rules of a whole policy; null for none. */
function policyOverrides(policy: MonitoringPolicyDto | null | undefined): Partial<MonitoringPolicy> | null {
  if (!policy) return null;
  const overrides = definedOnly(policy) as Partial<MonitoringPolicy>;
  try {
    resolvePolicy(overrides);
  } catch (error) {
    if (error instanceof InvalidPolicyError) throw ruleViolation(error.field, error.message);
    throw error;
  }
  return Object.keys(overrides).length > 0 ? overrides : null;
}

/**
 * The government's self-assessment and the IMB's assessment are separate records: the token says
 * whose a coordinator's or the IMB's is; the administrator acts for either and must name it.
 */
function assessorFor(actor: Actor, requested: AssessmentAssessor | undefined): AssessmentAssessor {
  const own = actor.role === Role.Imb ? AssessmentAssessor.Imb : actor.role === Role.Coordinator ? AssessmentAssessor.Government : null;
  if (!own) {
    if (!requested) throw ruleViolation('assessor', 'Say whose assessment this is (government or imb): the administrator records either, and they are kept apart.');
    return requested;
  }
  if (requested && requested !== own) throw ruleViolation('assessor', `A ${actor.role} token records the ${own === AssessmentAssessor.Imb ? "IMB's assessment" : "government's self-assessment"} only.`);
  return own;
}

export function assessmentsOf(rows: CommitmentAssessmentEntity[]): CommitmentAssessmentsDto {
  const history = rows.map(mapAssessment);
  return {
    government: history.find((a) => a.assessor === AssessmentAssessor.Government) ?? null,
    imb: history.find((a) => a.assessor === AssessmentAssessor.Imb) ?? null,
    history,
  };
}

/** Serialises writes that count a plan's commitments, so two creations cannot both pass the limit of five. */
async function lockPlanCommitments(manager: EntityManager, planId: string): Promise<void> {
  await manager.query('SELECT id FROM action_plan WHERE id = $1 FOR UPDATE', [planId]);
}

/** A cancelled commitment's milestones that are still followed are cancelled with it. */
async function cancelOpenMilestones(manager: EntityManager, milestones: MilestoneRepository, jurisdictionId: string, actor: Actor, commitmentId: string): Promise<MilestoneEntity[]> {
  const open = await milestones.lockOfCommitment(commitmentId, FOLLOWED_MILESTONE_STATUSES);
  for (const milestone of open) {
    await milestones.setStatus(milestone.id, MilestoneStatus.Cancelled, { also: { cancelledReason: CANCELLED_WITH_COMMITMENT } }); // every followed status may be cancelled
    const after = await milestones.getById(milestone.id);
    await recordAudit(manager, { jurisdictionId, actor, action: 'milestone.cancelled', entityType: 'milestone', entityId: milestone.id, before: milestone, after });
  }
  return open;
}
