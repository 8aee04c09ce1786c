import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subscribers of a plan's monthly digest (issue #10): one row per plan and address (case-insensitive),
 * double opt-in, and an index for the digest fan-out's cursor (confirmed subscribers of a plan by id).
 */
export class Subscribers1763970000000 implements MigrationInterface {
  name = 'Subscribers1763970000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subscriber (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id uuid NOT NULL REFERENCES action_plan(id) ON DELETE CASCADE,
        email text NOT NULL,
        language text NOT NULL,
        commitment_ids jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
        consent_source text NOT NULL CHECK (consent_source IN ('form', 'import')),
        consented_at timestamptz,
        confirmation_sent_at timestamptz,
        confirmations_sent int NOT NULL DEFAULT 0,
        confirm_expires_at timestamptz,
        confirmed_at timestamptz,
        unsubscribed_at timestamptz,
        bounce_count int NOT NULL DEFAULT 0,
        last_bounce_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1
      )`);
    await q.query(`CREATE UNIQUE INDEX subscriber_plan_email_unique ON subscriber (plan_id, lower(email))`);
    await q.query(`CREATE INDEX subscriber_fan_out_idx ON subscriber (plan_id, status, id)`);
    // Housekeeping purges unconfirmed subscribers by age.
    await q.query(`CREATE INDEX subscriber_pending_idx ON subscriber (created_at) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE subscriber`);
  }
}
