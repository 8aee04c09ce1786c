import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dialogue Board check-ins: a plan's schedule settings, the check-ins its schedule prepares (one per
 * calendar occurrence), their action items, and calendar invitations in the outbox.
 */
export class CheckIns1763960000000 implements MigrationInterface {
  name = 'CheckIns1763960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE check_in_schedule (
        plan_id uuid PRIMARY KEY REFERENCES action_plan(id) ON DELETE CASCADE,
        calendar jsonb NOT NULL,
        mode text NOT NULL,
        address text,
        online_url text,
        policy jsonb NOT NULL,
        paused boolean NOT NULL DEFAULT false,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE check_in (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id uuid NOT NULL REFERENCES action_plan(id) ON DELETE CASCADE,
        scheduled_for timestamptz NOT NULL,
        starts_at timestamptz NOT NULL,
        duration_minutes int NOT NULL,
        mode text NOT NULL,
        address text,
        online_url text,
        status text NOT NULL,
        sequence int NOT NULL DEFAULT 0,
        agenda jsonb NOT NULL DEFAULT '[]',
        agenda_edited_at timestamptz,
        invitations_sent_at timestamptz,
        minutes text,
        attendance_count int,
        organisations_present jsonb NOT NULL DEFAULT '[]',
        decisions jsonb NOT NULL DEFAULT '[]',
        closed_at timestamptz,
        minutes_approved_at timestamptz,
        cancelled_reason text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT check_in_occurrence_unique UNIQUE (plan_id, scheduled_for)
      )`);
    await q.query(`CREATE INDEX check_in_plan_starts_idx ON check_in (plan_id, starts_at)`);
    await q.query(`
      CREATE TABLE action_item (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        check_in_id uuid NOT NULL REFERENCES check_in(id) ON DELETE CASCADE,
        plan_id uuid NOT NULL REFERENCES action_plan(id) ON DELETE CASCADE,
        title text NOT NULL,
        owner_name text NOT NULL,
        owner_email text NOT NULL,
        owner_language text NOT NULL,
        due_at timestamptz NOT NULL,
        commitment_id uuid REFERENCES commitment(id),
        milestone_id uuid REFERENCES milestone(id),
        status text NOT NULL,
        closed_at timestamptz,
        closing_note text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX action_item_open_idx ON action_item (plan_id, due_at) WHERE status = 'open'`);
    // A calendar invitation (iCalendar, RFC 5545) travels with its email: { method, content, filename }.
    await q.query(`ALTER TABLE outbox_message ADD COLUMN calendar_event jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_message DROP COLUMN calendar_event`);
    await q.query(`DROP TABLE action_item`);
    await q.query(`DROP TABLE check_in`);
    await q.query(`DROP TABLE check_in_schedule`);
  }
}
