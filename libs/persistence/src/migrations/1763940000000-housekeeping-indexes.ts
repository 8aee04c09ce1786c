import { MigrationInterface, QueryRunner } from 'typeorm';

/** Housekeeping prunes idempotency records by age: an index on their creation time keeps that a range scan. */
export class HousekeepingIndexes1763940000000 implements MigrationInterface {
  name = 'HousekeepingIndexes1763940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idempotency_record_created_at_idx ON idempotency_record (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idempotency_record_created_at_idx`);
  }
}
