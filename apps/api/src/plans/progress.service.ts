import { Injectable } from '@nestjs/common';
import { CommitmentProgressInput, commitmentProgress, CommitmentStatus, CompletionLevel, MilestoneStatus, planProgress } from '@app/domain';
import { ActionPlanEntity, CommitmentRepository, MilestoneRepository } from '@app/persistence';
import { PlanProgressDto } from './dto/progress.dto';

/** Weighted roll-up milestone → commitment → plan, in OGP's completion vocabulary. */
@Injectable()
export class ProgressService {
  constructor(
    private readonly commitments: CommitmentRepository,
    private readonly milestones: MilestoneRepository,
  ) {}

  async ofPlan(plan: ActionPlanEntity): Promise<PlanProgressDto> {
    const commitments = await this.commitments.ofPlan(plan.id);
    const milestones = await this.milestones.ofCommitments(commitments.map((c) => c.id));
    const inputs: CommitmentProgressInput[] = commitments.map((c) => ({
      id: c.id,
      cancelled: c.status === CommitmentStatus.Cancelled,
      milestones: milestones
        .filter((m) => m.commitmentId === c.id)
        .map((m) => ({ id: m.id, weight: m.weight, completion: (m.completion as CompletionLevel | null) ?? null, cancelled: m.status === MilestoneStatus.Cancelled, verifiable: m.verifiable })),
    }));
    const total = planProgress(inputs);
    return {
      planId: plan.id,
      progress: total.progress,
      completion: total.completion,
      commitmentsWithoutEvidence: total.commitmentsWithoutEvidence,
      commitments: commitments.map((c, i) => {
        const progress = commitmentProgress(inputs[i]);
        return {
          id: c.id,
          title: c.title,
          status: c.status,
          progress: progress.progress,
          completion: progress.completion,
          assessedShare: progress.assessedShare,
          milestonesWithoutEvidence: progress.milestonesWithoutEvidence,
          milestones: milestones
            .filter((m) => m.commitmentId === c.id)
            .map((m) => ({ id: m.id, title: m.title, status: m.status, share: progress.shares[m.id] ?? null, completion: m.completion })),
        };
      }),
    };
  }
}

