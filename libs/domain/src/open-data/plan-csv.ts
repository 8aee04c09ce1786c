import { escapeFormulaCell } from './csv-cells';

/** A published plan as the open data reads it (the public plan JSON has this shape). */
export interface OpenDataPlan {
  id: string;
  title: string;
  jurisdiction: string;
  status: string;
  progress: { commitments: { id: string; progress: number | null; completion: string }[] };
  commitments: OpenDataCommitment[];
}

export interface OpenDataAssessment {
  completion: string;
  potentialForResults: string | null;
  didItOpenGovernment: string | null;
  assessedAt: string;
}

export interface OpenDataCommitment {
  id: string;
  externalId: string | null;
  title: string;
  leadAgency: string;
  supportingStakeholders: string[];
  ogpValues: string[];
  challengeArea: string | null;
  sdgTags: number[];
  status: string;
  assessments: { government: OpenDataAssessment | null; imb: OpenDataAssessment | null };
  milestones: OpenDataMilestone[];
}

export interface OpenDataMilestone {
  id: string;
  externalId: string | null;
  title: string;
  expectedOutput: string | null;
  responsibleAgency: string;
  startAt: string;
  dueAt: string;
  originalDueAt: string;
  status: string;
  completion: string | null;
  verifiable: boolean;
  replanning: { previousDueAt: string; newDueAt: string; reason: string; changedAt: string }[];
}

interface Column {
  name: string;
  description: string;
  value: (commitment: OpenDataCommitment, milestone: OpenDataMilestone | null, plan: OpenDataPlan) => string;
}

const list = (values: readonly (string | number)[]) => values.join('|');
const percent = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(Math.round(value * 10_000) / 100));
const flag = (value: boolean) => (value ? 'true' : 'false');
const lastReplanning = (m: OpenDataMilestone | null) => (m && m.replanning.length > 0 ? m.replanning.reduce((a, b) => (b.changedAt > a.changedAt ? b : a)) : undefined);

/**
 * The columns of `plan.csv`, in order, in OGP's vocabulary (commitment, milestone, lead agency, OGP
 * values, completion levels, the government's self-assessment and the IMB's). Values are text;
 * lists are separated by `|`; instants are ISO 8601 in UTC; an empty cell is "none" (for progress:
 * no accepted evidence yet, which is not 0 %).
 */
