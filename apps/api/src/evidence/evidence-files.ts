import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type/core';

/** A file as multer's memory storage hands it over. */
export interface UploadedEvidenceFile {
  fieldname: string;
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** A file that passed inspection: what is stored about it, and its bytes. */
export interface InspectedEvidenceFile {
  originalName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  bytes: Buffer;
}

export const MAX_EVIDENCE_FILES = 5;

/** What file-type reports (by extension) for the binary formats we accept, and the media type we store. */
const BINARY_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  odt: 'application/vnd.oasis.opendocument.text',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const ACCEPTED_TYPES_TEXT = 'PDF, PNG, JPEG, ODT, DOCX, XLSX, CSV or plain UTF-8 text';

/**
 * The media type of an evidence file, read from its content (magic bytes; for office documents the
 * entries of the zip), or null when it is not a type we accept. Text has no magic number: it must be
 * valid UTF-8 without NUL or other control characters, and not markup (HTML, SVG, XML), which
 * browsers would render. The claimed name only tells CSV from other plain text.
 */
export async function detectEvidenceMediaType(bytes: Buffer, originalName: string): Promise<string | null> {
  // A Uint8Array of this realm: file-type checks `instanceof Uint8Array`, which a Buffer made elsewhere (a test sandbox) fails.
  const detected = await fileTypeFromBuffer(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).catch(() => undefined); // unreadable: not a type we accept
  if (detected) {
    const mediaType = BINARY_TYPES[detected.ext] ?? null;
    if (!mediaType) return null;
    if (ZIP_BASED.has(detected.ext)) return zipInflatesWithinBounds(bytes) ? mediaType : null;
    return isPolyglot(bytes) ? null : mediaType;
  }
  if (!isPlainText(bytes)) return null;
  return /\.csv$/i.test(originalName) ? 'text/csv' : 'text/plain';
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
// C0 controls other than TAB, LF, FF and CR, and DEL.
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;
const MARKUP = /<\s*(!doctype|html|head|body|script|iframe|object|embed|svg|math|style|meta|link|base|form|img|\?xml)\b/i;

const ZIP_BASED = new Set(['odt', 'docx', 'xlsx']);
/** Markup that browsers' content sniffing looks for at the start of a file (the first 512 bytes; we read 1 KiB). */
const SNIFFED_MARKUP = /<\s*(!doctype|html|head|body|script|iframe|object|embed|svg|style|meta|link|base|form|img|a\s+href)\b/i;
const ZIP_END = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/**
 * A PDF or image that is also something else: HTML where a browser sniffing the content would find
 * it, or a zip (a JAR, as in GIFAR) appended, whose directory is read from the end of the file.
 */
function isPolyglot(bytes: Buffer): boolean {
  if (SNIFFED_MARKUP.test(bytes.subarray(0, 1024).toString('latin1'))) return true;
  return bytes.subarray(Math.max(0, bytes.length - 65_557)).includes(ZIP_END);
}

/** Office documents may inflate this much (their XML compresses well); more is an archive bomb. */
export const MAX_ZIP_INFLATION = { ratio: 100, floorBytes: 16 * 1024 * 1024, entries: 10_000 };

/**
 * Whether an office document (a zip) would inflate within bounds, by the sizes its central
 * directory declares (nothing is inflated here): at most MAX_ZIP_INFLATION.entries entries and an
 * uncompressed total under max(floorBytes, ratio × its size). A directory we cannot read, or ZIP64
 * sizes (no accepted document is that large), count as out of bounds.
 */
export function zipInflatesWithinBounds(bytes: Buffer): boolean {
  const end = bytes.lastIndexOf(ZIP_END);
  if (end < 0 || end + 22 > bytes.length) return false;
  const entries = bytes.readUInt16LE(end + 10);
  const directoryOffset = bytes.readUInt32LE(end + 16);
  if (entries > MAX_ZIP_INFLATION.entries || directoryOffset === 0xffffffff) return false;
  const limit = Math.max(MAX_ZIP_INFLATION.floorBytes, MAX_ZIP_INFLATION.ratio * bytes.length);
  let total = 0;
  let at = directoryOffset;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return false;
    const size = bytes.readUInt32LE(at + 24);
    if (size === 0xffffffff) return false;
    total += size;
    if (total > limit) return false;
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return true;
}

function isPlainText(bytes: Buffer): boolean {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return false;
  }
  if (CONTROL.test(text)) return false;
  if (text.replace(/^\uFEFF/, '').trimStart().startsWith('<')) return false;
  return !MARKUP.test(text);
}

/**
 * The client's file name as we keep and show it: the last path segment only, without control or
 * bidirectional-override characters, trimmed, at most 200 characters (keeping the extension).
 */
export function sanitiseFileName(name: string | undefined): string {
  const base = (name ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, '')
    .replace(/["<>|:*?]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  if (!clean) return 'file';
  const chars = Array.from(clean);
  if (chars.length <= 200) return clean;
  const extension = /\.[A-Za-z0-9]{1,10}$/.exec(clean)?.[0] ?? '';
  return Array.from(clean.slice(0, clean.length - extension.length)).slice(0, 200 - extension.length).join('') + extension;
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `Content-Disposition: attachment` with an ASCII fallback and the exact name in RFC 5987 form. */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
