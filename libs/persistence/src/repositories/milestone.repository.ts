import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DeepPartial, EntityManager, In, Repository } from 'typeorm';
import { FOLLOWED_MILESTONE_STATUSES, MilestoneStatus, statusesLeadingTo } from '@app/domain';
import { ActionPlanEntity } from '../entities/action-plan.entity';
import { CommitmentEntity } from '../entities/commitment.entity';
import { MilestoneEntity } from '../entities/milestone.entity';

/** Filters of the milestone lists (GET /milestones, GET /plans/{id}/milestones). */
export interface MilestoneSearch {
  /**
   * Who may see what: rows of this jurisdiction only, and of this agency only (an agency's token).
   * Left out: no limit. Given as null (a token without one): nothing matches, never everything.
   */
  visibleTo: { jurisdictionId?: string | null; agencyId?: string | null };
  planId?: string;
  status?: string;
  agencyId?: string;
  commitmentId?: string;
  /** Due strictly before. */
  dueBefore?: Date;
  /** Due at or after. */
  dueAfter?: Date;
  take: number;
  skip: number;
}

/**
 * The milestone queries services, use cases and activities share. Inside a transaction, take
 * `withManager(manager)`: the same queries on the transaction's connection.
 */
@Injectable()
export class MilestoneRepository {
  constructor(@InjectRepository(MilestoneEntity) private readonly repo: Repository<MilestoneEntity>) {}

  withManager(manager: EntityManager): MilestoneRepository {
    return new MilestoneRepository(manager.getRepository(MilestoneEntity));
  }

  findById(id: string): Promise<MilestoneEntity | null> {
    return this.repo.findOneBy({ id });
  }

  getById(id: string): Promise<MilestoneEntity> {
    return this.repo.findOneByOrFail({ id });
  }

