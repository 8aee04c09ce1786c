import { MigrationInterface, QueryRunner } from 'typeorm';

/** The first schema: plan structure, evidence requests, evidence and the email outbox. */
export class Foundation1763900000000 implements MigrationInterface {
  name = 'Foundation1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE jurisdiction (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE,
        name text NOT NULL,
        country text NOT NULL,
        time_zone text NOT NULL,
        default_language text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE agency (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        jurisdiction_id uuid NOT NULL REFERENCES jurisdiction(id),
        name text NOT NULL,
        contact_email text NOT NULL,
        contact_name text,
        language text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (jurisdiction_id, name)
      )`);
    await q.query(`
      CREATE TABLE dialogue_board_member (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        jurisdiction_id uuid NOT NULL REFERENCES jurisdiction(id),
        name text NOT NULL,
        organisation text NOT NULL,
        email text,
        language text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE action_plan (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        jurisdiction_id uuid NOT NULL REFERENCES jurisdiction(id),
        title text NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL,
        term_end date NOT NULL,
        strategic_vision text,
        status text NOT NULL,
        policy jsonb NOT NULL,
        imb_name text,
        imb_contact_emails text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (period_start < period_end)
      )`);
    await q.query(`
      CREATE TABLE commitment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id uuid NOT NULL REFERENCES action_plan(id),
        title text NOT NULL,
        description text,
        lead_agency_id uuid NOT NULL REFERENCES agency(id),
        ogp_values text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE milestone (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commitment_id uuid NOT NULL REFERENCES commitment(id),
        title text NOT NULL,
        expected_output text,
        start_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        responsible_agency_id uuid NOT NULL REFERENCES agency(id),
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (start_at <= due_at)
      )`);
    await q.query(`CREATE INDEX milestone_commitment_idx ON milestone (commitment_id)`);
    await q.query(`CREATE INDEX milestone_agency_idx ON milestone (responsible_agency_id)`);
    await q.query(`
      CREATE TABLE evidence_request (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        milestone_id uuid NOT NULL REFERENCES milestone(id),
        cycle int NOT NULL,
        status text NOT NULL,
        due_at timestamptz NOT NULL,
        link_expires_at timestamptz NOT NULL,
        reminders_sent int NOT NULL DEFAULT 0,
        fulfilled_at timestamptz,
        requested_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_evidence_request_cycle UNIQUE (milestone_id, cycle)
      )`);
    await q.query(`
      CREATE TABLE evidence (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        milestone_id uuid NOT NULL REFERENCES milestone(id),
        evidence_request_id uuid NOT NULL REFERENCES evidence_request(id),
        narrative text NOT NULL,
        links text[] NOT NULL DEFAULT '{}',
        claimed_completion text NOT NULL,
        is_public boolean NOT NULL DEFAULT false,
        submitted_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX evidence_milestone_idx ON evidence (milestone_id)`);
    await q.query(`
      CREATE TABLE outbox_message (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key text NOT NULL UNIQUE,
        to_address text NOT NULL,
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text,
        status text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        message_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['outbox_message', 'evidence', 'evidence_request', 'milestone', 'commitment', 'action_plan', 'dialogue_board_member', 'agency', 'jurisdiction']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
