import type { AppConfig } from '@app/config';
import { CachedRead, PUBLIC_READ_CACHE_ENTRIES, PublicReadCache, strongEtag } from './public-read-cache';

const cacheFor = (publicCacheSeconds: number) => new PublicReadCache({ publicCacheSeconds } as AppConfig);

describe(PublicReadCache.name, () => {
  afterEach(() => jest.useRealTimers());

  describe('read', () => {
    it('serialises once: JSON for objects, strings as they are, with a strong ETag of the body', async () => {
      const cache = cacheFor(10);
      const json = await cache.read('a', async () => ({ title: 'Plan' }));
      expect(json).toBeInstanceOf(CachedRead);
      expect(json.body).toBe('{"title":"Plan"}');
      expect(json.etag).toBe(strongEtag('{"title":"Plan"}'));
      expect(json.etag).toMatch(/^"[\w-]{22}"$/);
      expect(json.lastModified.getMilliseconds()).toBe(0);
      expect((await cache.read('b', async () => 'a,b\r\n')).body).toBe('a,b\r\n');
    });

    it('serves a fresh entry without loading again, and loads again once the TTL has passed', async () => {
      jest.useFakeTimers({ now: new Date('2027-03-01T12:00:00Z') });
      const cache = cacheFor(10);
      let n = 0;
      const load = jest.fn(async () => ({ n: ++n }));
      expect((await cache.read('k', load)).value).toEqual({ n: 1 });
      jest.advanceTimersByTime(9_999);
      expect((await cache.read('k', load)).value).toEqual({ n: 1 });
      jest.advanceTimersByTime(2);
      expect((await cache.read('k', load)).value).toEqual({ n: 2 });
      expect(load).toHaveBeenCalledTimes(2);
    });

    it('shares one load between concurrent misses of a key (single flight)', async () => {
      const cache = cacheFor(10);
      let release!: (v: string) => void;
      const load = jest.fn(() => new Promise<string>((resolve) => (release = resolve)));
      const reads = [cache.read('k', load), cache.read('k', load), cache.read('k', load)];
      release('x');
      const results = await Promise.all(reads);
      expect(load).toHaveBeenCalledTimes(1);
      expect(new Set(results).size).toBe(1);
    });

    it('keeps no failed load: the next read tries again', async () => {
      const cache = cacheFor(10);
      await expect(cache.read('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
      expect((await cache.read('k', async () => 'up')).value).toBe('up');
    });

    it('with a TTL of 0 loads every time, yet keeps Last-Modified while the body is unchanged', async () => {
      jest.useFakeTimers({ now: new Date('2027-03-01T12:00:00Z') });
      const cache = cacheFor(0);
      const first = await cache.read('k', async () => 'same');
      jest.advanceTimersByTime(5_000);
      const second = await cache.read('k', async () => 'same');
      expect(second).not.toBe(first);
      expect(second.lastModified).toEqual(first.lastModified);
      jest.advanceTimersByTime(5_000);
      const changed = await cache.read('k', async () => 'other');
      expect(changed.lastModified.getTime()).toBe(first.lastModified.getTime() + 10_000);
      expect(changed.etag).not.toBe(first.etag);
      expect(cache.size).toBe(0);
    });

    it(`keeps at most ${PUBLIC_READ_CACHE_ENTRIES} entries, dropping the least recently read`, async () => {
      const cache = cacheFor(10);
      for (let i = 0; i < PUBLIC_READ_CACHE_ENTRIES; i++) await cache.read(`k${i}`, async () => i);
      await cache.read('k0', async () => -1); // a hit: k0 becomes the most recently read
      await cache.read('new', async () => 'n');
      expect(cache.size).toBe(PUBLIC_READ_CACHE_ENTRIES);
      expect((await cache.read('k0', async () => -1)).value).toBe(0);
      expect((await cache.read('k1', async () => -1)).value).toBe(-1);
    });
  });

  describe('evict', () => {
    it('forgets the entries under a prefix', async () => {
      const cache = cacheFor(10);
      await cache.read('plan:1', async () => 1);
      await cache.read('page:1', async () => 1);
      cache.evict('plan:');
      expect((await cache.read('plan:1', async () => 2)).value).toBe(2);
      expect((await cache.read('page:1', async () => 2)).value).toBe(1);
    });
  });
});

describe('peek', () => {
  afterEach(() => jest.useRealTimers());

  it('returns a fresh entry without loading, nothing when missing or expired', async () => {
    jest.useFakeTimers({ now: new Date('2027-03-01T12:00:00Z') });
    const cache = cacheFor(10);
    expect(cache.peek('k')).toBeUndefined();
    const read = await cache.read('k', async () => ({ a: 1 }));
    expect(cache.peek('k')).toBe(read);
    expect(read.bodyBytes.equals(Buffer.from('{"a":1}'))).toBe(true);
    expect(read.bodyBytes).toBe(read.bodyBytes);
    jest.advanceTimersByTime(10_001);
    expect(cache.peek('k')).toBeUndefined();
  });
});
