import { CompletionLevel } from './ogp-vocabulary';
import {
  CommitmentProgressInput,
  MilestoneProgressInput,
  commitmentProgress,
  completionFromProgress,
  completionValue,
  planProgress,
} from './progress';

const { Complete, Substantial, Limited, NotStarted, NoEvidenceAvailable } = CompletionLevel;

function milestone(id: string, completion: CompletionLevel | null, overrides: Partial<MilestoneProgressInput> = {}): MilestoneProgressInput {
  return { id, weight: null, completion, cancelled: false, verifiable: true, ...overrides };
}

function commitment(id: string, milestones: MilestoneProgressInput[], cancelled = false): CommitmentProgressInput {
  return { id, cancelled, milestones };
}

describe('completionValue', () => {
  it('maps OGP levels to fractions, and no evidence to null rather than 0', () => {
    expect(completionValue(Complete)).toBe(1);
    expect(completionValue(Substantial)).toBe(0.75);
    expect(completionValue(Limited)).toBe(0.25);
    expect(completionValue(NotStarted)).toBe(0);
    expect(completionValue(NoEvidenceAvailable)).toBeNull();
  });
});

describe('completionFromProgress', () => {
  it.each([
    [null, NoEvidenceAvailable],
    [0, NotStarted],
    [0.0001, Limited],
    [0.4999, Limited],
    [0.5, Substantial],
    [0.9999, Substantial],
    [1 - 1e-10, Complete],
    [1, Complete],
  ])('reads %p as %s', (progress, level) => {
    expect(completionFromProgress(progress)).toBe(level);
  });
});

describe('commitmentProgress', () => {
  it('gives milestones equal shares when no weight is set', () => {
    const result = commitmentProgress(commitment('c', [milestone('a', Complete), milestone('b', Limited), milestone('c', NotStarted), milestone('d', Substantial)]));
    expect(result.progress).toBe(0.5); // (1 + 0.25 + 0 + 0.75) / 4
    expect(result.completion).toBe(Substantial);
    expect(result.assessedShare).toBe(1);
    expect(result.milestonesWithoutEvidence).toBe(0);
    expect(result.milestones).toBe(4);
  });

  it('uses explicit weights', () => {
    const result = commitmentProgress(
      commitment('c', [milestone('a', Complete, { weight: 0.5 }), milestone('b', Substantial, { weight: 0.3 }), milestone('c', Limited, { weight: 0.2 })]),
    );
    expect(result.progress).toBe(0.775); // 0.5 + 0.225 + 0.05
    expect(result.completion).toBe(Substantial);
  });

  it('renormalises the weights when a milestone is cancelled', () => {
    const result = commitmentProgress(
      commitment('c', [
        milestone('a', Complete, { weight: 0.5 }),
        milestone('b', NotStarted, { weight: 0.3 }),
        milestone('c', Complete, { weight: 0.2, cancelled: true }),
      ]),
    );
    expect(result.progress).toBe(0.625); // 0.5 / 0.8
    expect(result.milestones).toBe(2);
    expect(result.shares).toEqual({ a: 0.625, b: 0.375 });
  });

  it('counts a milestone without evidence as 0 and says how much of the figure is assessed', () => {
    const result = commitmentProgress(
      commitment('c', [milestone('a', Complete, { weight: 0.6 }), milestone('b', null, { weight: 0.3 }), milestone('c', NoEvidenceAvailable, { weight: 0.1 })]),
    );
    expect(result.progress).toBe(0.6);
    expect(result.assessedShare).toBe(0.6);
    expect(result.milestonesWithoutEvidence).toBe(2);
  });

  it('is null, not 0, when no milestone has evidence', () => {
    const result = commitmentProgress(commitment('c', [milestone('a', null), milestone('b', NoEvidenceAvailable)]));
    expect(result.progress).toBeNull();
    expect(result.completion).toBe(NoEvidenceAvailable);
    expect(result.assessedShare).toBe(0);
    expect(result.milestonesWithoutEvidence).toBe(2);
  });

  it('tells "not started" (0) apart from "no evidence" (null)', () => {
    const result = commitmentProgress(commitment('c', [milestone('a', NotStarted), milestone('b', null)]));
    expect(result.progress).toBe(0);
    expect(result.completion).toBe(NotStarted);
    expect(result.assessedShare).toBe(0.5);
    expect(result.milestonesWithoutEvidence).toBe(1);
  });

  it('does not count the completion of a milestone that cannot be verified', () => {
    const result = commitmentProgress(commitment('c', [milestone('a', Complete, { verifiable: false }), milestone('b', Limited)]));
    expect(result.progress).toBe(0.125);
    expect(result.assessedShare).toBe(0.5);
  });

  it('has no progress when every milestone is cancelled or there are none', () => {
    expect(commitmentProgress(commitment('c', [milestone('a', Complete, { cancelled: true })]))).toEqual({
      progress: null,
      completion: NoEvidenceAvailable,
      assessedShare: 0,
      milestonesWithoutEvidence: 0,
      milestones: 0,
      shares: {},
    });
    expect(commitmentProgress(commitment('c', [])).progress).toBeNull();
  });

  it('rounds to 4 decimals and reaches complete despite float error', () => {
    const thirds = commitmentProgress(commitment('c', [milestone('a', Complete), milestone('b', NotStarted), milestone('c', NotStarted)]));
    expect(thirds.progress).toBe(0.3333);
    const tenths = commitmentProgress(commitment('c', [0.1, 0.2, 0.7].map((weight, i) => milestone(`m${i}`, Complete, { weight }))));
    expect(tenths.progress).toBe(1);
    expect(tenths.completion).toBe(Complete);
  });
});

describe('planProgress', () => {
  it('is the mean of the commitments that have evidence', () => {
    const result = planProgress([
      commitment('done', [milestone('a', Complete)]),
      commitment('half', [milestone('a', Complete), milestone('b', NotStarted)]),
      commitment('silent', [milestone('a', null)]),
      commitment('dropped', [milestone('a', NotStarted)], true),
    ]);
    expect(result.progress).toBe(0.75);
    expect(result.completion).toBe(Substantial);
    expect(result.commitments).toBe(3);
    expect(result.commitmentsWithoutEvidence).toBe(1);
  });

  it('is null when no commitment has evidence', () => {
    expect(planProgress([commitment('silent', [milestone('a', null)])])).toEqual({
      progress: null,
      completion: NoEvidenceAvailable,
      commitments: 1,
      commitmentsWithoutEvidence: 1,
    });
    expect(planProgress([]).progress).toBeNull();
  });
});
