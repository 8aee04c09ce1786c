import type { Request } from 'express';
import type { AppConfig } from '@app/config';
import { rateLimitKey, rateLimitTracker, spendBudget } from './rate-limit';
import { FixedWindowRateLimitStorage } from './rate-limit-storage';

const from = (ip: string) => ({ ip }) as Request;

describe(rateLimitTracker.name, () => {
  it('counts IPv4 (mapped or not) by address and IPv6 by /64, the same on every call', () => {
    for (let i = 0; i < 2; i++) {
      expect(rateLimitTracker(from('203.0.113.7'))).toBe('203.0.113.7');
      expect(rateLimitTracker(from('::ffff:203.0.113.7'))).toBe('203.0.113.7');
      expect(rateLimitTracker(from('2001:db8:1:2:aaaa::1'))).toBe(rateLimitTracker(from('2001:db8:1:2:bbbb::9')));
      expect(rateLimitTracker(from('2001:db8:1:2::1'))).not.toBe(rateLimitTracker(from('2001:db8:1:3::1')));
    }
  });
});

describe(spendBudget.name, () => {
  it("spends the client's window of the budget under the guard's key, false once over the limit", () => {
    const storage = new FixedWindowRateLimitStorage();
    const config = { rateLimits: { publicPerMinute: 2, tokenPerMinute: 1 } } as AppConfig;
    expect([1, 2, 3].map(() => spendBudget(storage, config, 'public', from('198.51.100.1')))).toEqual([true, true, false]);
    expect(spendBudget(storage, config, 'public', from('198.51.100.2'))).toBe(true);
    expect(storage.hit(rateLimitKey('public', '198.51.100.1'), 60_000, 2, Date.now()).totalHits).toBe(4);
    storage.onApplicationShutdown();
  });
});
