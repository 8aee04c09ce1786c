/**
 * Hostile evidence uploads (issue #12, "Bad input: uploads"), against the real API and workflow:
 * oversize files, types forged by the name, polyglots, archive bombs, empty files and a form that
 * never ends are refused with a 4xx (or cut off) and leave nothing behind (no evidence row, no file
 * row, no byte under EVIDENCE_DIR); hostile file names are cleaned, never used as a path; a forged
 * link is refused before the form is read; and the API's memory stays bounded while it refuses
 * files just over the limit again and again. evidence-uploads.int-spec.ts has the ordinary cases.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import * as path from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { EvidenceEntity, EvidenceFileEntity } from '../../libs/persistence/src';
import { signUploadLink } from '../../libs/security/src';
import { createMilestone, createPlanFixture, filesUnder, PlanFixture, secondsPolicy, uploadTokenFrom } from '../support/fixtures';
import { stalledRequest } from '../support/stalled-request';
import { startTestSystem, TestSystem } from '../support/test-system';

const MAX_FILE_BYTES = 64 * 1024;
const IDLE_TIMEOUT_MS = 1500;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
/** A 64-bit ELF header: what a Linux executable starts with. */
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(8), Buffer.from([2, 0, 0x3e, 0, 1, 0, 0, 0]), Buffer.alloc(104)]);
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>fetch("/plans").then(r=>r.text()).then(alert)</script></body></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"><rect width="1" height="1"/></svg>');
/** A GIF whose tail is a zip (a JAR): the original GIFAR. */
const GIFAR = Buffer.concat([Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), zip([['META-INF/MANIFEST.MF', Buffer.from('Manifest-Version: 1.0\n')]])]);

