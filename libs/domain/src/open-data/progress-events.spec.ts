import { MilestoneStatus } from '../milestone-status';
import { ProgressEventKind, ProgressFacts, progressEvents } from './progress-events';

const d = (iso: string) => new Date(iso);
const now = d('2027-08-01T00:00:00Z');

const facts: ProgressFacts = {
  commitments: [{ id: 'c1', title: 'Open budget' }],
  milestones: [
    { id: 'done', commitmentId: 'c1', title: 'Dataset', status: MilestoneStatus.Completed, dueAt: d('2027-06-30T00:00:00Z'), completion: 'complete', completedAt: d('2027-06-15T00:00:00Z') },
    { id: 'late', commitmentId: 'c1', title: 'Portal', status: MilestoneStatus.Completed, dueAt: d('2027-05-31T00:00:00Z'), completion: 'substantial', completedAt: d('2027-06-20T00:00:00Z') },
    { id: 'overdue', commitmentId: 'c1', title: 'Law', status: MilestoneStatus.Overdue, dueAt: d('2027-07-15T00:00:00Z'), completion: null, completedAt: null },
    { id: 'future', commitmentId: 'c1', title: 'Audit', status: MilestoneStatus.Open, dueAt: d('2027-12-31T00:00:00Z'), completion: null, completedAt: null },
    { id: 'gone', commitmentId: 'c1', title: 'Dropped', status: MilestoneStatus.Cancelled, dueAt: d('2027-03-01T00:00:00Z'), completion: null, completedAt: null },
  ],
  replannings: [{ id: 'r1', milestoneId: 'overdue', previousDueAt: d('2027-06-15T00:00:00Z'), newDueAt: d('2027-07-15T00:00:00Z'), reason: 'Council recess', changedAt: d('2027-06-10T00:00:00Z') }],
  escalations: [{ id: 'e1', milestoneId: 'overdue', level: 1, raisedAt: d('2027-07-22T00:00:00Z'), status: 'open', recommendation: null }],
  assessments: [{ id: 'a1', commitmentId: 'c1', assessor: 'imb', completion: 'limited', narrative: 'Slow start', assessedAt: d('2027-07-30T00:00:00Z') }],
};

describe('progressEvents', () => {
  it('reports completions, overdue milestones, replannings, escalations and assessments, newest first', () => {
    const events = progressEvents(facts, now);
    expect(events.map((e) => [e.kind, e.key, e.at.toISOString()])).toEqual([
      [ProgressEventKind.AssessmentPublished, 'assessment/a1', '2027-07-30T00:00:00.000Z'],
      [ProgressEventKind.Escalated, 'escalation/e1', '2027-07-22T00:00:00.000Z'],
      [ProgressEventKind.MilestoneOverdue, `milestone/overdue/overdue/${d('2027-07-15T00:00:00Z').getTime()}`, '2027-07-15T00:00:00.000Z'],
      [ProgressEventKind.MilestoneCompleted, 'milestone/late/completed', '2027-06-20T00:00:00.000Z'],
      [ProgressEventKind.MilestoneCompleted, 'milestone/done/completed', '2027-06-15T00:00:00.000Z'],
      [ProgressEventKind.MilestoneReplanned, 'replanning/r1', '2027-06-10T00:00:00.000Z'],
      [ProgressEventKind.MilestoneOverdue, `milestone/late/overdue/${d('2027-05-31T00:00:00Z').getTime()}`, '2027-05-31T00:00:00.000Z'],
    ]);
  });

  it('carries the public details of each event', () => {
    const byKey = new Map(progressEvents(facts, now).map((e) => [e.key, e]));
    expect(byKey.get('replanning/r1')).toMatchObject({ commitment: { id: 'c1', title: 'Open budget' }, milestone: { id: 'overdue', title: 'Law' }, details: { reason: 'Council recess', newDueAt: d('2027-07-15T00:00:00Z') } });
    expect(byKey.get('assessment/a1')).toMatchObject({ milestone: null, details: { assessor: 'imb', completion: 'limited', narrative: 'Slow start' } });
    expect(byKey.get('milestone/done/completed')?.details).toEqual({ kind: ProgressEventKind.MilestoneCompleted, completion: 'complete' });
  });

  it('reports nothing for a cancelled milestone or a due date still ahead, and nothing after now', () => {
    const keys = progressEvents(facts, d('2027-07-01T00:00:00Z')).map((e) => e.key);
    expect(keys.some((k) => k.includes('gone') || k.includes('future'))).toBe(false);
    expect(keys).not.toContain('escalation/e1');
    expect(keys.some((k) => k.startsWith('milestone/overdue/overdue'))).toBe(false);
  });

  it('keeps the newest `limit` events', () => {
    expect(progressEvents(facts, now, 2).map((e) => e.key)).toEqual(['assessment/a1', 'escalation/e1']);
  });

  it('is deterministic', () => {
    expect(progressEvents(facts, now)).toEqual(progressEvents({ ...facts, milestones: [...facts.milestones].reverse() }, now));
  });
});
