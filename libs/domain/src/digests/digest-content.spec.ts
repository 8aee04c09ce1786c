import { MilestoneStatus } from '../milestone-status';
import { CompletionLevel } from '../ogp-vocabulary';
import { composeDigest, digestPeriod, isDigestMonth, monthOf, previousMonth, type PlanStateForDigest } from './digest-content';

const at = (iso: string) => new Date(iso);
const TZ = 'America/Argentina/Buenos_Aires'; // UTC-3, no DST

function milestone(id: string, title: string, status: MilestoneStatus, dueAt: string, extra: Partial<{ completion: CompletionLevel | null; completedAt: Date | null; evidenceLinks: string[]; cancelled: boolean; weight: number | null }> = {}) {
  return { id, title, status, dueAt: at(dueAt), weight: null, completion: null, cancelled: false, verifiable: true, completedAt: null, evidenceLinks: [], ...extra };
}

const state: PlanStateForDigest = {
  planId: 'p-1',
  planTitle: 'Rosario Open Government Plan',
  jurisdictionName: 'Rosario',
  commitments: [
    {
      id: 'c-1',
      title: 'Open contracting',
      cancelled: false,
      milestones: [
        milestone('m-done', 'Portal online', MilestoneStatus.Completed, '2027-03-10T12:00:00Z', { completion: CompletionLevel.Complete, completedAt: at('2027-03-08T15:00:00Z'), evidenceLinks: ['https://datos.example/a', 'https://datos.example/a', 'https://datos.example/b'] }),
        milestone('m-old', 'Kick-off', MilestoneStatus.Completed, '2027-01-10T12:00:00Z', { completion: CompletionLevel.Limited, completedAt: at('2027-01-08T15:00:00Z') }),
        milestone('m-late', 'Data audit', MilestoneStatus.Overdue, '2027-02-10T12:00:00Z'),
        milestone('m-asked', 'Dictionary', MilestoneStatus.EvidenceRequested, '2027-03-20T12:00:00Z'),
        milestone('m-review', 'Training', MilestoneStatus.UnderReview, '2027-03-05T12:00:00Z'),
        milestone('m-next', 'Annual report', MilestoneStatus.Open, '2027-06-30T12:00:00Z'),
      ],
      replannings: [
        { id: 'r-1', milestoneId: 'm-asked', previousDueAt: at('2027-02-20T12:00:00Z'), newDueAt: at('2027-03-20T12:00:00Z'), reason: 'Vendor delay', changedAt: at('2027-03-02T10:00:00Z') },
        { id: 'r-0', milestoneId: 'm-asked', previousDueAt: at('2027-01-20T12:00:00Z'), newDueAt: at('2027-02-20T12:00:00Z'), reason: 'Earlier', changedAt: at('2027-01-02T10:00:00Z') },
      ],
      escalations: [
        { id: 'x-1', milestoneId: 'm-late', level: 1, status: 'acknowledged', raisedAt: at('2027-02-20T10:00:00Z'), resolvedAt: null, recommendation: 'Assign a data officer' },
        { id: 'x-0', milestoneId: 'm-old', level: 1, status: 'resolved', raisedAt: at('2026-12-20T10:00:00Z'), resolvedAt: at('2027-01-05T10:00:00Z'), recommendation: null },
      ],
    },
    { id: 'c-2', title: 'Participatory budget', cancelled: false, milestones: [milestone('m-2', 'Assemblies', MilestoneStatus.Open, '2027-09-01T12:00:00Z')], replannings: [], escalations: [] },
    { id: 'c-x', title: 'Dropped', cancelled: true, milestones: [], replannings: [], escalations: [] },
  ],
  checkIns: [
    { id: 'k-1', startsAt: at('2027-03-02T21:00:00Z'), status: 'closed', decisions: ['Publish the audit'], minutesApprovedAt: at('2027-03-04T10:00:00Z') },
    { id: 'k-2', startsAt: at('2027-03-16T21:00:00Z'), status: 'closed', decisions: ['Not yet approved'], minutesApprovedAt: null },
    { id: 'k-0', startsAt: at('2027-02-16T21:00:00Z'), status: 'closed', decisions: ['Last month'], minutesApprovedAt: at('2027-02-20T10:00:00Z') },
  ],
  nextCheckInAt: at('2027-04-06T21:00:00Z'),
};

