import { OpenDataMilestone, OpenDataPlan, PLAN_CSV_COLUMNS, planCsvRows } from './plan-csv';

const milestone = (overrides: Partial<OpenDataMilestone>): OpenDataMilestone => ({
  id: 'm1',
  externalId: 'C1.1',
  title: 'Open the budget data',
  expectedOutput: 'A dataset',
  responsibleAgency: 'Finance',
  startAt: '2027-01-01T03:00:00.000Z',
  dueAt: '2027-06-30T03:00:00.000Z',
  originalDueAt: '2027-05-31T03:00:00.000Z',
  status: 'completed',
  completion: 'complete',
  verifiable: true,
  replanning: [],
  ...overrides,
});

const plan: OpenDataPlan = {
  id: 'p1',
  title: 'Plan 2027',
  jurisdiction: 'Rosario',
  status: 'active',
  progress: { commitments: [{ id: 'c1', progress: 0.625, completion: 'substantial' }, { id: 'c2', progress: null, completion: 'no_evidence_available' }] },
  commitments: [
    {
      id: 'c1',
      externalId: 'C1',
      title: 'Open budget',
      leadAgency: 'Finance',
      supportingStakeholders: ['NGO A', 'NGO B'],
      ogpValues: ['access_to_information', 'public_accountability'],
      challengeArea: 'fiscal_openness',
      sdgTags: [16, 17],
      status: 'active',
      assessments: {
        government: { completion: 'substantial', potentialForResults: null, didItOpenGovernment: null, assessedAt: '2027-07-01T00:00:00.000Z' },
        imb: { completion: 'limited', potentialForResults: 'modest', didItOpenGovernment: 'marginal', assessedAt: '2027-07-02T00:00:00.000Z' },
      },
      milestones: [
        milestone({}),
        milestone({
          id: 'm2',
          externalId: null,
          title: '=HYPERLINK("http://evil.example","click")',
          status: 'overdue',
          completion: null,
          replanning: [
            { previousDueAt: '2027-04-30T03:00:00.000Z', newDueAt: '2027-05-31T03:00:00.000Z', reason: 'First delay', changedAt: '2027-04-01T00:00:00.000Z' },
            { previousDueAt: '2027-05-31T03:00:00.000Z', newDueAt: '2027-06-30T03:00:00.000Z', reason: '-late tender', changedAt: '2027-05-01T00:00:00.000Z' },
          ],
        }),
      ],
    },
    { id: 'c2', externalId: null, title: 'Civic lab', leadAgency: 'Innovation', supportingStakeholders: [], ogpValues: ['civic_participation'], challengeArea: null, sdgTags: [], status: 'active', assessments: { government: null, imb: null }, milestones: [] },
  ],
};

const asRecords = (rows: string[][]) => rows.slice(1).map((row) => Object.fromEntries(rows[0].map((name, i) => [name, row[i]])));

describe('planCsvRows', () => {
  it('starts with the documented columns, every one described', () => {
    const rows = planCsvRows(plan);
    expect(rows[0]).toEqual(PLAN_CSV_COLUMNS.map((c) => c.name));
    expect(PLAN_CSV_COLUMNS.every((c) => c.description.length > 10)).toBe(true);
    expect(new Set(rows[0]).size).toBe(rows[0].length);
  });

  it("writes one row per milestone with its commitment's columns, and one row for a commitment without milestones", () => {
    const records = asRecords(planCsvRows(plan));
    expect(records.map((r) => [r.commitment_id, r.milestone_id])).toEqual([['c1', 'm1'], ['c1', 'm2'], ['c2', '']]);
    expect(records[0]).toMatchObject({
      plan_id: 'p1',
      jurisdiction: 'Rosario',
      commitment_ref: 'C1',
      lead_agency: 'Finance',
      supporting_stakeholders: 'NGO A|NGO B',
      ogp_values: 'access_to_information|public_accountability',
      sdg_tags: '16|17',
      commitment_progress_percent: '62.5',
      commitment_completion: 'substantial',
      government_assessment_completion: 'substantial',
      imb_assessment_completion: 'limited',
      imb_did_it_open_government: 'marginal',
      milestone_ref: 'C1.1',
      start: '2027-01-01T03:00:00.000Z',
      due: '2027-06-30T03:00:00.000Z',
      original_due: '2027-05-31T03:00:00.000Z',
      milestone_status: 'completed',
      milestone_completion: 'complete',
      verifiable: 'true',
      replanned_count: '0',
      last_replanning_reason: '',
    });
  });

  it('leaves progress empty without evidence (not 0 %) and gives the latest replanning', () => {
    const [, m2, c2] = asRecords(planCsvRows(plan));
    expect(c2).toMatchObject({ commitment_progress_percent: '', commitment_completion: 'no_evidence_available', milestone_title: '', replanned_count: '' });
    expect(m2).toMatchObject({ replanned_count: '2', last_replanned_at: '2027-05-01T00:00:00.000Z' });
  });

  it('escapes formula-looking cells', () => {
    const [, m2] = asRecords(planCsvRows(plan));
    expect(m2.milestone_title).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(m2.last_replanning_reason).toBe("'-late tender");
  });
});
