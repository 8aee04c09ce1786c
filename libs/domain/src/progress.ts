import { CompletionLevel } from './ogp-vocabulary';

export interface MilestoneProgressInput {
  id: string;
  /** Share of the commitment this milestone stands for; null on every milestone means equal shares. */
  weight: number | null;
  /** Completion level of the accepted evidence; null while no evidence has been accepted. */
  completion: CompletionLevel | null;
  cancelled: boolean;
  /** OGP: a milestone that cannot be verified cannot be assessed, so its completion is not counted. */
  verifiable: boolean;
}

export interface CommitmentProgressInput {
  id: string;
  cancelled: boolean;
  milestones: MilestoneProgressInput[];
}

export interface CommitmentProgress {
  /** 0..1, or null when no milestone has evidence: "no evidence" is not 0%. */
  progress: number | null;
  completion: CompletionLevel;
  /** 0..1: how much of the commitment (by weight) the progress figure rests on. */
  assessedShare: number;
  milestonesWithoutEvidence: number;
  /** Non-cancelled milestones. */
  milestones: number;
  /** Each non-cancelled milestone's share of the commitment (0..1), by milestone id. */
  shares: Record<string, number>;
}

export interface PlanProgress {
  /** Mean progress of the commitments that have evidence, or null when none has. */
  progress: number | null;
  completion: CompletionLevel;
  /** Non-cancelled commitments. */
  commitments: number;
  commitmentsWithoutEvidence: number;
}

const COMPLETE_TOLERANCE = 1e-9;

const COMPLETION_VALUES: Record<CompletionLevel, number | null> = {
  [CompletionLevel.Complete]: 1,
  [CompletionLevel.Substantial]: 0.75,
  [CompletionLevel.Limited]: 0.25,
  [CompletionLevel.NotStarted]: 0,
  [CompletionLevel.NoEvidenceAvailable]: null,
};

/** The fraction a completion level stands for; null for "no evidence available", which is not 0. */
export function completionValue(level: CompletionLevel): number | null {
  return COMPLETION_VALUES[level];
}

/** The OGP completion level a progress fraction reads as. */
export function completionFromProgress(progress: number | null): CompletionLevel {
  if (progress === null) return CompletionLevel.NoEvidenceAvailable;
  if (progress <= 0) return CompletionLevel.NotStarted;
  if (progress < 0.5) return CompletionLevel.Limited;
  if (progress < 1 - COMPLETE_TOLERANCE) return CompletionLevel.Substantial;
  return CompletionLevel.Complete;
}

function roundProgress(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function hasNoEvidence(milestone: MilestoneProgressInput): boolean {
  return milestone.completion === null || milestone.completion === CompletionLevel.NoEvidenceAvailable;
}

/**
 * Each live milestone's share of its commitment. Weights are renormalised so that cancelling a
 * milestone hands its share to the others; a weight left unset among set ones (which plan rules
 * refuse) counts as 0, and weights summing to 0 fall back to equal shares rather than dividing by 0.
 */
function milestoneShares(milestones: MilestoneProgressInput[]): number[] {
  const equalShares = () => milestones.map(() => 1 / milestones.length);
  if (milestones.every((m) => m.weight === null)) return equalShares();
  const weights = milestones.map((m) => Math.max(0, m.weight ?? 0));
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total <= 0) return equalShares();
  return weights.map((w) => w / total);
}

/** Weighted progress of one commitment from its non-cancelled milestones. */
export function commitmentProgress(commitment: CommitmentProgressInput): CommitmentProgress {
  const live = commitment.milestones.filter((m) => !m.cancelled);
  const milestonesWithoutEvidence = live.filter(hasNoEvidence).length;
  const shares = milestoneShares(live);

  let weighted = 0;
  let assessedShare = 0;
  let anyAssessed = false;
  live.forEach((milestone, index) => {
    const value = milestone.verifiable && milestone.completion !== null ? completionValue(milestone.completion) : null;
    if (value === null) return; // unassessed milestones count as 0 in the sum but not in assessedShare
    weighted += shares[index] * value;
    assessedShare += shares[index];
    anyAssessed = true;
  });

  const progress = anyAssessed ? roundProgress(weighted) : null;
  return {
    progress,
    completion: completionFromProgress(progress),
    assessedShare: roundProgress(assessedShare),
    milestonesWithoutEvidence,
    milestones: live.length,
    shares: Object.fromEntries(live.map((milestone, index) => [milestone.id, roundProgress(shares[index])])),
  };
}

/** Plan progress: the plain mean of its non-cancelled commitments that have evidence. */
export function planProgress(commitments: CommitmentProgressInput[]): PlanProgress {
  const live = commitments.filter((c) => !c.cancelled);
  const measured = live.map((c) => commitmentProgress(c).progress).filter((p): p is number => p !== null);
  const progress = measured.length === 0 ? null : roundProgress(measured.reduce((sum, p) => sum + p, 0) / measured.length);
  return {
    progress,
    completion: completionFromProgress(progress),
    commitments: live.length,
    commitmentsWithoutEvidence: live.length - measured.length,
  };
}
