import { MigrationInterface, QueryRunner } from 'typeorm';

/** API tokens may carry an expiry: past it, the token is refused like a revoked one. Null: no expiry. */
export class ApiTokenExpiry1763990000000 implements MigrationInterface {
  name = 'ApiTokenExpiry1763990000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_token ADD COLUMN expires_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_token DROP COLUMN expires_at`);
  }
}
