import {
  AWAITING_EVIDENCE_STATUSES,
  canReplan,
  canTransition,
  FINAL_MILESTONE_STATUSES,
  FOLLOWED_MILESTONE_STATUSES,
  isAwaitingEvidence,
  isFinal,
  MILESTONE_TRANSITIONS,
  MilestoneStatus as S,
  statusesLeadingTo,
} from './milestone-status';

describe('milestone status groups', () => {
  it.each([
    [S.NotStarted, { followed: true, replannable: true, awaiting: false, final: false }],
    [S.Open, { followed: true, replannable: true, awaiting: false, final: false }],
    [S.EvidenceRequested, { followed: true, replannable: true, awaiting: true, final: false }],
    [S.Overdue, { followed: true, replannable: true, awaiting: true, final: false }],
    [S.UnderReview, { followed: false, replannable: false, awaiting: false, final: false }],
    [S.Completed, { followed: false, replannable: false, awaiting: false, final: true }],
    [S.ClosedWithoutEvidence, { followed: false, replannable: false, awaiting: false, final: true }],
    [S.Cancelled, { followed: false, replannable: false, awaiting: false, final: true }],
  ])('%s', (status, expected) => {
    expect({
      followed: FOLLOWED_MILESTONE_STATUSES.includes(status),
      replannable: canReplan(status),
      awaiting: isAwaitingEvidence(status),
      final: isFinal(status),
    }).toEqual(expected);
  });

  it('places every status in exactly one of followed, under review and final', () => {
    const all = [...FOLLOWED_MILESTONE_STATUSES, S.UnderReview, ...FINAL_MILESTONE_STATUSES].sort();
    expect(all).toEqual(Object.values(S).sort());
    expect(AWAITING_EVIDENCE_STATUSES.every((s) => FOLLOWED_MILESTONE_STATUSES.includes(s))).toBe(true);
  });

  it('knows no unknown status', () => {
    expect(canReplan('archived')).toBe(false);
    expect(isFinal('archived')).toBe(false);
    expect(canTransition('archived', S.Open)).toBe(false);
  });
});

describe('canTransition', () => {
  it.each([
    [S.NotStarted, S.Open, true],
    [S.Open, S.EvidenceRequested, true],
    [S.EvidenceRequested, S.Overdue, true],
    [S.Overdue, S.EvidenceRequested, true], // replanned into the future
    [S.EvidenceRequested, S.UnderReview, true],
    [S.Overdue, S.UnderReview, true],
    [S.Overdue, S.ClosedWithoutEvidence, true],
    [S.UnderReview, S.Completed, true],
    [S.UnderReview, S.EvidenceRequested, true], // returned
    [S.UnderReview, S.Cancelled, true],
    [S.NotStarted, S.EvidenceRequested, false],
    [S.Open, S.Overdue, false],
    [S.Open, S.ClosedWithoutEvidence, false],
    [S.UnderReview, S.ClosedWithoutEvidence, false],
    [S.EvidenceRequested, S.Completed, false],
    [S.Completed, S.Cancelled, false],
    [S.Cancelled, S.Open, false],
    [S.ClosedWithoutEvidence, S.EvidenceRequested, false],
  ])('%s -> %s: %p', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('lets a milestone be cancelled exactly when it is not final', () => {
    for (const status of Object.values(S)) expect(canTransition(status, S.Cancelled)).toBe(!isFinal(status));
  });

  it('leaves final statuses never and no status for itself', () => {
    for (const status of FINAL_MILESTONE_STATUSES) expect(MILESTONE_TRANSITIONS[status]).toEqual([]);
    for (const status of Object.values(S)) expect(canTransition(status, status)).toBe(false);
  });
});

describe('statusesLeadingTo', () => {
  it('lists the statuses a write may start from', () => {
    expect(statusesLeadingTo(S.Open)).toEqual([S.NotStarted]);
    expect(statusesLeadingTo(S.ClosedWithoutEvidence)).toEqual([S.EvidenceRequested, S.Overdue]);
    expect(statusesLeadingTo(S.UnderReview)).toEqual([S.EvidenceRequested, S.Overdue]);
  });

  it('narrows a given list to the allowed ones', () => {
    expect(statusesLeadingTo(S.EvidenceRequested, [S.Open, S.Completed])).toEqual([S.Open]);
  });
});
