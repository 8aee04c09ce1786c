import { deflateRawSync } from 'node:zlib';
import { attachmentDisposition, detectEvidenceMediaType, sanitiseFileName } from './evidence-files';

/** A minimal zip archive (stored entries) with the given files, in order. */
function zip(entries: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const data = Buffer.from(content);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
const DOCX = zip([
  ['[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
  ['word/document.xml', '<w:document/>'],
]);
const XLSX = zip([
  ['[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'],
  ['xl/workbook.xml', '<workbook/>'],
]);
const ODT = zip([
  ['mimetype', 'application/vnd.oasis.opendocument.text'],
  ['content.xml', '<office:document-content/>'],
]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(64)]);

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A copy of `archive` whose central directory declares `size` uncompressed bytes for `entry`. */
function declaring(archive: Buffer, entry: string, size: number): Buffer {
  const copy = Buffer.from(archive);
  const central = Buffer.from('PK\x01\x02', 'latin1');
  for (let header = copy.indexOf(central); header !== -1; header = copy.indexOf(central, header + 46)) {
    if (copy.subarray(header + 46, header + 46 + copy.readUInt16LE(header + 28)).toString() === entry) copy.writeUInt32LE(size, header + 24);
  }
  return copy;
}

describe('detectEvidenceMediaType', () => {
  it.each([
    ['a PDF', PDF, 'x.bin', 'application/pdf'],
    ['a PNG', PNG, 'x', 'image/png'],
    ['a JPEG', JPEG, 'photo.png', 'image/jpeg'],
    ['a DOCX', DOCX, 'report.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['an XLSX', XLSX, 'data.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['an ODT', ODT, 'report.odt', 'application/vnd.oasis.opendocument.text'],
    ['CSV', Buffer.from('id;name\n1;Año\n'), 'data.CSV', 'text/csv'],
    ['plain text with a BOM and CRLF', Buffer.from('\uFEFFInforme\r\n\tlínea 2\r\n'), 'notes.txt', 'text/plain'],
  ])('accepts %s by its content', async (_what, bytes, name, type) => {
    expect(await detectEvidenceMediaType(bytes, name)).toBe(type);
  });

  it.each([
    ['a Windows executable', EXE, 'report.pdf'],
    ['an HTML page', Buffer.from('<!DOCTYPE html><html><body>hi</body></html>'), 'report.txt'],
    ['HTML after leading text', Buffer.from('hello\n<script>alert(1)</script>'), 'notes.txt'],
    ['an SVG image', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'logo.png'],
    ['a plain zip archive', zip([['a.txt', 'a']]), 'report.docx'],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'x.png'],
    ['text with NUL bytes', Buffer.from('abc\u0000def'), 'x.txt'],
    ['invalid UTF-8', Buffer.from([0x41, 0xc3, 0x28, 0x42]), 'x.csv'],
    ['a gzip archive', deflateRawSync(Buffer.from('x')), 'x.csv'],
    ['a PDF header followed by HTML (polyglot)', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('<html><script>alert(1)</script></html>')]), 'x.pdf'],
    ['a PNG with a zip appended (polyglot)', Buffer.concat([PNG, zip([['Evil.class', 'x']])]), 'x.png'],
    ['a DOCX whose entries declare an inflation past the bound (archive bomb)', declaring(DOCX, 'word/document.xml', 64 * 1024 * 1024), 'report.docx'],
  ])('refuses %s', async (_what, bytes, name) => {
    expect(await detectEvidenceMediaType(bytes, name)).toBeNull();
  });

  it('accepts a JPEG with XMP metadata and a DOCX that inflates within the bound', async () => {
    const xmp = Buffer.concat([JPEG.subarray(0, 2), Buffer.from('ffe1', 'hex'), Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'), JPEG.subarray(2)]);
    expect(await detectEvidenceMediaType(xmp, 'photo.jpg')).toBe('image/jpeg');
    expect(await detectEvidenceMediaType(declaring(DOCX, 'word/document.xml', 8 * 1024 * 1024), 'report.docx')).toBe(DOCX_TYPE);
  });
});

describe('sanitiseFileName', () => {
  it.each([
    ['C:\\Users\\ana\\informe final.pdf', 'informe final.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['re\u0000port\u0007.pdf', 'report.pdf'],
    ['evil\u202Efdp.exe', 'evilfdp.exe'],
    ['  .hidden  ', 'hidden'],
    ['a"b<c>.pdf', 'a_b_c_.pdf'],
    ['dir/', 'file'],
    ['', 'file'],
    [undefined, 'file'],
    ['año.pdf', 'año.pdf'],
  ])('%p → %p', (name, expected) => {
    expect(sanitiseFileName(name)).toBe(expected);
  });

  it('keeps at most 200 characters, and the extension', () => {
    const name = sanitiseFileName(`${'á'.repeat(300)}.pdf`);
    expect(Array.from(name)).toHaveLength(200);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('attachmentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(attachmentDisposition('año "final".pdf')).toBe(`attachment; filename="a_o _final_.pdf"; filename*=UTF-8''a%C3%B1o%20%22final%22.pdf`);
  });
});
