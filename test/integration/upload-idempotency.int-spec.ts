/**
 * Idempotency-Key on multipart evidence uploads, against the real workflow: the key is checked once
 * multer has read the form, so a retry with the same files replays the first answer and a retry
 * with other files (or other fields) is refused with 422, in both cases storing nothing.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EvidenceEntity, EvidenceFileEntity } from '../../libs/persistence/src';
import { createMilestone, createPlanFixture, filesUnder, PlanFixture, secondsPolicy, uploadTokenFrom } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const MAX_FILE_BYTES = 64 * 1024;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
const CSV = Buffer.from('indicador;valor\nformularios digitalizados;42\n');
const OTHER_CSV = Buffer.from('indicador;valor\nformularios digitalizados;43\n');

describe('Idempotency-Key on multipart evidence uploads', () => {
  let system: TestSystem;
  let db: DataSource;
  let fixture: PlanFixture;

  /** Every file under the evidence directory, temporary files included. */
  const storedFiles = (): string[] => filesUnder(system.config.evidenceDir);

  /** A milestone whose workflow has asked for evidence (59 s before a due date 60 s away), and the upload link of its email. */
  async function milestoneWithOpenRequest(title: string): Promise<{ milestoneId: string; token: string }> {
    const milestone = await createMilestone(system, fixture, 60, title);
    const mail = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail) && (m.parsed.subject ?? '').includes(title));
    return { milestoneId: milestone.id, token: uploadTokenFrom(mail.parsed.text!) };
  }

  const evidenceRows = (milestoneId: string) => db.getRepository(EvidenceEntity).countBy({ milestoneId });
  const fileRows = () => db.getRepository(EvidenceFileEntity).count();

  beforeAll(async () => {
    system = await startTestSystem({ config: { maxEvidenceFileBytes: MAX_FILE_BYTES } });
    db = system.api.get(DataSource);
    fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 59, reminderIntervalSeconds: 600 }) });
  });

  afterAll(async () => {
    await system?.close();
  });

  it('replays the first answer to a retry with the same files, and refuses other files or fields with 422 naming Idempotency-Key, writing nothing', async () => {
    const { milestoneId, token } = await milestoneWithOpenRequest('Open data inventory');
    const key = randomUUID();
    const upload = () => system.http().post(`/evidence-uploads/${token}`).set('Idempotency-Key', key).field('narrative', 'The inventory').field('claimedCompletion', 'complete');

    const first = await upload().attach('files', PDF, 'inventory.pdf').attach('files', CSV, 'inventory.csv').expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const filesAfterFirst = storedFiles();
    const fileRowsAfterFirst = await fileRows();
    expect(filesAfterFirst).toHaveLength(2);

    const replay = await upload().attach('files', PDF, 'inventory.pdf').attach('files', CSV, 'inventory.csv').expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);

    const others = [
      upload().attach('files', PDF, 'inventory.pdf').attach('files', OTHER_CSV, 'inventory.csv'), // same names and sizes, other bytes
      upload().attach('files', PDF, 'inventory.pdf'), // one file fewer
      upload().attach('files', PDF, 'inventory.pdf').attach('files', CSV, 'renamed.csv'),
      upload().attach('files', PDF, 'inventory.pdf').attach('files', CSV, 'inventory.csv').field('isPublic', 'true'),
    ];
    for (const other of others) {
      const refused = await other.expect(422);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    }

    expect(await evidenceRows(milestoneId)).toBe(1);
    expect(await fileRows()).toBe(fileRowsAfterFirst);
    expect(storedFiles()).toEqual(filesAfterFirst);
  });

  it("does the same on an agency token's upload, where JSON without the files is another request too", async () => {
    const { milestoneId } = await milestoneWithOpenRequest('Digital procedures published');
    const agencyToken = await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'agency', label: 'Modernization', agencyId: fixture.agencyId }).expect(201);
    const agency = { Authorization: `Bearer ${agencyToken.body.token}`, 'Idempotency-Key': randomUUID() };
    const upload = () => system.http().post(`/milestones/${milestoneId}/evidence`).set(agency);

    const first = await upload().field('narrative', 'Indicators').field('claimedCompletion', 'substantial').attach('files', CSV, 'indicators.csv').expect(201);
    const filesAfterFirst = storedFiles();

    const replay = await upload().field('narrative', 'Indicators').field('claimedCompletion', 'substantial').attach('files', CSV, 'indicators.csv').expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.evidenceId).toBe(first.body.evidenceId);

    const otherFile = await upload().field('narrative', 'Indicators').field('claimedCompletion', 'substantial').attach('files', OTHER_CSV, 'indicators.csv').expect(422);
    expect(otherFile.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    const json = await upload().send({ narrative: 'Indicators', claimedCompletion: 'substantial' }).expect(422);
    expect(json.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);

    expect(await evidenceRows(milestoneId)).toBe(1);
    expect(storedFiles()).toEqual(filesAfterFirst);
  });

  it('does not record a form refused while it is read (413): the same key then uploads for real', async () => {
    const { milestoneId, token } = await milestoneWithOpenRequest('Climate plan open data');
    const key = randomUUID();
    const filesBefore = storedFiles();
    const oversized = Buffer.concat([PDF, Buffer.alloc(MAX_FILE_BYTES + 1 - PDF.length, 0x20)]);

    const tooLarge = await system.http().post(`/evidence-uploads/${token}`).set('Idempotency-Key', key).field('narrative', 'Data').field('claimedCompletion', 'complete').attach('files', oversized, 'data.pdf').expect(413);
    expect(tooLarge.body.errors).toEqual([{ field: 'files', message: expect.any(String) }]);
    expect(storedFiles()).toEqual(filesBefore);

    const accepted = await system.http().post(`/evidence-uploads/${token}`).set('Idempotency-Key', key).field('narrative', 'Data').field('claimedCompletion', 'complete').attach('files', PDF, 'data.pdf').expect(201);
    expect(accepted.headers['idempotent-replayed']).toBeUndefined();
    expect(await evidenceRows(milestoneId)).toBe(1);
  });
});
