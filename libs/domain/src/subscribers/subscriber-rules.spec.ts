import {
  BOUNCE_THRESHOLD,
  afterHardBounce,
  confirmOutcome,
  followsAnyOf,
  isDigestRecipient,
  subscribeDecision,
  subscriptionConfirmationKey,
  unconfirmedPurgeCutoff,
} from './subscriber-rules';

const NOW = new Date('2025-03-01T10:00:00Z');

describe('subscriber rules', () => {
  it('sends digests to confirmed subscribers only', () => {
    expect(isDigestRecipient({ status: 'confirmed' })).toBe(true);
    for (const status of ['pending', 'unsubscribed', 'bounced'] as const) expect(isDigestRecipient({ status })).toBe(false);
  });

  it('matches whole-plan subscribers always and topic subscribers on a covered commitment', () => {
    expect(followsAnyOf({ commitmentIds: [] }, ['c1'])).toBe(true);
    expect(followsAnyOf({ commitmentIds: ['c2'] }, ['c1', 'c2'])).toBe(true);
    expect(followsAnyOf({ commitmentIds: ['c3'] }, ['c1', 'c2'])).toBe(false);
  });

  it('marks an address bounced at the threshold of hard bounces', () => {
    let state = { status: 'confirmed' as const, bounceCount: 0 } as { status: 'confirmed' | 'bounced' | 'pending' | 'unsubscribed'; bounceCount: number };
    for (let i = 1; i < BOUNCE_THRESHOLD; i++) {
      state = afterHardBounce(state, NOW);
      expect(state).toMatchObject({ status: 'confirmed', bounceCount: i });
    }
    expect(afterHardBounce(state, NOW)).toEqual({ status: 'bounced', bounceCount: BOUNCE_THRESHOLD, lastBounceAt: NOW });
    expect(afterHardBounce({ status: 'unsubscribed', bounceCount: 5 }, NOW).status).toBe('unsubscribed');
  });

  it('confirms a pending subscriber before the link expires, refuses after', () => {
    expect(confirmOutcome({ status: 'pending', confirmExpiresAt: new Date('2025-03-01T10:00:01Z') }, NOW)).toBe('confirm');
    expect(confirmOutcome({ status: 'pending', confirmExpiresAt: NOW }, NOW)).toBe('expired');
    expect(confirmOutcome({ status: 'confirmed', confirmExpiresAt: null }, NOW)).toBe('already_confirmed');
    expect(confirmOutcome({ status: 'unsubscribed', confirmExpiresAt: null }, NOW)).toBe('not_pending');
  });

  it('decides what a subscription request does to a known address', () => {
    expect(subscribeDecision(null, NOW)).toBe('create');
    expect(subscribeDecision({ status: 'confirmed', confirmationSentAt: null }, NOW)).toBe('already_subscribed');
    expect(subscribeDecision({ status: 'pending', confirmationSentAt: new Date('2025-03-01T09:55:00Z') }, NOW)).toBe('nothing');
    expect(subscribeDecision({ status: 'pending', confirmationSentAt: new Date('2025-03-01T09:00:00Z') }, NOW)).toBe('confirm_again');
    expect(subscribeDecision({ status: 'unsubscribed', confirmationSentAt: NOW }, NOW)).toBe('confirm_again');
  });

  it('keys confirmations and computes the purge cutoff', () => {
    expect(subscriptionConfirmationKey('s1', 2)).toBe('subscription-confirmation:s1:2');
    expect(unconfirmedPurgeCutoff(NOW, 7)).toEqual(new Date('2025-02-22T10:00:00Z'));
  });
});
