import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The monthly digest: each plan's schedule settings, the archive of composed issues (one per plan,
 * month and language), the progress of each month's fan-out, and per-message headers in the outbox
 * (List-Unsubscribe, RFC 8058).
 */
export class Digests1763980000000 implements MigrationInterface {
  name = 'Digests1763980000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE digest_schedule (
        plan_id uuid PRIMARY KEY REFERENCES action_plan(id) ON DELETE CASCADE,
        calendar jsonb NOT NULL,
        paused boolean NOT NULL DEFAULT false,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE digest_issue (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id uuid NOT NULL REFERENCES action_plan(id) ON DELETE CASCADE,
        month text NOT NULL,
        language text NOT NULL,
        subject text NOT NULL,
        html text NOT NULL,
        text text NOT NULL,
        content jsonb NOT NULL,
        composed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT digest_issue_unique UNIQUE (plan_id, month, language)
      )`);
    await q.query(`
      CREATE TABLE digest_send (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id uuid NOT NULL REFERENCES action_plan(id) ON DELETE CASCADE,
        month text NOT NULL,
        status text NOT NULL,
        total int NOT NULL DEFAULT 0,
        sent int NOT NULL DEFAULT 0,
        skipped int NOT NULL DEFAULT 0,
        failed int NOT NULL DEFAULT 0,
        cursor uuid,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT digest_send_unique UNIQUE (plan_id, month)
      )`);
    // Extra headers of a message, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    await q.query(`ALTER TABLE outbox_message ADD COLUMN headers jsonb`);
    // A digest's body is the archived issue filled with the recipient's own links: the row refers to
    // the issue and keeps the values (a copy of 100,000 bodies would be gigabytes), resend included.
    await q.query(`ALTER TABLE outbox_message ADD COLUMN digest_issue_id uuid REFERENCES digest_issue(id) ON DELETE RESTRICT`);
    await q.query(`ALTER TABLE outbox_message ADD COLUMN template_values jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_message DROP COLUMN template_values`);
    await q.query(`ALTER TABLE outbox_message DROP COLUMN digest_issue_id`);
    await q.query(`ALTER TABLE outbox_message DROP COLUMN headers`);
    await q.query(`DROP TABLE digest_send`);
    await q.query(`DROP TABLE digest_issue`);
    await q.query(`DROP TABLE digest_schedule`);
  }
}
