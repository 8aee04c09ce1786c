import { CommitmentRepository } from './commitment.repository';
import { MilestoneRepository } from './milestone.repository';

export * from './commitment.repository';
export * from './milestone.repository';

/** Our wrappers of TypeORM's repositories (the mock boundary of service and use-case specs). */
export const REPOSITORIES = [MilestoneRepository, CommitmentRepository];
