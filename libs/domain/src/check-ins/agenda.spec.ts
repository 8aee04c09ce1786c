import { MilestoneStatus } from '../milestone-status';
import { agendaCommitmentIds, agendaItemMinutes, composeAgenda, type PlanStateForAgenda } from './agenda';
import { DEFAULT_CHECK_IN_POLICY } from './check-in-policy';

const now = new Date('2027-03-01T12:00:00Z');
const policy = DEFAULT_CHECK_IN_POLICY; // upcoming window: 30 days
const at = (iso: string) => new Date(iso);
const DAY_MS = 24 * 3600 * 1000;

function emptyCommitment(id: string, title: string) {
  return { id, title, milestones: [], evidenceUnderReview: [], openEscalations: [], replanningsSince: [] };
}

/** One thing of each kind, plus milestones that belong on no agenda. */
const oneOfEach: PlanStateForAgenda = {
  commitments: [
    {
      id: 'c-ocds',
      title: 'Open Contracting Data Standard publication',
      milestones: [
        { id: 'm-soon', title: 'OCDS portal online', status: MilestoneStatus.EvidenceRequested, dueAt: at('2027-03-15T23:59:00Z') },
        { id: 'm-late', title: 'Procurement data audit', status: MilestoneStatus.Overdue, dueAt: at('2027-02-10T23:59:00Z') },
        { id: 'm-review', title: 'Data dictionary', status: MilestoneStatus.UnderReview, dueAt: at('2027-03-05T23:59:00Z') },
        { id: 'm-done', title: 'Kick-off', status: MilestoneStatus.Completed, dueAt: at('2027-03-06T23:59:00Z') },
        { id: 'm-far', title: 'Annual report', status: MilestoneStatus.NotStarted, dueAt: at('2027-06-30T23:59:00Z') },
      ],
      evidenceUnderReview: [{ id: 'e-1', milestoneId: 'm-review', milestoneTitle: 'Data dictionary' }],
      openEscalations: [{ id: 'x-1', milestoneId: 'm-late', milestoneTitle: 'Procurement data audit', level: 1, recommendation: 'Assign a data officer' }],
      replanningsSince: [{ id: 'r-1', milestoneId: 'm-soon', milestoneTitle: 'OCDS portal online', previousDueAt: at('2027-02-15T23:59:00Z'), newDueAt: at('2027-03-15T23:59:00Z'), reason: 'Vendor delay' }],
    },
  ],
  openActionItems: [{ id: 'a-1', title: 'Share the procurement dataset', ownerName: 'Directorate of Research', dueAt: at('2027-02-20T12:00:00Z'), commitmentId: 'c-ocds', checkInId: 'k-0' }],
};

