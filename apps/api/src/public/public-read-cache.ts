import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, DEFAULT_PUBLIC_CACHE_SECONDS } from '@app/config';

/**
 * One public read as it is served: the loaded value, its body serialised once (JSON for objects,
 * the text itself for strings: CSV, Atom, iCalendar, HTML), a strong ETag over that body and the
 * time the body last changed. Routes send `body` as is: a cache hit neither queries the database
 * nor serialises again.
 */
export class CachedRead<T> {
  constructor(
    readonly value: T,
    readonly body: string,
    /** Strong validator: `"` + base64url of the body's SHA-256 (first 22 characters) + `"`. */
    readonly etag: string,
    /**
     * When this body was first seen (whole seconds, as HTTP dates have): a reload that yields the
     * same body keeps the earlier time, so `If-Modified-Since` keeps matching while nothing changed.
     */
    readonly lastModified: Date,
  ) {
    this.lastModifiedHttp = lastModified.toUTCString();
  }

  /** `lastModified` as an HTTP date, formatted once (every response sends it). */
  readonly lastModifiedHttp: string;

  private bytes?: Buffer;

  /** `body` as UTF-8, encoded once on first use (the fast path writes it as is). */
  get bodyBytes(): Buffer {
    return (this.bytes ??= Buffer.from(this.body, 'utf8'));
  }
}

/** Entries kept at most; the least recently read goes first. */
export const PUBLIC_READ_CACHE_ENTRIES = 500;

interface Entry {
  read: CachedRead<unknown>;
  expiresAt: number;
}

/**
 * The API's in-process cache of public reads (published plans, open data, public pages). Public
 * data changes rarely and is read often; a read may be up to `publicCacheSeconds` stale
 * (PUBLIC_CACHE_SECONDS, 10 by default; 0 loads every time).
 *
 * - `read(key, load)`: a fresh entry is returned as is; a missing or expired one is loaded, and
 *   concurrent misses of one key share one load (single flight). A load that fails is not kept.
 * - At most {@link PUBLIC_READ_CACHE_ENTRIES} entries: the least recently read is dropped first.
 * - Keys name what is read and everything it depends on, e.g. `plan:<id>`, `plan.csv:<id>`,
 *   `page:<slug>:<planId>:<lang>`.
 *
 * Each API process has its own cache: two replicas may serve different versions for up to the TTL.
 */
@Injectable()
export class PublicReadCache {
  private readonly ttlMs: number;
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<CachedRead<unknown>>>();
  /** Per key, the last body's ETag and when it appeared: the Last-Modified of the next identical load. */
  private readonly seen = new Map<string, { etag: string; lastModified: Date }>();

  protected readonly maxEntries: number = PUBLIC_READ_CACHE_ENTRIES;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.ttlMs = (config.publicCacheSeconds ?? DEFAULT_PUBLIC_CACHE_SECONDS) * 1000;
  }

  async read<T>(key: string, load: () => Promise<T>): Promise<CachedRead<T>> {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > now) {
      // Most recently read goes to the end of the map's order (LRU).
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.read as CachedRead<T>;
    }
    if (this.ttlMs === 0) return this.load(key, load);
    const pending = this.loading.get(key);
    if (pending) return pending as Promise<CachedRead<T>>;
    const loaded = this.load(key, load).then(
      (read) => {
        this.loading.delete(key);
        this.store(key, read);
        return read;
      },
      (error: unknown) => {
        this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  /**
   * The entry of `key` when it is fresh (the one `read` would return without loading), else
   * undefined; never loads. Counts as a read for the LRU order.
   */
  peek(key: string): CachedRead<unknown> | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= Date.now()) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.read;
  }

  /** Forgets every entry whose key starts with `prefix` (all of them without one). */
  evict(prefix = ''): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private async load<T>(key: string, load: () => Promise<T>): Promise<CachedRead<T>> {
    const value = await load();
    const body = typeof value === 'string' ? value : JSON.stringify(value);
    const etag = strongEtag(body);
    const previous = this.seen.get(key);
    const lastModified = previous?.etag === etag ? previous.lastModified : wholeSeconds(new Date());
    this.seen.delete(key);
    this.seen.set(key, { etag, lastModified });
    if (this.seen.size > this.maxEntries * 4) this.seen.delete(this.seen.keys().next().value as string);
    return new CachedRead(value, body, etag, lastModified);
  }

  private store(key: string, read: CachedRead<unknown>): void {
    this.entries.delete(key);
    this.entries.set(key, { read, expiresAt: Date.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** A strong ETag of a body: 16 bytes of its SHA-256, base64url, quoted. */
export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