/** A zip archive (deflated entries) with these files, declared sizes true. */
function zip(entries: [string, Buffer][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const packed = deflateRawSync(data, { level: 9 });
    const nameBytes = Buffer.from(name);
    const header = (size: number) => {
      const b = Buffer.alloc(size);
      return b;
    };
    const local = header(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = header(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CONTENT_TYPES = (main: string) =>
  Buffer.from(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="${main}"/></Types>`);
const DOCX_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';

interface Part {
  name: string;
  value?: string;
  /** A file part: its bytes and the raw Content-Disposition filename parameters. */
  file?: { bytes: Buffer; filenameParams: string; contentType?: string };
}

/** A multipart/form-data body written byte by byte, so a test controls every header (RFC 5987 names included). */
function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----hostile${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if (part.file) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; ${part.file.filenameParams}\r\nContent-Type: ${part.file.contentType ?? 'application/octet-stream'}\r\n\r\n`, 'latin1'), part.file.bytes, Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value ?? ''}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

const named = (filename: string) => `filename="${filename}"`;
/** RFC 5987 form, which busboy decodes: how control characters (NUL, CR, LF) reach the server in a name. */
const encodedName = (filename: string) => `filename="x.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`;
const evidenceForm = (files: { bytes: Buffer; filenameParams: string; contentType?: string }[]) =>
  multipart([{ name: 'narrative', value: 'The report' }, { name: 'claimedCompletion', value: 'complete' }, ...files.map((file) => ({ name: 'files', file }))]);

describe('hostile evidence uploads', () => {
  let system: TestSystem;
  let db: DataSource;
  let fixture: PlanFixture;
  let agency: { Authorization: string };
  let port: number;

  const http = () => system.http();
  const storedFiles = (): string[] => filesUnder(system.config.evidenceDir);
  const fileRows = () => db.getRepository(EvidenceFileEntity).count();

  async function milestoneWithOpenRequest(title: string): Promise<{ milestoneId: string; token: string }> {
    const milestone = await createMilestone(system, fixture, 60, title);
    const mail = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail) && (m.parsed.subject ?? '').includes(title));
    const token = uploadTokenFrom(mail.parsed.text!);
    await http().get(`/evidence-uploads/${token}`).expect(200);
    return { milestoneId: milestone.id, token };
  }

  /** What must not change when an upload is refused: the milestone's evidence, all file rows, the bytes under EVIDENCE_DIR. */
  async function snapshot(milestoneId: string) {
    return { evidence: await db.getRepository(EvidenceEntity).countBy({ milestoneId }), fileRows: await fileRows(), files: storedFiles() };
  }

  beforeAll(async () => {
    system = await startTestSystem({
      config: { maxEvidenceFileBytes: MAX_FILE_BYTES, bodyIdleTimeoutMs: IDLE_TIMEOUT_MS, rateLimits: { publicPerMinute: 1_000_000, tokenPerMinute: 1_000_000 } },
    });
    db = system.api.get(DataSource);
    port = (system.api.getHttpServer().address() as AddressInfo).port;
    fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 59, reminderIntervalSeconds: 600 }) });
    const token = await http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'agency', label: 'Agency', agencyId: fixture.agencyId }).expect(201);
    agency = { Authorization: `Bearer ${token.body.token}` };
  });

  afterAll(async () => {
    await system?.close();
  });

  it('refuses oversize, forged, polyglot, archive-bomb and empty files, through the link and the API, with a 4xx naming files, and stores nothing', async () => {
    const { milestoneId, token } = await milestoneWithOpenRequest('Hostile files');
    const before = await snapshot(milestoneId);
    const bomb = Buffer.alloc(32 * 1024 * 1024, 0); // 32 MiB of zeros: 32 kB as gzip or deflated in a zip, under the limit
    const cases: { what: string; file: { bytes: Buffer; filenameParams: string; contentType?: string }; status: number }[] = [
      { what: 'one byte over MAX_EVIDENCE_FILE_BYTES', file: { bytes: Buffer.concat([PDF, Buffer.alloc(MAX_FILE_BYTES + 1 - PDF.length, 0x20)]), filenameParams: named('big.pdf') }, status: 413 },
      { what: 'a Linux executable named .pdf', file: { bytes: ELF, filenameParams: named('report.pdf'), contentType: 'application/pdf' }, status: 415 },
      { what: 'an HTML page named .pdf', file: { bytes: HTML, filenameParams: named('report.pdf'), contentType: 'application/pdf' }, status: 415 },
      { what: 'an SVG with a script named .png', file: { bytes: SVG, filenameParams: named('photo.png'), contentType: 'image/png' }, status: 415 },
      { what: 'a PDF header followed by an HTML page (polyglot)', file: { bytes: Buffer.concat([Buffer.from('%PDF-1.4\n'), HTML]), filenameParams: named('report.pdf') }, status: 415 },
      { what: 'a GIF with a JAR appended (GIFAR)', file: { bytes: GIFAR, filenameParams: named('photo.png') }, status: 415 },
      { what: 'a PNG with a zip appended (polyglot)', file: { bytes: Buffer.concat([PNG, zip([['Evil.class', Buffer.from('cafebabe', 'hex')]])]), filenameParams: named('photo.png') }, status: 415 },
      { what: 'a gzip bomb named .pdf', file: { bytes: gzipSync(bomb, { level: 9 }), filenameParams: named('report.pdf') }, status: 415 },
      { what: 'a zip bomb', file: { bytes: zip([['bomb.bin', bomb]]), filenameParams: named('data.zip') }, status: 415 },
      { what: 'a zip bomb dressed as a DOCX', file: { bytes: zip([['[Content_Types].xml', CONTENT_TYPES(DOCX_MAIN)], ['word/document.xml', bomb]]), filenameParams: named('report.docx') }, status: 415 },
      { what: 'an empty file', file: { bytes: Buffer.alloc(0), filenameParams: named('empty.pdf') }, status: 400 },
    ];
    for (const { what, file, status } of cases) {
      const form = evidenceForm([{ bytes: PDF, filenameParams: named('fine.pdf') }, file]);
      for (const [route, auth] of [[`/evidence-uploads/${token}`, {}], [`/milestones/${milestoneId}/evidence`, agency]] as const) {
        const response = await http().post(route).set(auth).set('Content-Type', form.contentType).send(form.body);
        expect({ what, route: route.split('/')[1], status: response.status }).toEqual({ what, route: route.split('/')[1], status });
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.body.errors).toEqual([expect.objectContaining({ field: 'files' })]);
        expect(await snapshot(milestoneId)).toEqual(before);
      }
    }
    // The request stayed open all along.
    expect((await http().get(`/evidence-uploads/${token}`).expect(200)).body.status).toBe('open');
  });

  it('cleans hostile file names (traversal, NUL, CR LF, bidirectional override) and stores the bytes only under a random key in EVIDENCE_DIR', async () => {
    const { milestoneId, token } = await milestoneWithOpenRequest('Hostile names');
    const parent = path.dirname(system.config.evidenceDir);
    const parentBefore = readdirSync(parent).sort();
    const filesBefore = storedFiles();
    const form = evidenceForm([
      { bytes: PDF, filenameParams: named('../../../../../../etc/passwd') },
      { bytes: PDF, filenameParams: encodedName('..\\..\\a\u0000b.pdf') },
      { bytes: PDF, filenameParams: encodedName('invoice\u202Efdp.exe') },
      // A name that is only path segments: kept as "file", not dropped.
      { bytes: PNG, filenameParams: encodedName('/../..') },
      // A part busboy cannot parse as a file (a CR LF in its name ends the header): never stored.
      { bytes: PNG, filenameParams: encodedName('x.pdf\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>') },
    ]);
    const receipt = await http().post(`/evidence-uploads/${token}`).set('Content-Type', form.contentType).send(form.body).expect(201);
    const names = (receipt.body.files as { originalName: string }[]).map((f) => f.originalName);
    expect(names).toEqual(['passwd', 'ab.pdf', 'invoicefdp.exe', 'file']);

    const rows = await db.getRepository(EvidenceFileEntity).findBy({ evidenceId: receipt.body.evidenceId });
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.storageKey).toMatch(/^[0-9a-f]{2}\/[0-9a-f-]{36}$/);
    expect(storedFiles().sort()).toEqual([...filesBefore, ...rows.map((r) => r.storageKey)].sort());
    // Nothing was written beside EVIDENCE_DIR (where ../ would have led).
    expect(readdirSync(parent).sort()).toEqual(parentBefore);

    // The download names the file safely: no header injection, no control or override character.
    for (const file of receipt.body.files as { downloadPath: string; originalName: string }[]) {
      const download = await http().get(file.downloadPath).set(fixture.coordinator).expect(200);
      expect(download.headers['content-disposition']).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%._~!$&+,;=@-]*$/);
      expect(download.headers['content-type']).toBe(file.originalName === 'file' ? 'image/png' : 'application/pdf');
      expect(download.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await http().get(`/milestones/${milestoneId}/evidence`).set(fixture.coordinator).expect(200)).body.total).toBe(1);
  });

  it(`cuts off a form that stops arriving after ${IDLE_TIMEOUT_MS / 1000} s with 408, and keeps nothing`, async () => {
    const { milestoneId, token } = await milestoneWithOpenRequest('Stalled upload');
    const before = await snapshot(milestoneId);
    const form = evidenceForm([{ bytes: Buffer.concat([PDF, Buffer.alloc(MAX_FILE_BYTES / 2, 0x20)]), filenameParams: named('report.pdf') }]);
    const half = form.body.subarray(0, Math.floor(form.body.length / 2));

    for (const [url, auth] of [[`/evidence-uploads/${token}`, {}], [`/milestones/${milestoneId}/evidence`, agency]] as const) {
      const { answer, closedAfterMs } = await stalledRequest(port, url, { 'Content-Type': form.contentType, ...auth }, half, form.body.length);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('application/problem+json');
      expect(answer).toContain('"field":"files"');
      expect(closedAfterMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 100);
      expect(closedAfterMs).toBeLessThan(IDLE_TIMEOUT_MS + 3000);
    }
    expect(await snapshot(milestoneId)).toEqual(before);

    // An upload that keeps trickling is not idle: it is taken (here: 4 pieces, each within the idle time).
    const pieces = 4;
    const piece = Math.ceil(form.body.length / pieces);
    const trickled = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const received: Buffer[] = [];
      socket.on('connect', async () => {
        socket.write([`POST /evidence-uploads/${token} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Type: ${form.contentType}`, `Content-Length: ${form.body.length}`, 'Connection: close', '', ''].join('\r\n'));
        for (let i = 0; i < pieces; i++) {
          socket.write(form.body.subarray(i * piece, (i + 1) * piece));
          if (i < pieces - 1) await new Promise((r) => setTimeout(r, IDLE_TIMEOUT_MS / 2));
        }
      });
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(received).toString()));
    });
    expect(trickled).toMatch(/^HTTP\/1\.1 201 /);
  });

  it('refuses a forged upload link before reading the form: the answer comes while the body is still on its way', async () => {
    const { milestoneId } = await milestoneWithOpenRequest('Forged link');
    const before = await snapshot(milestoneId);
    const forged = signUploadLink({ evidenceRequestId: '00000000-0000-4000-8000-000000000000', expiresAt: new Date(Date.now() + 3_600_000) }, 'not-the-secret');
    const form = evidenceForm([{ bytes: PDF, filenameParams: named('report.pdf') }]);
    // 100 MB announced, 1 kB sent: the 401 cannot wait for the rest.
    const { answer, closedAfterMs } = await stalledRequest(port, `/evidence-uploads/${forged}`, { 'Content-Type': form.contentType, Connection: 'close' }, form.body.subarray(0, 1024), 100_000_000);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(closedAfterMs).toBeLessThan(IDLE_TIMEOUT_MS);
    expect(await snapshot(milestoneId)).toEqual(before);
  });

  it('keeps its memory bounded while refusing files just over the limit, again and again', async () => {
    const { milestoneId, token } = await milestoneWithOpenRequest('Memory');
    const before = await snapshot(milestoneId);
    const over = Buffer.concat([PDF, randomBytes(MAX_FILE_BYTES + 1 - PDF.length)]);
    const form = evidenceForm([1, 2, 3, 4, 5].map((i) => ({ bytes: over, filenameParams: named(`big-${i}.pdf`) })));
    const send = () => http().post(`/evidence-uploads/${token}`).set('Content-Type', form.contentType).send(form.body).expect(413);
    for (let i = 0; i < 10; i++) await send(); // warm up
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const rounds = 200; // 200 × 5 files × 64 kB = 64 MB refused
    for (let i = 0; i < rounds; i += 4) await Promise.all([send(), send(), send(), send()]);
    global.gc?.();
    const growth = process.memoryUsage().rss - rssBefore;
    expect(growth).toBeLessThan(48 * 1024 * 1024);
    expect(await snapshot(milestoneId)).toEqual(before);
  });
});