  /** By ids, optionally only those in `status`. */
  findByIds(ids: string[], status?: MilestoneStatus): Promise<MilestoneEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.repo.findBy({ id: In(ids), ...(status ? { status } : {}) });
  }

  /** Every milestone of the commitments, by due date (then title and id: a stable order for exports). */
  ofCommitments(commitmentIds: string[]): Promise<MilestoneEntity[]> {
    if (commitmentIds.length === 0) return Promise.resolve([]);
    return this.repo.find({ where: { commitmentId: In(commitmentIds) }, order: { dueAt: 'ASC', title: 'ASC', id: 'ASC' } });
  }

  /**
   * The commitment's milestones (only those in `statuses`, when given), by due date, locked for
   * update until the transaction ends: call it on `withManager(manager)`.
   */
  lockOfCommitment(commitmentId: string, statuses?: readonly MilestoneStatus[]): Promise<MilestoneEntity[]> {
    return this.repo.find({
      where: { commitmentId, ...(statuses ? { status: In([...statuses]) } : {}) },
      order: { dueAt: 'ASC', title: 'ASC', id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Milestones of the plan whose workflow is (or should be) running, by due date. */
  followedOfPlan(planId: string): Promise<MilestoneEntity[]> {
    return this.repo
      .createQueryBuilder('m')
      .innerJoin(CommitmentEntity, 'c', 'c.id = m.commitment_id')
      .where('c.plan_id = :planId AND m.status IN (:...statuses)', { planId, statuses: [...FOLLOWED_MILESTONE_STATUSES] })
      .orderBy('m.due_at', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .getMany();
  }

  /** How many milestones of the plan start before or end after the period (dates inclusive, UTC). */
  countOutsidePeriod(planId: string, period: { periodStart: string; periodEnd: string }): Promise<number> {
    return this.repo
      .createQueryBuilder('m')
      .innerJoin(CommitmentEntity, 'c', 'c.id = m.commitment_id')
      .where('c.plan_id = :planId', { planId })
      .andWhere('(m.start_at < :start OR m.due_at > :end)', { start: `${period.periodStart}T00:00:00Z`, end: `${period.periodEnd}T23:59:59.999Z` })
      .getCount();
  }

  /** Does any milestone of the commitment carry a weight (then all do: they sum to 1)? */
  async hasWeights(commitmentId: string): Promise<boolean> {
    return (await this.repo.createQueryBuilder('m').where('m.commitment_id = :commitmentId AND m.weight IS NOT NULL', { commitmentId }).getCount()) > 0;
  }

  /** A page of the milestones matching `search`, by due date, and how many match in all. */
  search(search: MilestoneSearch): Promise<[MilestoneEntity[], number]> {
    const qb = this.repo
      .createQueryBuilder('m')
      .innerJoin(CommitmentEntity, 'c', 'c.id = m.commitment_id')
      .innerJoin(ActionPlanEntity, 'p', 'p.id = c.plan_id')
      .orderBy('m.due_at', 'ASC')
      .addOrderBy('m.id', 'ASC');
    const { visibleTo } = search;
    if (visibleTo.jurisdictionId !== undefined) qb.andWhere('p.jurisdiction_id = :jurisdictionId', { jurisdictionId: visibleTo.jurisdictionId });
    if (visibleTo.agencyId !== undefined) qb.andWhere('m.responsible_agency_id = :own', { own: visibleTo.agencyId });
    if (search.planId) qb.andWhere('c.plan_id = :planId', { planId: search.planId });
    if (search.status) qb.andWhere('m.status = :status', { status: search.status });
    if (search.agencyId) qb.andWhere('m.responsible_agency_id = :agencyId', { agencyId: search.agencyId });
    if (search.commitmentId) qb.andWhere('m.commitment_id = :commitmentId', { commitmentId: search.commitmentId });
    if (search.dueBefore) qb.andWhere('m.due_at < :dueBefore', { dueBefore: search.dueBefore });
    if (search.dueAfter) qb.andWhere('m.due_at >= :dueAfter', { dueAfter: search.dueAfter });
    return qb.take(search.take).skip(search.skip).getManyAndCount();
  }

  /** The plan the milestone belongs to (through its commitment). */
  planOf(milestone: Pick<MilestoneEntity, 'commitmentId'>): Promise<ActionPlanEntity> {
    return this.repo.manager
      .createQueryBuilder(ActionPlanEntity, 'p')
      .innerJoin(CommitmentEntity, 'c', 'c.plan_id = p.id')
      .where('c.id = :commitmentId', { commitmentId: milestone.commitmentId })
      .getOneOrFail();
  }

  /** Inserts a new milestone (build its fields with the application's `newMilestone`) and returns the saved row. */
  insert(fields: DeepPartial<MilestoneEntity>): Promise<MilestoneEntity> {
    return this.repo.save(this.repo.create(fields));
  }

  delete(id: string): Promise<unknown> {
    return this.repo.delete({ id });
  }

  /**
   * Writes `changes` if the row is still at `version` (optimistic concurrency) and returns the row as
   * it is now; null when someone changed it since (the caller answers 412).
   */
  async updateAtVersion(id: string, version: number, changes: Partial<MilestoneEntity>): Promise<MilestoneEntity | null> {
    const result = await this.repo.createQueryBuilder().update().set(changes).where('id = :id AND version = :version', { id, version }).execute();
    return result.affected ? this.getById(id) : null;
  }

  /** Plain field changes (not the status: see setStatus), by id. */
  async update(id: string, changes: Omit<Partial<MilestoneEntity>, 'status'>): Promise<void> {
    await this.repo.update({ id }, changes);
  }

  /**
   * Moves the milestone to `status` only by an allowed transition (and only from `onlyFrom`, when
   * given), with `also` changed in the same write; false when the row was not in such a status (a
   * retried activity, or a milestone that moved on meanwhile). The one guard of every status write.
   */
  async setStatus(id: string, status: MilestoneStatus, options: { onlyFrom?: MilestoneStatus[]; also?: Omit<Partial<MilestoneEntity>, 'status'> } = {}): Promise<boolean> {
    const from = statusesLeadingTo(status, options.onlyFrom);
    if (from.length === 0) return false;
    const result = await this.repo.update({ id, status: In(from) }, { ...options.also, status });
    return (result.affected ?? 0) > 0;
  }
}
