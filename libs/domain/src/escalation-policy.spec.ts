import { laterEscalationState, escalatesReturnedEvidence, escalationActionRefusal, escalationEmailKey, escalationLevelDue, escalationRecipients, escalationStatusAfter } from './escalation-policy';

describe('escalationLevelDue', () => {
  const at = (ms: number) => new Date(ms);
  it.each([
    [{ escalateAt: at(100), secondLevelAt: null }, 99, null],
    [{ escalateAt: at(100), secondLevelAt: null }, 100, 1],
    [{ escalateAt: null, secondLevelAt: at(200) }, 150, null],
    [{ escalateAt: null, secondLevelAt: at(200) }, 250, 2],
    [{ escalateAt: null, secondLevelAt: null }, 1e12, null],
  ])('%p at %p: %p', (timers, now, level) => {
    expect(escalationLevelDue(timers, now)).toBe(level);
  });
});

describe('escalatesReturnedEvidence', () => {
  it.each([
    [1, null, false],
    [2, null, true],
    [2, { status: 'resolved' as const }, true],
    [2, { status: 'open' as const }, false],
    [3, { status: 'acknowledged' as const }, false],
  ])('returned %p times, escalation %p: %p', (returns, escalation, expected) => {
    expect(escalatesReturnedEvidence(returns, escalation)).toBe(expected);
  });
});

describe('escalationRecipients', () => {
  it('tells the IMB contacts and the office contacts, each address once, IMB first', () => {
    const imb = [{ email: 'imb@x.org' }, { email: 'chair@x.org' }];
    const office = [{ email: 'office@x.org' }, { email: 'imb@x.org' }];
    expect(escalationRecipients(imb, office)).toEqual(['imb@x.org', 'chair@x.org', 'office@x.org']);
    expect(escalationRecipients([], [])).toEqual([]);
  });

  it('keys each email once per milestone, cycle, level and address', () => {
    expect(escalationEmailKey('m', 1, 2, 'a@x.org')).toBe('escalation:m:1:2:a@x.org');
  });
});

describe('escalation actions', () => {
  it.each([
    ['acknowledge', 'open', undefined, null],
    ['acknowledge', 'acknowledged', undefined, 'The escalation is acknowledged'],
    ['recommend', 'acknowledged', 'do it', null],
    ['recommend', 'open', undefined, 'To recommend, send the text'],
    ['resolve', 'acknowledged', 'done', null],
    ['resolve', 'resolved', 'done', 'The escalation is resolved'],
    ['resolve', 'open', '', 'To resolve, send the text'],
  ] as const)('%s on %s (text %p): %p', (action, status, text, refusal) => {
    expect(escalationActionRefusal(action, status, text)).toBe(refusal);
  });

  it.each([
    ['acknowledge', 'open', 'acknowledged'],
    ['recommend', 'acknowledged', 'acknowledged'],
    ['resolve', 'acknowledged', 'resolved'],
    ['acknowledge', 'resolved', 'resolved'],
  ] as const)('%s on %s leaves it %s', (action, status, after) => {
    expect(escalationStatusAfter(action, status)).toBe(after);
  });
});

describe('laterEscalationState', () => {
  it.each([
    ['open', 'acknowledged', 'acknowledged'],
    ['resolved', 'acknowledged', 'resolved'],
    ['open', 'open', 'open'],
  ] as const)('%s, %s: %s', (a, b, later) => {
    expect(laterEscalationState(a, b)).toBe(later);
    expect(laterEscalationState(b, a)).toBe(later);
  });
});
