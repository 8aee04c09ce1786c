import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InvalidStorageKeyError, StoredObjectNotFoundError } from './evidence-storage';
import { LocalDiskEvidenceStorage } from './local-disk-evidence-storage';

describe('LocalDiskEvidenceStorage', () => {
  let dir: string;
  let storage: LocalDiskEvidenceStorage;

  /** Every file under the directory, as paths relative to it. */
  const filesIn = (root: string): string[] =>
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
      .sort();

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ogp-storage-spec-'));
    storage = new LocalDiskEvidenceStorage(path.join(dir, 'evidence'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores bytes under a key and reads them back unchanged, creating directories as needed', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    await storage.put('ab/ab12cd34', bytes);
    expect(await storage.get('ab/ab12cd34')).toEqual(bytes);
    expect(filesIn(dir)).toEqual([path.join('evidence', 'ab', 'ab12cd34')]);
  });

  it('replaces what a key held, leaving no temporary file behind', async () => {
    await storage.put('k1', Buffer.from('first version'));
    await storage.put('k1', Buffer.from('second'));
    expect((await storage.get('k1')).toString()).toBe('second');
    expect(filesIn(dir)).toEqual([path.join('evidence', 'k1')]);
  });

  it('keeps concurrent writes to different keys apart', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `shard/file-${i}`);
    await Promise.all(keys.map((key, i) => storage.put(key, Buffer.alloc(1000 + i, i))));
    for (const [i, key] of keys.entries()) expect(await storage.get(key)).toEqual(Buffer.alloc(1000 + i, i));
  });

  it('deletes, and deleting a missing key is not an error', async () => {
    await storage.put('gone', Buffer.from('x'));
    await storage.delete('gone');
    await storage.delete('gone');
    await storage.delete('never-was');
    await expect(storage.get('gone')).rejects.toThrow(StoredObjectNotFoundError);
    expect(filesIn(dir)).toEqual([]);
  });

  it('removes its temporary file when the write fails', async () => {
    // A directory where the file should go: the final rename fails.
    await storage.put('taken/inner', Buffer.from('x'));
    await expect(storage.put('taken', Buffer.from('y'))).rejects.toThrow();
    expect(filesIn(dir)).toEqual([path.join('evidence', 'taken', 'inner')]);
  });

  it.each(['', '../outside', 'a/../../outside', 'a/..', '..', 'a..b', '/etc/passwd', 'a//b', 'a/', './a', '.hidden', 'a\\b', 'a b', 'é', 'x'.repeat(201), 'a\u0000b'])(
    'refuses the key %p on every operation',
    async (key) => {
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(InvalidStorageKeyError);
      await expect(storage.get(key)).rejects.toThrow(InvalidStorageKeyError);
      await expect(storage.delete(key)).rejects.toThrow(InvalidStorageKeyError);
      expect(filesIn(dir)).toEqual([]);
    },
  );

  it('lists every stored key with its modification time, skipping temporary files of unfinished writes', async () => {
    await storage.put('ab/ab12', Buffer.from('one'));
    await storage.put('cd/cd34', Buffer.from('two'));
    await storage.put('top', Buffer.from('three'));
    const written = new Date('2024-03-01T10:00:00Z');
    utimesSync(path.join(dir, 'evidence', 'cd', 'cd34'), written, written);
    writeFileSync(path.join(dir, 'evidence', 'ab', '.ab99.0a1b2c.tmp'), 'half a file');

    const listed = [];
    for await (const object of storage.list()) listed.push(object);
    expect(listed.map((o) => o.key).sort()).toEqual(['ab/ab12', 'cd/cd34', 'top']);
    expect(listed.find((o) => o.key === 'cd/cd34')?.modifiedAt).toEqual(written);
  });

  it('removes temporary files of writes that never finished once older than the cut-off, and nothing else', async () => {
    await storage.put('ab/ab12', Buffer.from('kept'));
    const old = new Date(Date.now() - 2 * 3600_000);
    const abandoned = path.join(dir, 'evidence', 'ab', '.ab99.0a1b2c3d4e5f.tmp');
    writeFileSync(abandoned, 'half a file');
    utimesSync(abandoned, old, old);
    utimesSync(path.join(dir, 'evidence', 'ab', 'ab12'), old, old); // old, but a key: not this method's business
    writeFileSync(path.join(dir, 'evidence', 'ab', '.ab77.ffffffffffff.tmp'), 'a write in progress');
    writeFileSync(path.join(dir, 'evidence', '.notes.txt'), 'not ours'); // not a temporary file's name

    expect(await storage.removeAbandonedWrites(new Date(Date.now() - 3600_000))).toBe(1);
    expect(filesIn(dir)).toEqual([path.join('evidence', '.notes.txt'), path.join('evidence', 'ab', '.ab77.ffffffffffff.tmp'), path.join('evidence', 'ab', 'ab12')].sort());
    expect(await storage.removeAbandonedWrites(new Date())).toBe(1); // the other one, once it counts as old
  });

  it('lists nothing when nothing was ever stored (no directory yet)', async () => {
    const listed = [];
    for await (const object of storage.list()) listed.push(object);
    expect(listed).toEqual([]);
    mkdirSync(path.join(dir, 'evidence', 'empty'), { recursive: true });
    for await (const object of storage.list()) listed.push(object);
    expect(listed).toEqual([]);
  });

  it('never reads outside its directory', async () => {
    writeFileSync(path.join(dir, 'secret'), 'outside');
    await expect(storage.get('../secret')).rejects.toThrow(InvalidStorageKeyError);
  });
});
