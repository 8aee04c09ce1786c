import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { MilestoneStatus, PlanStatus, resolvePolicy } from '@app/domain';
import { ActionPlanEntity, AgencyEntity, CommitmentEntity, MilestoneEntity } from '@app/persistence';
import { MilestoneWorkflows } from '@app/temporal';
import { ProblemException } from '../common/problem-details.filter';
import { CommitmentDto, CreateCommitmentDto, CreatedMilestoneDto, CreateMilestoneDto, mapCommitment, mapMilestone, MilestoneDto } from './dto/commitment.dto';
import { CreatePlanDto, mapPlan, PlanDto } from './dto/plan.dto';
import { JurisdictionsService } from './jurisdictions.service';

/** Action plans, their commitments and milestones; milestone creation starts the milestone's workflow. */
@Injectable()
export class PlansService {
  constructor(
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    @InjectRepository(CommitmentEntity) private readonly commitments: Repository<CommitmentEntity>,
    @InjectRepository(MilestoneEntity) private readonly milestones: Repository<MilestoneEntity>,
    @InjectRepository(AgencyEntity) private readonly agencies: Repository<AgencyEntity>,
    private readonly jurisdictions: JurisdictionsService,
    private readonly workflows: MilestoneWorkflows,
  ) {}

  async createPlan(dto: CreatePlanDto): Promise<PlanDto> {
    await this.jurisdictions.require(dto.jurisdictionId);
    if (dto.periodStart >= dto.periodEnd) throw invalid('periodEnd', 'periodEnd must be after periodStart');
    if (dto.periodEnd > dto.termEnd) throw invalid('periodEnd', "periodEnd must not be after the end of the government's term (termEnd)");
    const plan = this.plans.create({
      jurisdictionId: dto.jurisdictionId,
      title: dto.title,
      periodStart: dto.periodStart,
      periodEnd: dto.periodEnd,
      termEnd: dto.termEnd,
      strategicVision: dto.strategicVision ?? null,
      status: dto.status ?? PlanStatus.Active,
      policy: resolvePolicy({ ...dto.policy }),
      imbName: dto.imb?.name ?? null,
      imbContactEmails: dto.imb?.contactEmails ?? [],
    });
    return mapPlan(await this.plans.save(plan));
  }

  async getPlan(id: string): Promise<PlanDto> {
    return mapPlan(await this.requirePlan(id));
  }

  async listCommitments(planId: string): Promise<CommitmentDto[]> {
    await this.requirePlan(planId);
    return (await this.commitments.find({ where: { planId }, order: { createdAt: 'ASC' } })).map(mapCommitment);
  }

  async createCommitment(planId: string, dto: CreateCommitmentDto): Promise<CommitmentDto> {
    const plan = await this.requirePlan(planId);
    await this.requireAgencyOf(plan.jurisdictionId, dto.leadAgencyId, 'leadAgencyId');
    const saved = await this.commitments.save(
      this.commitments.create({ planId, title: dto.title, description: dto.description ?? null, leadAgencyId: dto.leadAgencyId, ogpValues: dto.ogpValues ?? [] }),
    );
    return mapCommitment(saved);
  }

  async listMilestones(commitmentId: string): Promise<MilestoneDto[]> {
    await this.requireCommitment(commitmentId);
    return (await this.milestones.find({ where: { commitmentId }, order: { dueAt: 'ASC' } })).map(mapMilestone);
  }

  /**
   * Creates the milestone, then starts its workflow. When Temporal refuses the start the row is
   * removed again and the client gets a 503, so a milestone never exists unfollowed.
   */
  async createMilestone(commitmentId: string, dto: CreateMilestoneDto): Promise<CreatedMilestoneDto> {
    const commitment = await this.requireCommitment(commitmentId);
    const plan = await this.requirePlan(commitment.planId);
    await this.requireAgencyOf(plan.jurisdictionId, dto.responsibleAgencyId, 'responsibleAgencyId');
    const startAt = new Date(dto.startAt);
    const dueAt = new Date(dto.dueAt);
    if (startAt > dueAt) throw invalid('dueAt', 'dueAt must not be before startAt');
    const periodStart = new Date(`${plan.periodStart}T00:00:00Z`);
    const periodEnd = new Date(`${plan.periodEnd}T23:59:59.999Z`);
    if (startAt < periodStart) throw invalid('startAt', `startAt must be inside the plan's period (${plan.periodStart} to ${plan.periodEnd})`);
    if (dueAt > periodEnd) throw invalid('dueAt', `dueAt must be inside the plan's period (${plan.periodStart} to ${plan.periodEnd})`);

    const milestone = await this.milestones.save(
      this.milestones.create({
        commitmentId,
        title: dto.title,
        expectedOutput: dto.expectedOutput ?? null,
        startAt,
        dueAt,
        responsibleAgencyId: dto.responsibleAgencyId,
        status: MilestoneStatus.NotStarted,
      }),
    );
    try {
      const workflow = await this.workflows.start(milestone, plan.policy);
      return { milestone: mapMilestone(milestone), workflow };
    } catch (error) {
      await this.milestones.delete({ id: milestone.id });
      throw new ProblemException(503, 'Service Unavailable', `The workflow engine did not accept the milestone's workflow, so the milestone was not created. Try again. (${String(error)})`);
    }
  }

  async getMilestone(id: string): Promise<MilestoneDto> {
    const milestone = await this.milestones.findOneBy({ id });
    if (!milestone) throw new ProblemException(404, 'Not Found', `No milestone ${id}.`);
    return mapMilestone(milestone);
  }

  private async requirePlan(id: string): Promise<ActionPlanEntity> {
    const plan = await this.plans.findOneBy({ id });
    if (!plan) throw new ProblemException(404, 'Not Found', `No action plan ${id}.`);
    return plan;
  }

  private async requireCommitment(id: string): Promise<CommitmentEntity> {
    const commitment = await this.commitments.findOneBy({ id });
    if (!commitment) throw new ProblemException(404, 'Not Found', `No commitment ${id}.`);
    return commitment;
  }

  private async requireAgencyOf(jurisdictionId: string, agencyId: string, field: string): Promise<AgencyEntity> {
    const agency = await this.agencies.findOneBy({ id: agencyId, jurisdictionId });
    if (!agency) throw invalid(field, `${field} must name an agency of the plan's jurisdiction`);
    return agency;
  }
}

function invalid(field: string, message: string): ProblemException {
  return new ProblemException(422, 'Unprocessable Entity', message, [{ field, message }]);
}
