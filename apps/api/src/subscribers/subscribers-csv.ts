import { parse } from 'csv-parse/sync';
import { isEmail } from 'class-validator';
import { SUPPORTED_LANGUAGES, normalizeEmail, type Language } from '@app/domain';
import { misdecodedText } from '@app/exchange';

/**
 * Subscribers a coordinator imports because they consented elsewhere (a paper form, an earlier
 * newsletter): `email;language;commitment_external_ids;consented_at`. Every problem is reported by
 * line and column; a message never repeats the address (the report may be shared or logged).
 */
export const SUBSCRIBER_CSV_COLUMNS = ['email', 'language', 'commitment_external_ids', 'consented_at'] as const;
export const MAX_SUBSCRIBER_CSV_ROWS = 10_000;

export interface SubscriberCsvRow {
  line: number;
  email: string;
  language: Language;
  /** Empty: the whole plan. */
  commitmentExternalIds: string[];
  consentedAt: Date;
}

export interface SubscriberCsvError {
  line: number;
  field: string;
  message: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function parseSubscribersCsv(text: string, now: Date): { rows: SubscriberCsvRow[]; errors: SubscriberCsvError[] } {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (normalized.trim() === '') return { rows: [], errors: [{ line: 1, field: 'file', message: 'The file is empty' }] };
  const misdecoded = misdecodedText(normalized);
  if (misdecoded) return { rows: [], errors: [{ line: misdecoded.line, field: 'file', message: misdecoded.message }] };
  const firstLine = normalized.slice(0, normalized.indexOf('\n') === -1 ? undefined : normalized.indexOf('\n'));
  const delimiter = firstLine.includes(';') || !firstLine.includes(',') ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(normalized, { delimiter, info: true, relax_column_count: true, trim: true, skip_empty_lines: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error: unknown) {
    return { rows: [], errors: [{ line: 1, field: 'file', message: `The file is not valid CSV: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const [header, ...data] = records;
  const names = header.record.map((cell) => cell.toLowerCase());
  const missing = SUBSCRIBER_CSV_COLUMNS.filter((column) => column !== 'commitment_external_ids' && !names.includes(column));
  const unknown = names.filter((name) => name !== '' && !(SUBSCRIBER_CSV_COLUMNS as readonly string[]).includes(name));
  if (missing.length > 0 || unknown.length > 0) {
    return { rows: [], errors: [{ line: 1, field: 'file', message: `The first line must name the columns ${SUBSCRIBER_CSV_COLUMNS.join(';')}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}` }] };
  }
  if (data.length > MAX_SUBSCRIBER_CSV_ROWS) return { rows: [], errors: [{ line: 1, field: 'file', message: `The file has ${data.length} rows; at most ${MAX_SUBSCRIBER_CSV_ROWS} can be imported at once` }] };

  const rows: SubscriberCsvRow[] = [];
  const errors: SubscriberCsvError[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { record, info } of data) {
    const line = info.lines;
    const cell = (column: (typeof SUBSCRIBER_CSV_COLUMNS)[number]) => (names.indexOf(column) === -1 ? '' : (record[names.indexOf(column)] ?? ''));
    const rowErrors: SubscriberCsvError[] = [];
    const fail = (field: string, message: string) => rowErrors.push({ line, field, message });
    // PostgreSQL cannot store U+0000: refuse it where it is.
    const withNul = SUBSCRIBER_CSV_COLUMNS.filter((column) => cell(column).includes('\u0000'));
    if (withNul.length > 0) {
      withNul.forEach((column) => fail(column, `${column} contains a NUL character`));
      errors.push(...rowErrors);
      continue;
    }
    if (record.length > names.length && record.slice(names.length).some((value) => value !== '')) fail('file', `The row has more cells than the header's ${names.length} columns`);

    const email = normalizeEmail(cell('email'));
    if (email === '') fail('email', 'email is required');
    else if (email.length > 254 || !isEmail(email, { allow_display_name: false, require_tld: true })) fail('email', 'email is not an email address');
    else if (firstLineOf.has(email)) fail('email', `the same address is on line ${firstLineOf.get(email)}`);
    else firstLineOf.set(email, line);

    const language = cell('language').toLowerCase();
    if (!(SUPPORTED_LANGUAGES as readonly string[]).includes(language)) fail('language', `language must be one of ${SUPPORTED_LANGUAGES.join(', ')}`);

    const commitmentExternalIds = [...new Set(cell('commitment_external_ids').split(/[|,\s]+/).filter((id) => id !== ''))];
    if (commitmentExternalIds.some((id) => id.length > 100)) fail('commitment_external_ids', 'commitment external ids are at most 100 characters');

    const consented = cell('consented_at');
    const consentedAt = DATE.test(consented) ? new Date(`${consented}T00:00:00Z`) : DATE_TIME.test(consented) ? new Date(consented) : null;
    if (consented === '') fail('consented_at', 'consented_at is required: when the person consented (YYYY-MM-DD or an ISO date-time with offset)');
    else if (!consentedAt || Number.isNaN(consentedAt.getTime())) fail('consented_at', 'consented_at must be YYYY-MM-DD or an ISO date-time with offset');
    else if (consentedAt.getTime() > now.getTime()) fail('consented_at', 'consented_at must not be in the future');

    if (rowErrors.length > 0) errors.push(...rowErrors);
    else rows.push({ line, email, language: language as Language, commitmentExternalIds, consentedAt: consentedAt! });
  }
  if (rows.length === 0 && errors.length === 0) errors.push({ line: 1, field: 'file', message: 'The file has no subscriber rows' });
  return { rows, errors };
}
