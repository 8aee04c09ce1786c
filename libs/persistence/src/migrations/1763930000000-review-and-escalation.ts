import { MigrationInterface, QueryRunner } from 'typeorm';

/** The follow-up committee's reviews of evidence, escalations per request cycle, the open-government office's contacts, outbox messages per jurisdiction, and monitoring policy overrides per commitment. */
export class ReviewAndEscalation1763930000000 implements MigrationInterface {
  name = 'ReviewAndEscalation1763930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evidence_review (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        evidence_id uuid NOT NULL UNIQUE REFERENCES evidence(id),
        milestone_id uuid NOT NULL REFERENCES milestone(id),
        decision text NOT NULL CHECK (decision IN ('accepted', 'returned')),
        completion text,
        comments text,
        reviewer text NOT NULL,
        reviewed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE escalation ADD COLUMN cycle int NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE escalation DROP CONSTRAINT escalation_milestone_id_level_raised_at_key`);
    await q.query(`CREATE UNIQUE INDEX escalation_cycle_level_uq ON escalation (milestone_id, cycle, level)`);
    await q.query(`ALTER TABLE jurisdiction ADD COLUMN office_contacts jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`ALTER TABLE outbox_message ADD COLUMN jurisdiction_id uuid REFERENCES jurisdiction(id)`);
    await q.query(`ALTER TABLE commitment ADD COLUMN policy_overrides jsonb`);
    await q.query(`CREATE INDEX outbox_message_attention_idx ON outbox_message (jurisdiction_id, status) WHERE status IN ('failed', 'unconfirmed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE commitment DROP COLUMN policy_overrides`);
    await q.query(`ALTER TABLE outbox_message DROP COLUMN jurisdiction_id`);
    await q.query(`ALTER TABLE jurisdiction DROP COLUMN office_contacts`);
    await q.query(`DROP INDEX escalation_cycle_level_uq`);
    await q.query(`ALTER TABLE escalation DROP COLUMN cycle`);
    await q.query(`ALTER TABLE escalation ADD CONSTRAINT escalation_milestone_id_level_raised_at_key UNIQUE (milestone_id, level, raised_at)`);
    await q.query(`DROP TABLE evidence_review`);
  }
}
