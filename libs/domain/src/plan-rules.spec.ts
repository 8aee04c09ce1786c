import {
  MAX_ACTIVE_COMMITMENTS,
  checkActiveCommitmentLimit,
  checkMilestoneDates,
  checkMilestoneWeights,
  checkPlanPeriod,
  latestRecommendedPlanEnd,
} from './plan-rules';

describe('checkActiveCommitmentLimit', () => {
  it('lets the fifth active commitment in', () => {
    expect(MAX_ACTIVE_COMMITMENTS).toBe(5);
    expect(checkActiveCommitmentLimit(0)).toBeNull();
    expect(checkActiveCommitmentLimit(4)).toBeNull();
  });

  it('refuses a sixth, naming OGP Local limit', () => {
    const violation = checkActiveCommitmentLimit(5);
    expect(violation?.field).toBe('status');
    expect(violation?.message).toMatch(/OGP Local allows at most 5 commitments at a time/);
    expect(checkActiveCommitmentLimit(7)).not.toBeNull();
  });
});

describe('checkPlanPeriod', () => {
  const termEnd = '2027-12-10';

  it('accepts a plan that ends two months before the term, to the day', () => {
    expect(checkPlanPeriod({ periodStart: '2025-01-01', periodEnd: '2027-10-10', termEnd })).toEqual({ violations: [], warnings: [] });
  });

  it('warns when the plan ends later than two months before the term', () => {
    const result = checkPlanPeriod({ periodStart: '2025-01-01', periodEnd: '2027-10-11', termEnd });
    expect(result.violations).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0].field).toBe('periodEnd');
    expect(result.warnings[0].message).toMatch(/two months before/);
    expect(result.warnings[0].message).toContain('2027-10-10');
  });

  it('still only warns when the plan ends on the last day of the term', () => {
    const result = checkPlanPeriod({ periodStart: '2025-01-01', periodEnd: termEnd, termEnd });
    expect(result.violations).toEqual([]);
    expect(result.warnings).toHaveLength(1);
  });

  it('refuses a plan that outlasts the term', () => {
    const result = checkPlanPeriod({ periodStart: '2025-01-01', periodEnd: '2027-12-11', termEnd });
    expect(result.violations).toEqual([{ field: 'periodEnd', message: expect.stringMatching(/outlast the government's term/) }]);
  });

  it('refuses an end that is not after the start', () => {
    for (const periodEnd of ['2025-01-01', '2024-12-31']) {
      const result = checkPlanPeriod({ periodStart: '2025-01-01', periodEnd, termEnd });
      expect(result.violations).toEqual([{ field: 'periodEnd', message: expect.stringMatching(/must be after periodStart/) }]);
    }
  });

  it('refuses text that is not a calendar date', () => {
    const result = checkPlanPeriod({ periodStart: '2025-02-30', periodEnd: '2027/10/10', termEnd });
    expect(result.violations.map((v) => v.field)).toEqual(['periodStart', 'periodEnd']);
  });

  it.each([
    ['2027-12-10', '2027-10-10'],
    ['2027-04-30', '2027-02-28'],
    ['2028-04-30', '2028-02-29'],
    ['2027-12-31', '2027-10-31'],
    ['2028-01-15', '2027-11-15'],
    ['2028-02-29', '2027-12-29'],
  ])('counts two calendar months back from %s to %s', (term, latest) => {
    expect(latestRecommendedPlanEnd(term)).toBe(latest);
  });
});

describe('checkMilestoneWeights', () => {
  it('accepts no milestones, all unset, or set weights adding up to 1', () => {
    expect(checkMilestoneWeights([])).toBeNull();
    expect(checkMilestoneWeights([null, null, null])).toBeNull();
    expect(checkMilestoneWeights([0.5, 0.3, 0.2])).toBeNull();
    expect(checkMilestoneWeights([1, 0])).toBeNull();
  });

  it('accepts sums off by float error only', () => {
    expect(0.7 + 0.2 + 0.1).not.toBe(1);
    expect(checkMilestoneWeights([0.7, 0.2, 0.1])).toBeNull();
    expect(checkMilestoneWeights([0.1, 0.2, 0.7])).toBeNull();
    expect(checkMilestoneWeights([1 / 3, 1 / 3, 1 / 3])).toBeNull();
  });

  it('refuses a mix of set and unset weights', () => {
    expect(checkMilestoneWeights([0.5, null])).toEqual({ field: 'weight', message: expect.stringMatching(/every milestone .* or on none/) });
  });

  it('refuses a weight below 0 or above 1', () => {
    expect(checkMilestoneWeights([-0.2, 1.2])?.message).toMatch(/between 0 and 1; got -0.2/);
    expect(checkMilestoneWeights([1.5, -0.5])?.message).toMatch(/got 1.5/);
  });

  it('refuses weights that do not add up to 1, saying what they add up to', () => {
    const violation = checkMilestoneWeights([0.1, 0.2, 0.6]);
    expect(violation?.field).toBe('weight');
    expect(violation?.message).toContain('add up to 0.9, not 1');
    expect(checkMilestoneWeights([0.5, 0.500002])).not.toBeNull();
  });
});

describe('checkMilestoneDates', () => {
  const period = { periodStart: '2025-01-01', periodEnd: '2027-10-10' };

  it('accepts a milestone from the first to the last moment of the period', () => {
    expect(
      checkMilestoneDates({ ...period, startAt: new Date('2025-01-01T00:00:00.000Z'), dueAt: new Date('2027-10-10T23:59:59.999Z') }),
    ).toEqual([]);
  });

  it('accepts a milestone due the moment it starts', () => {
    const at = new Date('2026-03-01T12:00:00Z');
    expect(checkMilestoneDates({ ...period, startAt: at, dueAt: at })).toEqual([]);
  });

  it('refuses a due date before the start', () => {
    const violations = checkMilestoneDates({ ...period, startAt: new Date('2026-03-02T00:00:00Z'), dueAt: new Date('2026-03-01T00:00:00Z') });
    expect(violations).toEqual([{ field: 'dueAt', message: expect.stringMatching(/must not be before startAt/) }]);
  });

  it('refuses a start before the period, naming the period', () => {
    const violations = checkMilestoneDates({ ...period, startAt: new Date('2024-12-31T23:59:59.999Z'), dueAt: new Date('2026-01-01T00:00:00Z') });
    expect(violations).toEqual([{ field: 'startAt', message: expect.stringContaining('2025-01-01 to 2027-10-10') }]);
  });

  it('refuses a due date after the period, naming the period', () => {
    const violations = checkMilestoneDates({ ...period, startAt: new Date('2026-01-01T00:00:00Z'), dueAt: new Date('2027-10-11T00:00:00.000Z') });
    expect(violations).toEqual([{ field: 'dueAt', message: expect.stringContaining('2025-01-01 to 2027-10-10') }]);
  });

  it('refuses dates that are not dates', () => {
    const violations = checkMilestoneDates({ ...period, startAt: new Date('nope'), dueAt: new Date('2026-01-01T00:00:00Z') });
    expect(violations.map((v) => v.field)).toEqual(['startAt']);
  });
});
