import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalDiskEvidenceStorage } from './local-disk-evidence-storage';
import { sweepOrphanedObjects } from './orphan-sweep';

describe(sweepOrphanedObjects.name, () => {
  let dir: string;
  let storage: LocalDiskEvidenceStorage;
  const now = new Date();
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

  /** Stores `key` and sets its modification time. */
  async function stored(key: string, modifiedAt: Date): Promise<void> {
    await storage.put(key, Buffer.from(key));
    utimesSync(path.join(storage.root, key), modifiedAt, modifiedAt);
  }

  const keys = async () => {
    const listed: string[] = [];
    for await (const object of storage.list()) listed.push(object.key);
    return listed.sort();
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ogp-sweep-spec-'));
    storage = new LocalDiskEvidenceStorage(dir);
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes old unreferenced objects only, and looks up only the old ones', async () => {
    await stored('aa/old-orphan', hoursAgo(3));
    await stored('aa/old-referenced', hoursAgo(3));
    await stored('bb/fresh-orphan', hoursAgo(0.1));
    await stored('bb/fresh-referenced', hoursAgo(0.1));
    const lookedUp: string[][] = [];

    const result = await sweepOrphanedObjects(storage, {
      olderThan: hoursAgo(1),
      referenced: async (batch) => {
        lookedUp.push([...batch].sort());
        return new Set(batch.filter((key) => key.endsWith('referenced')));
      },
    });

    expect(result).toEqual({ scanned: 4, referenced: 1, keptYoung: 2, deleted: 1, abandonedWrites: 0 });
    expect(await keys()).toEqual(['aa/old-referenced', 'bb/fresh-orphan', 'bb/fresh-referenced']);
    expect(lookedUp).toEqual([['aa/old-orphan', 'aa/old-referenced']]);
  });

  it('works through the objects in batches and reports progress after each', async () => {
    for (let i = 0; i < 7; i++) await stored(`k/orphan-${i}`, hoursAgo(2));
    const progress: number[] = [];
    const batches: number[] = [];

    const result = await sweepOrphanedObjects(storage, {
      olderThan: hoursAgo(1),
      batchSize: 3,
      referenced: async (batch) => {
        batches.push(batch.length);
        return new Set();
      },
      onBatch: (p) => progress.push(p.scanned),
    });

    expect(result).toEqual({ scanned: 7, referenced: 0, keptYoung: 0, deleted: 7, abandonedWrites: 0 });
    expect(batches).toEqual([3, 3, 1]);
    expect(progress).toEqual([3, 6, 7]);
    expect(await keys()).toEqual([]);
  });

  it('deletes nothing when the look-up fails', async () => {
    await stored('k/old', hoursAgo(2));
    await expect(sweepOrphanedObjects(storage, { olderThan: hoursAgo(1), referenced: () => Promise.reject(new Error('database down')) })).rejects.toThrow('database down');
    expect(await keys()).toEqual(['k/old']);
  });

  it('finds nothing to do in an empty store', async () => {
    await expect(sweepOrphanedObjects(storage, { olderThan: now, referenced: async () => new Set() })).resolves.toEqual({ scanned: 0, referenced: 0, keptYoung: 0, deleted: 0, abandonedWrites: 0 });
  });
});
