import { FixedWindowRateLimitStorage } from './rate-limit-storage';

describe(FixedWindowRateLimitStorage.name, () => {
  let storage: FixedWindowRateLimitStorage;

  beforeEach(() => {
    storage = new FixedWindowRateLimitStorage();
  });

  afterEach(() => {
    storage.onApplicationShutdown();
  });

  describe('hit', () => {
    it('lets `limit` hits through in a window and blocks the next, saying when the window ends', () => {
      const t0 = 1_000_000;
      for (let i = 0; i < 3; i++) expect(storage.hit('public:1.2.3.4', 60_000, 3, t0 + i)).toMatchObject({ totalHits: i + 1, isBlocked: false, timeToBlockExpire: 0 });
      expect(storage.hit('public:1.2.3.4', 60_000, 3, t0 + 20_000)).toEqual({ totalHits: 4, isBlocked: true, timeToExpire: 40, timeToBlockExpire: 40 });
      expect(storage.hit('public:1.2.3.4', 60_000, 3, t0 + 59_500)).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    });

    it('starts a new window once the last one ended', () => {
      const t0 = 5_000;
      for (let i = 0; i < 4; i++) storage.hit('k', 1_000, 3, t0);
      expect(storage.hit('k', 1_000, 3, t0 + 999).isBlocked).toBe(true);
      expect(storage.hit('k', 1_000, 3, t0 + 1_000)).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 1 });
    });

    it('counts each key apart', () => {
      storage.hit('public:a', 60_000, 1, 0);
      expect(storage.hit('public:a', 60_000, 1, 1).isBlocked).toBe(true);
      expect(storage.hit('public:b', 60_000, 1, 1).isBlocked).toBe(false);
      expect(storage.hit('token:a', 60_000, 1, 1).isBlocked).toBe(false);
    });

    it('costs the same whatever the limit: one entry per key', () => {
      for (let i = 0; i < 100_000; i++) storage.hit('bench', 60_000, 10_000_000, i / 100);
      expect(storage.size).toBe(1);
    });
  });

  describe('increment', () => {
    it('is the throttler storage interface over the current time', async () => {
      await expect(storage.increment('k', 60_000, 1, 60_000, 'public')).resolves.toMatchObject({ totalHits: 1, isBlocked: false });
      await expect(storage.increment('k', 60_000, 1, 60_000, 'public')).resolves.toMatchObject({ totalHits: 2, isBlocked: true, timeToBlockExpire: 60 });
    });
  });

  describe('sweep', () => {
    it('forgets windows that ended, keeps live ones', () => {
      storage.hit('old', 1_000, 5, 0);
      storage.hit('live', 60_000, 5, 0);
      storage.sweep(1_000);
      expect(storage.size).toBe(1);
      expect(storage.hit('live', 60_000, 5, 1_000).totalHits).toBe(2);
    });
  });
});
