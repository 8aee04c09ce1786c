import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CommitmentEntity } from '../entities/commitment.entity';

/** The commitment queries the milestone code shares (its workflows are keyed by commitment). */
@Injectable()
export class CommitmentRepository {
  constructor(@InjectRepository(CommitmentEntity) private readonly repo: Repository<CommitmentEntity>) {}

  withManager(manager: EntityManager): CommitmentRepository {
    return new CommitmentRepository(manager.getRepository(CommitmentEntity));
  }

  findById(id: string): Promise<CommitmentEntity | null> {
    return this.repo.findOneBy({ id });
  }

  getById(id: string): Promise<CommitmentEntity> {
    return this.repo.findOneByOrFail({ id });
  }

  /** The plan's commitments, oldest first (the order of exports and progress). */
  ofPlan(planId: string): Promise<CommitmentEntity[]> {
    return this.repo.find({ where: { planId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}
