import { EvidenceStorage } from './evidence-storage';

export interface OrphanSweepOptions {
  /** Of the given keys, those a database row still refers to. */
  referenced(keys: string[]): Promise<Set<string>>;
  /** Objects written at or after this instant are kept even when unreferenced: their upload may still be committing its rows. */
  olderThan: Date;
  /** Keys looked up per `referenced` call. */
  batchSize?: number;
  /** Called after each batch (an activity heartbeats here). */
  onBatch?(progress: OrphanSweepResult): void;
}

export interface OrphanSweepResult {
  /** Objects listed. */
  scanned: number;
  /** Old and referenced by a row: kept. */
  referenced: number;
  /** Younger than the grace: kept without a look-up (a fresh upload, committed or still committing). */
  keptYoung: number;
  deleted: number;
  /** Leftovers of writes that never finished (no key, never referenced), older than the grace: removed. */
  abandonedWrites: number;
}

/**
 * Deletes stored objects that nothing refers to and that are older than `olderThan`: bytes left by
 * an upload that crashed between storing its files and committing its rows. Referenced objects are
 * never touched; an object that vanished meanwhile is not an error (`delete` of a missing key).
 */
export async function sweepOrphanedObjects(storage: EvidenceStorage, options: OrphanSweepOptions): Promise<OrphanSweepResult> {
  const batchSize = options.batchSize ?? 500;
  const result: OrphanSweepResult = { scanned: 0, referenced: 0, keptYoung: 0, deleted: 0, abandonedWrites: 0 };
  let batch: { key: string; modifiedAt: Date }[] = [];

  const flush = async () => {
    // Only old objects are looked up: a young one is kept whatever the database says.
    const old = batch.filter((object) => object.modifiedAt < options.olderThan);
    result.keptYoung += batch.length - old.length;
    batch = [];
    const referenced = old.length > 0 ? await options.referenced(old.map((object) => object.key)) : new Set<string>();
    for (const { key } of old) {
      if (referenced.has(key)) {
        result.referenced += 1;
      } else {
        await storage.delete(key);
        result.deleted += 1;
      }
    }
    options.onBatch?.({ ...result });
  };

  for await (const object of storage.list()) {
    result.scanned += 1;
    batch.push(object);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  result.abandonedWrites = await storage.removeAbandonedWrites(options.olderThan);
  return result;
}
