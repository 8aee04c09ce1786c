import { randomBytes } from 'node:crypto';
import { mkdir, open, opendir, readFile, rename, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { assertStorageKey, EvidenceStorage, InvalidStorageKeyError, isStorageKey, StoredObject, StoredObjectNotFoundError } from './evidence-storage';

/**
 * Evidence files on the local disk, under one directory. A write goes to a temporary file next to
 * its target, is flushed, then renamed over it, so a key holds either nothing or the whole file.
 */
export class LocalDiskEvidenceStorage implements EvidenceStorage {
  readonly root: string;

  constructor(directory: string) {
    this.root = path.resolve(directory);
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(temporary, 'wx', 0o640);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isNotFound(error)) throw new StoredObjectNotFoundError(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Walks the directory tree; temporary files of writes in progress (`.name.….tmp`) are not keys and are skipped. */
  async *list(): AsyncIterable<StoredObject> {
    for await (const file of this.filesUnder('')) {
      if (!isStorageKey(file.relative)) continue;
      const modifiedAt = await modifiedAtOf(file.absolute);
      if (modifiedAt) yield { key: file.relative, modifiedAt };
    }
  }

  /** Temporary files a `put` never renamed (its process died mid-write), once older than `olderThan`. */
  async removeAbandonedWrites(olderThan: Date): Promise<number> {
    let removed = 0;
    for await (const file of this.filesUnder('')) {
      if (!TEMPORARY_FILE.test(path.basename(file.relative))) continue;
      const modifiedAt = await modifiedAtOf(file.absolute);
      if (!modifiedAt || modifiedAt >= olderThan) continue; // gone meanwhile, or a write still in progress
      await unlink(file.absolute).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
      removed += 1;
    }
    return removed;
  }

  private async *filesUnder(prefix: string): AsyncIterable<{ relative: string; absolute: string }> {
    let directory;
    try {
      directory = await opendir(path.join(this.root, prefix));
    } catch (error) {
      if (isNotFound(error)) return; // nothing stored yet, or removed while we walked
      throw error;
    }
    for await (const entry of directory) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) yield* this.filesUnder(relative);
      else if (entry.isFile()) yield { relative, absolute: path.join(this.root, relative) };
    }
  }

  private pathOf(key: string): string {
    assertStorageKey(key);
    const resolved = path.resolve(this.root, key);
    // Belt and braces: whatever the key, the file stays under the root.
    if (!resolved.startsWith(this.root + path.sep)) throw new InvalidStorageKeyError(key);
    return resolved;
  }
}

/** The name `put` gives a write in progress: `.<name>.<12 hex digits>.tmp`. */
const TEMPORARY_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** Null when the file went away since the directory was read (deleted meanwhile). */
async function modifiedAtOf(file: string): Promise<Date | null> {
  try {
    return (await stat(file)).mtime;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
