import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files attached to evidence (their bytes live in the evidence storage, under `storage_key`), and
 * who submitted each piece of evidence: 'upload-link' or the label of the API token used.
 */
export class EvidenceFiles1763920000000 implements MigrationInterface {
  name = 'EvidenceFiles1763920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE evidence ADD COLUMN submitted_by text`);
    await q.query(`
      CREATE TABLE evidence_file (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        evidence_id uuid NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
        original_name text NOT NULL CHECK (char_length(original_name) BETWEEN 1 AND 200),
        media_type text NOT NULL,
        size_bytes int NOT NULL CHECK (size_bytes >= 0),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX evidence_file_evidence_idx ON evidence_file (evidence_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE evidence_file`);
    await q.query(`ALTER TABLE evidence DROP COLUMN submitted_by`);
  }
}
