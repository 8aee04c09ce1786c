import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole action-plan model: contacts, OGP attributes of commitments and milestones, replanning
 * history, follow-up committees, assessments, escalations, audit trail, API tokens, idempotency
 * records, and row versions for optimistic concurrency (ETag / If-Match).
 */
export class PlanModel1763910000000 implements MigrationInterface {
  name = 'PlanModel1763910000000';

  async up(q: QueryRunner): Promise<void> {
    // Agencies: several contacts instead of one.
    await q.query(`ALTER TABLE agency ADD COLUMN contacts jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`UPDATE agency SET contacts = jsonb_build_array(jsonb_build_object('name', contact_name, 'email', contact_email))`);
    await q.query(`ALTER TABLE agency DROP COLUMN contact_email, DROP COLUMN contact_name`);
    await q.query(`ALTER TABLE agency ADD COLUMN version int NOT NULL DEFAULT 1`);

    // Plans: IMB contacts with names, endorsing stakeholders, version.
    await q.query(`ALTER TABLE action_plan ADD COLUMN imb_contacts jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`UPDATE action_plan SET imb_contacts = (SELECT coalesce(jsonb_agg(jsonb_build_object('name', null, 'email', e)), '[]') FROM unnest(imb_contact_emails) e)`);
    await q.query(`ALTER TABLE action_plan DROP COLUMN imb_contact_emails`);
    await q.query(`ALTER TABLE action_plan ADD COLUMN endorsing_stakeholders text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE action_plan ADD COLUMN version int NOT NULL DEFAULT 1`);

    // Commitments: OGP attributes, status, external id, version.
    await q.query(`ALTER TABLE commitment
      ADD COLUMN supporting_stakeholders text[] NOT NULL DEFAULT '{}',
      ADD COLUMN challenge_area text,
      ADD COLUMN sdg_tags int[] NOT NULL DEFAULT '{}',
      ADD COLUMN external_id text,
      ADD COLUMN status text NOT NULL DEFAULT 'active',
      ADD COLUMN version int NOT NULL DEFAULT 1`);
    await q.query(`CREATE UNIQUE INDEX commitment_external_id_uq ON commitment (plan_id, external_id) WHERE external_id IS NOT NULL`);

    // Milestones: weight, verifiability, external id, accepted completion, cancellation, version.
    await q.query(`ALTER TABLE milestone
      ADD COLUMN weight numeric(6,5),
      ADD COLUMN verifiable boolean NOT NULL DEFAULT true,
      ADD COLUMN external_id text,
      ADD COLUMN completion text,
      ADD COLUMN original_due_at timestamptz,
      ADD COLUMN cancelled_reason text,
      ADD COLUMN version int NOT NULL DEFAULT 1`);
    await q.query(`UPDATE milestone SET original_due_at = due_at`);
    await q.query(`ALTER TABLE milestone ALTER COLUMN original_due_at SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX milestone_external_id_uq ON milestone (commitment_id, external_id) WHERE external_id IS NOT NULL`);
    await q.query(`CREATE INDEX milestone_due_idx ON milestone (due_at)`);

    await q.query(`
      CREATE TABLE milestone_replanning (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        milestone_id uuid NOT NULL REFERENCES milestone(id),
        previous_due_at timestamptz NOT NULL,
        new_due_at timestamptz NOT NULL,
        reason text NOT NULL,
        actor text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX milestone_replanning_milestone_idx ON milestone_replanning (milestone_id, changed_at)`);

    await q.query(`
      CREATE TABLE follow_up_committee_member (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commitment_id uuid NOT NULL REFERENCES commitment(id),
        kind text NOT NULL CHECK (kind IN ('government_referent', 'dialogue_board_member')),
        name text NOT NULL,
        organisation text,
        email text,
        dialogue_board_member_id uuid REFERENCES dialogue_board_member(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE commitment_assessment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commitment_id uuid NOT NULL REFERENCES commitment(id),
        assessor text NOT NULL CHECK (assessor IN ('government', 'imb')),
        completion text NOT NULL,
        potential_for_results text,
        did_it_open_government text,
        narrative text NOT NULL,
        actor text NOT NULL,
        assessed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX commitment_assessment_idx ON commitment_assessment (commitment_id, assessor, assessed_at)`);

    await q.query(`
      CREATE TABLE escalation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        milestone_id uuid NOT NULL REFERENCES milestone(id),
        level int NOT NULL,
        reason text NOT NULL,
        status text NOT NULL,
        recommendation text,
        resolution text,
        raised_at timestamptz NOT NULL DEFAULT now(),
        acknowledged_at timestamptz,
        resolved_at timestamptz,
        version int NOT NULL DEFAULT 1,
        UNIQUE (milestone_id, level, raised_at)
      )`);

    await q.query(`
      CREATE TABLE audit_event (
        id bigserial PRIMARY KEY,
        jurisdiction_id uuid REFERENCES jurisdiction(id),
        actor text NOT NULL,
        actor_role text NOT NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        before jsonb,
        after jsonb,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_event_jurisdiction_idx ON audit_event (jurisdiction_id, at DESC)`);
    await q.query(`CREATE INDEX audit_event_entity_idx ON audit_event (entity_type, entity_id)`);

    await q.query(`
      CREATE TABLE api_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        jurisdiction_id uuid NOT NULL REFERENCES jurisdiction(id),
        role text NOT NULL CHECK (role IN ('coordinator', 'agency', 'imb')),
        agency_id uuid REFERENCES agency(id),
        label text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz,
        CHECK ((role = 'agency') = (agency_id IS NOT NULL))
      )`);

    await q.query(`
      CREATE TABLE idempotency_record (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status int,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['idempotency_record', 'api_token', 'audit_event', 'escalation', 'commitment_assessment', 'follow_up_committee_member', 'milestone_replanning']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`ALTER TABLE milestone DROP COLUMN weight, DROP COLUMN verifiable, DROP COLUMN external_id, DROP COLUMN completion, DROP COLUMN original_due_at, DROP COLUMN cancelled_reason, DROP COLUMN version`);
    await q.query(`ALTER TABLE commitment DROP COLUMN supporting_stakeholders, DROP COLUMN challenge_area, DROP COLUMN sdg_tags, DROP COLUMN external_id, DROP COLUMN status, DROP COLUMN version`);
    await q.query(`ALTER TABLE action_plan ADD COLUMN imb_contact_emails text[] NOT NULL DEFAULT '{}'`);
    await q.query(`UPDATE action_plan SET imb_contact_emails = ARRAY(SELECT c->>'email' FROM jsonb_array_elements(imb_contacts) c)`);
    await q.query(`ALTER TABLE action_plan DROP COLUMN imb_contacts, DROP COLUMN endorsing_stakeholders, DROP COLUMN version`);
    await q.query(`ALTER TABLE agency ADD COLUMN contact_email text, ADD COLUMN contact_name text`);
    await q.query(`UPDATE agency SET contact_email = contacts->0->>'email', contact_name = contacts->0->>'name'`);
    await q.query(`ALTER TABLE agency ALTER COLUMN contact_email SET NOT NULL, DROP COLUMN contacts, DROP COLUMN version`);
  }
}
