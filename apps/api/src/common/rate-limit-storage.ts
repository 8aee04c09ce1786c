import { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  hits: number;
  endsAt: number;
}

/**
 * Per-key hit counts in fixed windows (one window of `ttl` per key, started by its first hit), kept in
 * this process. Each request costs one map lookup, whatever the limit: the throttler's own storage
 * keeps one timestamp per hit and filters them on every request, which grows with the limit (a
 * generous public limit, or a benchmark's, would cost tens of thousands of entries per request).
 * A client may use up to twice its limit across a window's edge; that is what a fixed window allows.
 * Windows that ended are swept every minute. One API process counts its own clients: behind several
 * processes each one limits alone.
 */
export class FixedWindowRateLimitStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(sweepEveryMs = 60_000) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), sweepEveryMs);
    this.sweeper.unref();
  }

  /** The throttler's interface; the block lasts until the window ends, whatever `blockDuration` says. */
  async increment(key: string, ttl: number, limit: number, _blockDuration?: number, _throttlerName?: string): Promise<ThrottlerStorageRecord> {
    return this.hit(key, ttl, limit, Date.now());
  }

  /** Counts one hit at `now` (ms); blocked once the window holds more than `limit` hits. */
  hit(key: string, ttl: number, limit: number, now: number): ThrottlerStorageRecord {
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + ttl };
      this.windows.set(key, window);
    }
    window.hits++;
    const timeToExpire = Math.max(1, Math.ceil((window.endsAt - now) / 1000));
    const isBlocked = window.hits > limit;
    return { totalHits: window.hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }

  /** Keys with a live window. */
  get size(): number {
    return this.windows.size;
  }

  sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
    this.windows.clear();
  }
}
