import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Housekeeping reconciles workflows with the database: evidence not yet taken by its workflow
 * (`delivered_at` null: its Update was not answered in time) is delivered again, and plans closed
 * recently (`closed_at`) have their leftover workflows cancelled. Existing evidence was delivered
 * (a failed delivery used to remove it); existing closed plans count as closed now, so their
 * leftovers are looked at once.
 */
export class WorkflowReconcile1763950000000 implements MigrationInterface {
  name = 'WorkflowReconcile1763950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE evidence ADD COLUMN delivered_at timestamptz`);
    await q.query(`UPDATE evidence SET delivered_at = submitted_at`);
    await q.query(`CREATE INDEX evidence_undelivered_idx ON evidence (submitted_at) WHERE delivered_at IS NULL`);
    await q.query(`ALTER TABLE action_plan ADD COLUMN closed_at timestamptz`);
    await q.query(`UPDATE action_plan SET closed_at = now() WHERE status = 'closed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE action_plan DROP COLUMN closed_at`);
    await q.query(`DROP INDEX evidence_undelivered_idx`);
    await q.query(`ALTER TABLE evidence DROP COLUMN delivered_at`);
  }
}