const COLUMNS: readonly Column[] = [
  { name: 'plan_id', description: 'Identifier of the action plan', value: (_c, _m, p) => p.id },
  { name: 'plan_title', description: 'Title of the action plan', value: (_c, _m, p) => p.title },
  { name: 'jurisdiction', description: 'The OGP Local member (local government)', value: (_c, _m, p) => p.jurisdiction },
  { name: 'plan_status', description: 'active or closed', value: (_c, _m, p) => p.status },
  { name: 'commitment_id', description: 'Identifier of the commitment', value: (c) => c.id },
  { name: 'commitment_ref', description: "The commitment's reference in the plan document (e.g. C1), if any", value: (c) => c.externalId ?? '' },
  { name: 'commitment_title', description: 'Title of the commitment', value: (c) => c.title },
  { name: 'commitment_status', description: 'active, completed or cancelled', value: (c) => c.status },
  { name: 'lead_agency', description: 'Lead implementing agency of the commitment', value: (c) => c.leadAgency },
  { name: 'supporting_stakeholders', description: 'Supporting stakeholders (government and civil society), | separated', value: (c) => list(c.supportingStakeholders) },
  { name: 'ogp_values', description: 'OGP values: access_to_information, civic_participation, public_accountability, technology_and_innovation; | separated', value: (c) => list(c.ogpValues) },
  { name: 'challenge_area', description: 'Open Gov Challenge area, if any', value: (c) => c.challengeArea ?? '' },
  { name: 'sdg_tags', description: 'UN Sustainable Development Goals (1-17), | separated', value: (c) => list(c.sdgTags) },
  { name: 'commitment_progress_percent', description: 'Progress 0-100 from the accepted evidence of its milestones; empty when no milestone has evidence (not 0 %)', value: (c, _m, p) => percent(p.progress.commitments.find((x) => x.id === c.id)?.progress) },
  { name: 'commitment_completion', description: 'OGP completion level from that progress: no_evidence_available, not_started, limited, substantial, complete', value: (c, _m, p) => p.progress.commitments.find((x) => x.id === c.id)?.completion ?? '' },
  { name: 'government_assessment_completion', description: "Completion level in the government's latest self-assessment", value: (c) => c.assessments.government?.completion ?? '' },
  { name: 'government_assessment_date', description: "When the government's latest self-assessment was published", value: (c) => c.assessments.government?.assessedAt ?? '' },
  { name: 'imb_assessment_completion', description: "Completion level in the Independent Monitoring Body's latest assessment", value: (c) => c.assessments.imb?.completion ?? '' },
  { name: 'imb_potential_for_results', description: "The IMB's potential for results: unclear, modest, substantial", value: (c) => c.assessments.imb?.potentialForResults ?? '' },
  { name: 'imb_did_it_open_government', description: "The IMB's did it open government: worsened, did_not_change, marginal, major, outstanding", value: (c) => c.assessments.imb?.didItOpenGovernment ?? '' },
  { name: 'imb_assessment_date', description: "When the IMB's latest assessment was published", value: (c) => c.assessments.imb?.assessedAt ?? '' },
  { name: 'milestone_id', description: 'Identifier of the milestone (empty on the row of a commitment without milestones)', value: (_c, m) => m?.id ?? '' },
  { name: 'milestone_ref', description: "The milestone's reference in the plan document, if any", value: (_c, m) => m?.externalId ?? '' },
  { name: 'milestone_title', description: 'Title of the milestone', value: (_c, m) => m?.title ?? '' },
  { name: 'expected_output', description: 'The verifiable output the milestone should produce', value: (_c, m) => m?.expectedOutput ?? '' },
  { name: 'responsible_agency', description: 'Agency responsible for the milestone', value: (_c, m) => m?.responsibleAgency ?? '' },
  { name: 'start', description: 'Start, ISO 8601 UTC', value: (_c, m) => m?.startAt ?? '' },
  { name: 'due', description: 'Current due date, ISO 8601 UTC', value: (_c, m) => m?.dueAt ?? '' },
  { name: 'original_due', description: 'Due date in the plan as adopted, before any replanning, ISO 8601 UTC', value: (_c, m) => m?.originalDueAt ?? '' },
  { name: 'milestone_status', description: 'not_started, open, evidence_requested, overdue, under_review, completed, closed_without_evidence, cancelled', value: (_c, m) => m?.status ?? '' },
  { name: 'milestone_completion', description: 'OGP completion level of its accepted evidence; empty when none yet', value: (_c, m) => m?.completion ?? '' },
  { name: 'verifiable', description: 'true when the milestone counts towards progress', value: (_c, m) => (m ? flag(m.verifiable) : '') },
  { name: 'replanned_count', description: 'How many times the due date was changed', value: (_c, m) => (m ? String(m.replanning.length) : '') },
  { name: 'last_replanning_reason', description: 'The public reason of the latest due date change', value: (_c, m) => lastReplanning(m)?.reason ?? '' },
  { name: 'last_replanned_at', description: 'When the due date was last changed, ISO 8601 UTC', value: (_c, m) => lastReplanning(m)?.changedAt ?? '' },
];

/** The documented columns of `plan.csv` (name and meaning), in file order. */
export const PLAN_CSV_COLUMNS: readonly { name: string; description: string }[] = COLUMNS.map(({ name, description }) => ({ name, description }));

/**
 * The rows of `plan.csv`: the header, then one row per milestone with its commitment's columns, in
 * the plan's order (a commitment without milestones gets one row with empty milestone columns).
 * Every cell is text already escaped against formulas ({@link escapeFormulaCell}).
 */
export function planCsvRows(plan: OpenDataPlan): string[][] {
  const rows: string[][] = [COLUMNS.map((c) => c.name)];
  for (const commitment of plan.commitments) {
    const milestones: (OpenDataMilestone | null)[] = commitment.milestones.length > 0 ? commitment.milestones : [null];
    for (const milestone of milestones) rows.push(COLUMNS.map((column) => escapeFormulaCell(column.value(commitment, milestone, plan))));
  }
  return rows;
}
