/**
 * Evidence with files, through the signed upload link and through an agency's API token, against
 * the real workflow (a worker runs): what is accepted is stored byte for byte and downloadable by
 * those who may read the milestone; what is refused leaves nothing behind (no evidence row, no file
 * row, no stored bytes).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { EvidenceEntity, EvidenceFileEntity, EvidenceRequestEntity, EvidenceRequestStatus } from '../../libs/persistence/src';
import { signUploadLink } from '../../libs/security/src';
import { createPlanFixture, filesUnder, PlanFixture, secondsPolicy, uploadTokenFrom, workflowStarted } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const MAX_FILE_BYTES = 256 * 1024;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
// A real 1×1 PNG: file-type reads past the signature (chunks), so random filler would make the test flaky.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(64)]);
const CSV = Buffer.from('indicador;valor\nformularios digitalizados;42\n');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** Keeps a response body as bytes (supertest's parser for superagent, which hands over the Node stream). */
const binary = (res: Response, callback: (error: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
};

describe('evidence uploads with files', () => {
  let system: TestSystem;
  let db: DataSource;
  let fixture: PlanFixture;
  let agency: { Authorization: string };
  let agencyLabel: string;
  /** A second agency of the same jurisdiction, with its own milestone. */
  let otherAgency: { id: string; email: string; auth: { Authorization: string } };

  const http = () => system.http();

  /** Every file under the evidence directory (temporary files included). */
  const storedFiles = (): string[] => filesUnder(system.config.evidenceDir);

  async function createMilestone(title: string, options: { dueInSeconds?: number; agencyId?: string } = {}): Promise<string> {
    const now = Date.now();
    const response = await http()
      .post(`/commitments/${fixture.commitmentId}/milestones`)
      .set(fixture.coordinator)
      .send({
        title,
        expectedOutput: 'Report published on the open data portal',
        startAt: new Date(now).toISOString(),
        dueAt: new Date(now + (options.dueInSeconds ?? 60) * 1000).toISOString(),
        responsibleAgencyId: options.agencyId ?? fixture.agencyId,
      })
      .expect(201);
    await workflowStarted(system, response.body.workflowId);
    return response.body.id as string;
  }

  /** A milestone whose workflow has opened its evidence request (the policy asks 59 s before a due date 60 s away), and the link of its email. */
  async function milestoneWithOpenRequest(title: string, agencyEmail = fixture.agencyEmail, agencyId?: string): Promise<{ milestoneId: string; token: string }> {
    const milestoneId = await createMilestone(title, { agencyId });
    const mail = await system.mail.waitFor((m) => m.envelopeTo.includes(agencyEmail) && (m.parsed.subject ?? '').includes(title));
    const token = uploadTokenFrom(mail.parsed.text!);
    // The request is stored before its email goes out.
    await http().get(`/evidence-uploads/${token}`).expect(200);
    return { milestoneId, token };
  }

  const evidenceOf = (milestoneId: string) => http().get(`/milestones/${milestoneId}/evidence`).set(fixture.coordinator).expect(200);

  async function expectNothingLeft(milestoneId: string, filesBefore: string[]): Promise<void> {
    expect((await evidenceOf(milestoneId)).body).toMatchObject({ items: [], total: 0 });
    expect(await db.getRepository(EvidenceEntity).countBy({ milestoneId })).toBe(0);
    expect(storedFiles()).toEqual(filesBefore);
  }

  const download = (url: string, auth: { Authorization: string }) => http().get(url).set(auth).buffer(true).parse(binary);

  beforeAll(async () => {
    system = await startTestSystem({ config: { maxEvidenceFileBytes: MAX_FILE_BYTES } });
    db = system.api.get(DataSource);
    fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 59, reminderIntervalSeconds: 600 }) });
    agencyLabel = `Agency token ${randomBytes(3).toString('hex')}`;
    const token = await http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'agency', label: agencyLabel, agencyId: fixture.agencyId }).expect(201);
    agency = { Authorization: `Bearer ${token.body.token}` };
    const otherEmail = `other-${randomBytes(3).toString('hex')}@test.example`;
    const other = await http()
      .post(`/jurisdictions/${fixture.jurisdictionId}/agencies`)
      .set(fixture.coordinator)
      .send({ name: 'Secretariat of the Environment', contacts: [{ name: 'Referent', email: otherEmail }], language: 'en' })
      .expect(201);
    const otherToken = await http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'agency', label: 'Environment', agencyId: other.body.id }).expect(201);
    otherAgency = { id: other.body.id, email: otherEmail, auth: { Authorization: `Bearer ${otherToken.body.token}` } };
  });

  afterAll(async () => {
    await system?.close();
  });

  it('takes a PDF and a PNG through the link, stores them byte for byte and lets those who may read the milestone download them', async () => {
    const { milestoneId, token } = await milestoneWithOpenRequest('Participation report with annexes');

    const receipt = await http()
      .post(`/evidence-uploads/${token}`)
      .field('narrative', 'The report and the photo of the Dialogue Board meeting.')
      .field('claimedCompletion', 'complete')
      .field('links', 'https://datos.example/report')
      .field('links', 'https://datos.example/photo')
      .field('isPublic', 'true')
      .attach('files', PDF, { filename: 'C:\\Documents\\informe final año.pdf', contentType: 'application/octet-stream' })
      .attach('files', PNG, { filename: '../../photo\t.png', contentType: 'image/png' }) // a control character HTTP allows in a header
      .expect(201);

    expect(receipt.body).toMatchObject({ milestoneId, milestoneStatus: 'under_review' });
    expect(receipt.body.files).toEqual([
      expect.objectContaining({ originalName: 'informe final año.pdf', mediaType: 'application/pdf', sizeBytes: PDF.length, sha256: sha256(PDF) }),
      expect.objectContaining({ originalName: 'photo.png', mediaType: 'image/png', sizeBytes: PNG.length, sha256: sha256(PNG) }),
    ]);
    const rows = await db.getRepository(EvidenceFileEntity).findBy({ evidenceId: receipt.body.evidenceId });
    expect(rows.map((r) => r.sha256).sort()).toEqual([sha256(PDF), sha256(PNG)].sort());
    expect(storedFiles()).toEqual(expect.arrayContaining(rows.map((r) => r.storageKey)));
    expect(rows.every((r) => !r.storageKey.includes('informe') && !r.storageKey.includes('photo'))).toBe(true);

    const listed = await evidenceOf(milestoneId);
    expect(listed.body.total).toBe(1);
    expect(listed.body.items[0]).toMatchObject({
      id: receipt.body.evidenceId,
      links: ['https://datos.example/report', 'https://datos.example/photo'],
      claimedCompletion: 'complete',
      isPublic: true,
      submittedBy: 'upload-link',
    });
    expect(listed.body.items[0].files).toHaveLength(2);

    const [pdfFile, pngFile] = receipt.body.files as { downloadPath: string }[];
    for (const auth of [fixture.coordinator, agency]) {
      const pdf = await download(pdfFile.downloadPath, auth).expect(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.headers['content-disposition']).toBe(`attachment; filename="informe final a_o.pdf"; filename*=UTF-8''informe%20final%20a%C3%B1o.pdf`);
      expect(pdf.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(pdf.body as Buffer, PDF)).toBe(0);
    }
    const png = await download(pngFile.downloadPath, fixture.coordinator).expect(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(sha256(png.body as Buffer)).toBe(sha256(PNG));

    // Another agency, and another jurisdiction, do not see it.
    await http().get(pdfFile.downloadPath).set(otherAgency.auth).expect(404);
    await http().get(`/milestones/${milestoneId}/evidence`).set(otherAgency.auth).expect(404);
    const outsider = await createPlanFixture(system);
    await http().get(pdfFile.downloadPath).set(outsider.coordinator).expect(404);
    await http().get(pdfFile.downloadPath).expect(401);
  });

  it('refuses an HTML page or an executable with 415 naming files, and leaves nothing behind', async () => {
    const { milestoneId, token } = await milestoneWithOpenRequest('Open data inventory');
    const filesBefore = storedFiles();

    const html = await http()
      .post(`/evidence-uploads/${token}`)
      .field('narrative', 'Inventory')
      .field('claimedCompletion', 'complete')
      .attach('files', PDF, 'inventory.pdf')
      .attach('files', HTML, { filename: 'inventory.pdf', contentType: 'application/pdf' })
      .expect(415);
    expect(html.headers['content-type']).toContain('application/problem+json');
    expect(html.body.errors).toEqual([{ field: 'files', message: expect.stringContaining('inventory.pdf') }]);
    await expectNothingLeft(milestoneId, filesBefore);

    const exe = await http().post(`/evidence-uploads/${token}`).field('narrative', 'Inventory').field('claimedCompletion', 'complete').attach('files', EXE, 'setup.exe').expect(415);
    expect(exe.body.errors.map((e: { field: string }) => e.field)).toEqual(['files']);
    await expectNothingLeft(milestoneId, filesBefore);

    // The request is still open: a valid upload is accepted afterwards.
    expect((await http().get(`/evidence-uploads/${token}`).expect(200)).body.status).toBe('open');
    await http().post(`/evidence-uploads/${token}`).field('narrative', 'Inventory').field('claimedCompletion', 'complete').attach('files', CSV, 'inventory.csv').expect(201);
  });

  it('refuses a file over MAX_EVIDENCE_FILE_BYTES with 413 naming files, and leaves nothing behind', async () => {
    const { milestoneId, token } = await milestoneWithOpenRequest('Climate plan open data');
    const filesBefore = storedFiles();
    const oversized = Buffer.concat([PDF, Buffer.alloc(MAX_FILE_BYTES + 1 - PDF.length, 0x20)]);

    const response = await http()
      .post(`/evidence-uploads/${token}`)
      .field('narrative', 'The data')
      .field('claimedCompletion', 'complete')
      .attach('files', PDF, 'small.pdf')
      .attach('files', oversized, 'large.pdf')
      .expect(413);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors).toEqual([{ field: 'files', message: expect.stringContaining(String(MAX_FILE_BYTES)) }]);
    await expectNothingLeft(milestoneId, filesBefore);

    // At most five files.
    let six = http().post(`/evidence-uploads/${token}`).field('narrative', 'The data').field('claimedCompletion', 'complete');
    for (let i = 0; i < 6; i++) six = six.attach('files', PDF, `part-${i}.pdf`);
    expect((await six.expect(400)).body.errors).toEqual([{ field: 'files', message: expect.stringContaining('at most 5 files') }]);
    await expectNothingLeft(milestoneId, filesBefore);

    // Text fields are checked by the JSON body's rules.
    const invalid = await http().post(`/evidence-uploads/${token}`).field('narrative', '').field('claimedCompletion', 'done').field('isPublic', 'yes').attach('files', PDF, 'a.pdf').expect(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['claimedCompletion', 'isPublic', 'narrative']);
    await expectNothingLeft(milestoneId, filesBefore);
  });

  it('removes the stored files again when the workflow refuses the evidence', async () => {
    // A stored request the workflow has not opened (it waits for its start date): its validator refuses.
    const milestoneId = await createMilestone('Refused by the workflow', { dueInSeconds: 3600 });
    const request = await db.getRepository(EvidenceRequestEntity).save({ milestoneId, cycle: 1, status: EvidenceRequestStatus.Open, dueAt: new Date(Date.now() + 3_600_000), linkExpiresAt: new Date(Date.now() + 7_200_000) });
    const token = signUploadLink({ evidenceRequestId: request.id, expiresAt: new Date(Date.now() + 7_200_000) }, system.config.uploadLinkSecret);
    const filesBefore = storedFiles();

    const refused = await http().post(`/evidence-uploads/${token}`).field('narrative', 'Early').field('claimedCompletion', 'complete').attach('files', PDF, 'early.pdf').expect(409);
    expect(refused.body.detail).toContain('did not accept');
    await expectNothingLeft(milestoneId, filesBefore);
  });

  it("takes an agency token's upload for its own milestone, refuses another agency's with 404, and a milestone without an open request with 409", async () => {
    const { milestoneId } = await milestoneWithOpenRequest('Digital procedures published');
    const filesBefore = storedFiles();

    const receipt = await http()
      .post(`/milestones/${milestoneId}/evidence`)
      .set(agency)
      .field('narrative', 'Indicators of the digital procedures.')
      .field('claimedCompletion', 'substantial')
      .field('links', JSON.stringify(['https://datos.example/indicators']))
      .attach('files', CSV, 'indicators.csv')
      .expect(201);
    expect(receipt.body).toMatchObject({ milestoneId, milestoneStatus: 'under_review', files: [expect.objectContaining({ originalName: 'indicators.csv', mediaType: 'text/csv', sha256: sha256(CSV) })] });
    expect(storedFiles()).toHaveLength(filesBefore.length + 1);

    const asAgency = await http().get(`/milestones/${milestoneId}/evidence`).set(agency).expect(200);
    expect(asAgency.body.items[0]).toMatchObject({ submittedBy: agencyLabel, links: ['https://datos.example/indicators'], isPublic: false });
    const csv = await download(asAgency.body.items[0].files[0].downloadPath, agency).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(Buffer.compare(csv.body as Buffer, CSV)).toBe(0);

    // Another agency's milestone, even with an open request, is not found for this agency.
    const { milestoneId: otherMilestoneId } = await milestoneWithOpenRequest('Environment report', otherAgency.email, otherAgency.id);
    const before = storedFiles();
    await http().post(`/milestones/${otherMilestoneId}/evidence`).set(agency).field('narrative', 'Not ours').field('claimedCompletion', 'complete').attach('files', PDF, 'x.pdf').expect(404);
    await http().post(`/milestones/${otherMilestoneId}/evidence`).set(agency).send({ narrative: 'Not ours', claimedCompletion: 'complete' }).expect(404);
    expect(await db.getRepository(EvidenceEntity).countBy({ milestoneId: otherMilestoneId })).toBe(0);
    expect(storedFiles()).toEqual(before);

    // No open request yet (due in an hour, asked 59 s before): 409, nothing stored.
    const later = await createMilestone('Not yet requested', { dueInSeconds: 3600 });
    const none = await http().post(`/milestones/${later}/evidence`).set(agency).send({ narrative: 'Too early', claimedCompletion: 'complete' }).expect(409);
    expect(none.body.errors).toEqual([{ field: 'milestoneId', message: expect.any(String) }]);
    expect(storedFiles()).toEqual(before);
  });

  it('lets the coordinator list the evidence of a milestone with its files, and the IMB too', async () => {
    const { milestoneId } = await milestoneWithOpenRequest('Participation budget results');
    await http().post(`/milestones/${milestoneId}/evidence`).set(fixture.coordinator).send({ narrative: 'Entered by the office for the agency.', claimedCompletion: 'limited' }).expect(201);

    const listed: Response = await evidenceOf(milestoneId);
    expect(listed.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(listed.body.items[0]).toMatchObject({ milestoneId, claimedCompletion: 'limited', files: [], submittedBy: expect.stringContaining('Coordinator') });

    const imbToken = await http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'imb', label: 'IMB' }).expect(201);
    const asImb = await http().get(`/milestones/${milestoneId}/evidence`).set({ Authorization: `Bearer ${imbToken.body.token}` }).expect(200);
    expect(asImb.body.total).toBe(1);
    await http().post(`/milestones/${milestoneId}/evidence`).set({ Authorization: `Bearer ${imbToken.body.token}` }).send({ narrative: 'x', claimedCompletion: 'complete' }).expect(403);
  });
});
