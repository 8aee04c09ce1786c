import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import {
  ActionPlanEntity,
  AgencyEntity,
  CommitmentAssessmentEntity,
  CommitmentEntity,
  CommitmentRepository,
  FollowUpCommitteeMemberEntity,
  MilestoneEntity,
  MilestoneReplanningEntity,
  MilestoneRepository,
} from '@app/persistence';

/** Everything under a plan, read in a stable order (export documents and public pages both need it). */
export interface PlanTree {
  commitments: CommitmentEntity[];
  milestones: MilestoneEntity[];
  replannings: MilestoneReplanningEntity[];
  committee: FollowUpCommitteeMemberEntity[];
  /** Oldest first. */
  assessments: CommitmentAssessmentEntity[];
  agencies: Map<string, AgencyEntity>;
}

@Injectable()
export class PlanTreeLoader {
  constructor(
    @InjectRepository(AgencyEntity) private readonly agencies: Repository<AgencyEntity>,
    private readonly commitments: CommitmentRepository,
    private readonly milestones: MilestoneRepository,
    @InjectRepository(MilestoneReplanningEntity) private readonly replannings: Repository<MilestoneReplanningEntity>,
    @InjectRepository(FollowUpCommitteeMemberEntity) private readonly committee: Repository<FollowUpCommitteeMemberEntity>,
    @InjectRepository(CommitmentAssessmentEntity) private readonly assessments: Repository<CommitmentAssessmentEntity>,
  ) {}

  async load(plan: ActionPlanEntity): Promise<PlanTree> {
    const commitments = await this.commitments.ofPlan(plan.id);
    const commitmentIds = commitments.map((c) => c.id);
    const milestones = await this.milestones.ofCommitments(commitmentIds);
    const milestoneIds = milestones.map((m) => m.id);
    const replannings = milestoneIds.length ? await this.replannings.find({ where: { milestoneId: In(milestoneIds) }, order: { changedAt: 'ASC' } }) : [];
    const committee = commitmentIds.length ? await this.committee.find({ where: { commitmentId: In(commitmentIds) }, order: { createdAt: 'ASC', id: 'ASC' } }) : [];
    const assessments = commitmentIds.length ? await this.assessments.find({ where: { commitmentId: In(commitmentIds) }, order: { assessedAt: 'ASC', id: 'ASC' } }) : [];
    const agencies = new Map((await this.agencies.findBy({ jurisdictionId: plan.jurisdictionId })).map((a) => [a.id, a]));
    return { commitments, milestones, replannings, committee, assessments, agencies };
  }
}