describe('composeDigest', () => {
  const digest = composeDigest(state, { month: '2027-03', timeZone: TZ, now: at('2027-04-01T12:00:00Z') });

  it('reports progress per live commitment from the domain roll-up, null when nothing has evidence', () => {
    expect(digest.commitments.map((c) => [c.id, c.progress, c.completion, c.milestones, c.milestonesWithoutEvidence])).toEqual([
      ['c-1', 0.2083, CompletionLevel.Limited, 6, 4],
      ['c-2', null, CompletionLevel.NoEvidenceAvailable, 1, 1],
    ]);
    expect(digest.plan).toEqual({ progress: 0.2083, completion: CompletionLevel.Limited, commitments: 2, commitmentsWithoutEvidence: 1 });
  });

  it('lists milestones completed in the month with their public evidence links once each', () => {
    expect(digest.commitments[0]!.completed).toEqual([
      { id: 'm-done', title: 'Portal online', completedAt: '2027-03-08T15:00:00.000Z', completedAtLocal: '2027-03-08T12:00:00-03:00', completion: CompletionLevel.Complete, evidenceLinks: ['https://datos.example/a', 'https://datos.example/b'] },
    ]);
  });

  it('lists milestones overdue at the end of the month (not those under review), replannings of the month, escalations open or raised in it', () => {
    const c = digest.commitments[0]!;
    expect(c.overdue.map((m) => m.id)).toEqual(['m-late', 'm-asked']);
    expect(c.replanned).toEqual([
      { id: 'r-1', milestoneId: 'm-asked', milestoneTitle: 'Dictionary', previousDueAt: '2027-02-20T12:00:00.000Z', newDueAt: '2027-03-20T12:00:00.000Z', previousDueDate: '2027-02-20', newDueDate: '2027-03-20', reason: 'Vendor delay', replannedAt: '2027-03-02T10:00:00.000Z' },
    ]);
    expect(c.escalations).toEqual([{ id: 'x-1', milestoneId: 'm-late', milestoneTitle: 'Data audit', level: 1, status: 'acknowledged', raisedAt: '2027-02-20T10:00:00.000Z', recommendation: 'Assign a data officer' }]);
  });

  it('takes decisions only from the month check-ins with approved minutes, and gives the next check-in in local time', () => {
    expect(digest.checkIns).toEqual([{ id: 'k-1', startsAt: '2027-03-02T21:00:00.000Z', startsAtLocal: '2027-03-02T18:00:00-03:00', decisions: ['Publish the audit'] }]);
    expect(digest.nextCheckIn).toEqual({ startsAt: '2027-04-06T21:00:00.000Z', startsAtLocal: '2027-04-06T18:00:00-03:00' });
    expect(digest.quiet).toBe(false);
  });

  it('bounds the month in the jurisdiction zone and composed early counts overdue at that moment', () => {
    expect(digest.period).toEqual({ start: '2027-03-01T03:00:00.000Z', end: '2027-04-01T03:00:00.000Z' });
    const early = composeDigest(state, { month: '2027-03', timeZone: TZ, now: at('2027-03-15T12:00:00Z') });
    expect(early.commitments[0]!.overdue.map((m) => m.id)).toEqual(['m-late']);
  });

  it('is the same for the same state, and quiet for a plan with nothing this month', () => {
    expect(composeDigest(state, { month: '2027-03', timeZone: TZ, now: at('2027-04-01T12:00:00Z') })).toEqual(digest);
    const quiet = composeDigest({ ...state, commitments: [state.commitments[1]!], checkIns: [], nextCheckInAt: null }, { month: '2027-03', timeZone: TZ });
    expect(quiet).toMatchObject({ quiet: true, nextCheckIn: null, checkIns: [] });
  });
});

describe('digest months', () => {
  it('reads months in a zone, across DST (Madrid), and refuses malformed ones', () => {
    expect(digestPeriod('2027-03', 'Europe/Madrid')).toEqual({ start: at('2027-02-28T23:00:00Z'), end: at('2027-03-31T22:00:00Z') });
    expect(monthOf(at('2027-03-31T22:30:00Z'), 'Europe/Madrid')).toBe('2027-04');
    expect(monthOf(at('2027-03-31T22:30:00Z'), 'UTC')).toBe('2027-03');
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(isDigestMonth('2027-13')).toBe(false);
    expect(() => digestPeriod('2027-3', 'UTC')).toThrow(RangeError);
  });
});