describe('composeAgenda', () => {
  it('lists exactly one item per kind for a plan with one thing of each, in order, with links to each thing', () => {
    const agenda = composeAgenda(oneOfEach, { now, policy });
    expect(agenda.map((item) => [item.kind, item.commitmentId, item.links.map((l) => `${l.type}:${l.id}`)])).toEqual([
      ['milestones_due_soon', 'c-ocds', ['milestone:m-soon']],
      ['milestones_overdue', 'c-ocds', ['milestone:m-late']],
      ['evidence_under_review', 'c-ocds', ['evidence:e-1']],
      ['open_escalations', 'c-ocds', ['escalation:x-1']],
      ['replannings', 'c-ocds', ['replanning:r-1']],
      ['open_action_items', null, ['action_item:a-1']],
    ]);
    expect(agenda.map((item) => item.title)).toEqual([
      'Milestones due soon: Open Contracting Data Standard publication',
      'Overdue milestones: Open Contracting Data Standard publication',
      'Evidence waiting for review: Open Contracting Data Standard publication',
      'Open escalations to the IMB: Open Contracting Data Standard publication',
      'Replannings since the last check-in: Open Contracting Data Standard publication',
      'Open action items from earlier check-ins',
    ]);
  });

  it('labels escalations with the IMB recommendation, replannings with both dates and the reason, overdue action items as such', () => {
    const [, , , escalation, replanning, actions] = composeAgenda(oneOfEach, { now, policy });
    expect(escalation!.links[0]).toMatchObject({ label: 'Procurement data audit (level 1): IMB recommends: Assign a data officer', details: { level: 1, recommendation: 'Assign a data officer' } });
    expect(replanning!.links[0]!.label).toBe('OCDS portal online: 2027-02-15 → 2027-03-15 (Vendor delay)');
    expect(actions!.links[0]).toMatchObject({ label: 'Share the procurement dataset (Directorate of Research, due 2027-02-20, OVERDUE)', details: { overdue: true, ownerName: 'Directorate of Research' } });
    const noRecommendation = composeAgenda(
      { commitments: [{ ...emptyCommitment('c', 'C'), openEscalations: [{ id: 'x', milestoneId: 'm', milestoneTitle: 'M', level: 2, recommendation: null }] }], openActionItems: [] },
      { now, policy },
    );
    expect(noRecommendation[0]!.links[0]!.label).toBe('M (level 2): no recommendation yet');
  });

  it('writes the dates of labels in the given zone', () => {
    const [, , , , replanning] = composeAgenda(oneOfEach, { now, policy, timeZone: 'Asia/Tokyo' });
    expect(replanning!.links[0]!.label).toBe('OCDS portal online: 2027-02-16 → 2027-03-16 (Vendor delay)');
  });

  it('gives an empty agenda for a plan with nothing to discuss', () => {
    expect(composeAgenda({ commitments: [], openActionItems: [] }, { now, policy })).toEqual([]);
    expect(composeAgenda({ commitments: [emptyCommitment('c1', 'Quiet')], openActionItems: [] }, { now, policy })).toEqual([]);
  });

  describe('the upcoming window', () => {
    const windowEnd = now.getTime() + policy.upcomingWindowSeconds * 1000;
    const onlyMilestone = (status: MilestoneStatus, dueAt: Date) =>
      composeAgenda({ commitments: [{ ...emptyCommitment('c', 'C'), milestones: [{ id: 'm', title: 'M', status, dueAt }] }], openActionItems: [] }, { now, policy }).map((item) => item.kind);

    it('includes a milestone due now and one due at the end of the window', () => {
      expect(onlyMilestone(MilestoneStatus.Open, now)).toEqual(['milestones_due_soon']);
      expect(onlyMilestone(MilestoneStatus.NotStarted, new Date(windowEnd))).toEqual(['milestones_due_soon']);
      expect(onlyMilestone(MilestoneStatus.EvidenceRequested, now)).toEqual(['milestones_due_soon']);
    });

    it('leaves out a milestone due just after the window, and a past one nobody was asked evidence for', () => {
      expect(onlyMilestone(MilestoneStatus.Open, new Date(windowEnd + 1))).toEqual([]);
      expect(onlyMilestone(MilestoneStatus.Open, new Date(now.getTime() - 1))).toEqual([]);
    });

    it('counts a milestone awaiting evidence past its date as overdue, and one marked overdue whatever its date', () => {
      expect(onlyMilestone(MilestoneStatus.EvidenceRequested, new Date(now.getTime() - 1))).toEqual(['milestones_overdue']);
      expect(onlyMilestone(MilestoneStatus.Overdue, new Date(now.getTime() + DAY_MS))).toEqual(['milestones_overdue']);
    });

    it.each([MilestoneStatus.UnderReview, MilestoneStatus.Completed, MilestoneStatus.ClosedWithoutEvidence, MilestoneStatus.Cancelled])('leaves out a %s milestone due in the window', (status) => {
      expect(onlyMilestone(status, new Date(now.getTime() + DAY_MS))).toEqual([]);
    });

    it('follows the policy window (seconds in tests)', () => {
      const short = composeAgenda(
        { commitments: [{ ...emptyCommitment('c', 'C'), milestones: [{ id: 'm', title: 'M', status: MilestoneStatus.Open, dueAt: new Date(now.getTime() + 61_000) }] }], openActionItems: [] },
        { now, policy: { ...policy, upcomingWindowSeconds: 60 } },
      );
      expect(short).toEqual([]);
    });
  });

  it('is the same for the same state in any input order, commitments kept in the given order', () => {
    const c1 = {
      ...emptyCommitment('c1', 'First'),
      milestones: [
        { id: 'm-b', title: 'B', status: MilestoneStatus.Open, dueAt: at('2027-03-10T00:00:00Z') },
        { id: 'm-a', title: 'A', status: MilestoneStatus.Open, dueAt: at('2027-03-10T00:00:00Z') },
        { id: 'm-0', title: 'Z', status: MilestoneStatus.Open, dueAt: at('2027-03-02T00:00:00Z') },
      ],
    };
    const c2 = { ...emptyCommitment('c2', 'Second'), evidenceUnderReview: [{ id: 'e2', milestoneId: 'x', milestoneTitle: 'Y' }, { id: 'e1', milestoneId: 'x', milestoneTitle: 'X' }] };
    const items = [
      { id: 'a2', title: 'Later', ownerName: 'O', dueAt: at('2027-04-01T00:00:00Z'), commitmentId: null, checkInId: 'k' },
      { id: 'a1', title: 'Sooner', ownerName: 'O', dueAt: at('2027-03-20T00:00:00Z'), commitmentId: null, checkInId: 'k' },
    ];
    const agenda = composeAgenda({ commitments: [c1, c2], openActionItems: items }, { now, policy });
    const reversed = composeAgenda(
      { commitments: [{ ...c1, milestones: [...c1.milestones].reverse() }, { ...c2, evidenceUnderReview: [...c2.evidenceUnderReview].reverse() }], openActionItems: [...items].reverse() },
      { now, policy },
    );
    expect(reversed).toEqual(agenda);
    expect(agenda.map((item) => item.links.map((l) => l.id))).toEqual([['m-0', 'm-a', 'm-b'], ['e1', 'e2'], ['a1', 'a2']]);
    expect(agenda[2]!.links.every((l) => l.details!.overdue === false)).toBe(true);
    expect(agendaCommitmentIds(agenda)).toEqual(['c1', 'c2']);
    expect(composeAgenda({ commitments: [c2, c1], openActionItems: [] }, { now, policy }).map((item) => item.commitmentId)).toEqual(['c2', 'c1']);
  });

  it('times each item by the rule: 5 minutes and 2 per link, at most 20', () => {
    expect([0, 1, 3, 7, 8, 50].map(agendaItemMinutes)).toEqual([5, 7, 11, 19, 20, 20]);
    const many = Array.from({ length: 9 }, (_, i) => ({ id: `a${i}`, title: `T${i}`, ownerName: 'O', dueAt: at('2027-04-01T00:00:00Z'), commitmentId: null, checkInId: 'k' }));
    expect(composeAgenda({ commitments: [], openActionItems: many }, { now, policy })[0]!.durationMinutes).toBe(20);
    expect(composeAgenda(oneOfEach, { now, policy }).map((item) => item.durationMinutes)).toEqual([7, 7, 7, 7, 7, 7]);
  });
});
