import { parse } from 'csv-parse/sync';
import { CompletionLevel } from '@app/domain';
import { misdecodedText } from './text-encoding';

/** One valid data row of a milestones import file. */
export interface MilestoneCsvRow {
  /** Line in the file where the row starts (the header is line 1). */
  line: number;
  commitmentExternalId: string;
  externalId: string;
  title: string;
  expectedOutput: string | null;
  startAt: Date;
  dueAt: Date;
  responsibleAgency: string;
  weight: number | null;
  verifiable: boolean;
  completion: CompletionLevel | null;
}

/** A problem with one cell, or with the whole file when `field` is `file`. */
export interface CsvRowError {
  line: number;
  field: string;
  message: string;
}

export interface MilestonesCsvParseResult {
  rows: MilestoneCsvRow[];
  errors: CsvRowError[];
}

export const MILESTONE_CSV_COLUMNS = [
  'commitment_external_id',
  'external_id',
  'title',
  'expected_output',
  'start_date',
  'due_date',
  'responsible_agency',
  'weight',
  'verifiable',
  'completion',
] as const;
export type MilestoneCsvColumn = (typeof MILESTONE_CSV_COLUMNS)[number];

const REQUIRED_COLUMNS: readonly MilestoneCsvColumn[] = [
  'commitment_external_id',
  'external_id',
  'title',
  'start_date',
  'due_date',
  'responsible_agency',
];

/** Bounds the work (and the transaction) one upload can cause. */
export const MAX_MILESTONE_CSV_ROWS = 2000;

// Same limits as the milestone/commitment DTOs, so a row accepted here is not rejected on write.
const MAX_LENGTH: Partial<Record<MilestoneCsvColumn, number>> = {
  commitment_external_id: 100,
  external_id: 100,
  title: 300,
  expected_output: 2000,
  responsible_agency: 200,
};

const COMPLETION_LEVELS: readonly string[] = Object.values(CompletionLevel);
const TRUE_WORDS = new Set(['yes', 'true', 'sí', 'si']);
const FALSE_WORDS = new Set(['no', 'false']);

/**
 * Parses and validates a milestones CSV. Every problem is reported (not just the first) so a
 * city can fix the whole file in one go; a row with any error is left out of `rows`.
 */
export function parseMilestonesCsv(text: string): MilestonesCsvParseResult {
  // One line-break style, so line numbers and multi-line cells behave the same whatever the editor.
  const normalized = stripBom(text).replace(/\r\n?/g, '\n');
  if (normalized.trim() === '') return fileError(1, 'The file is empty');
  const misdecoded = misdecodedText(normalized);
  if (misdecoded) return fileError(misdecoded.line, misdecoded.message);

  let records: { record: string[]; raw: string }[];
  try {
    // The typings do not model `raw: true`, which wraps each record with its source text.
    records = parse(normalized, {
      delimiter: detectDelimiter(normalized),
      raw: true,
      relax_column_count: true, // a short or long row is that row's error, not the file's
      trim: true, // tolerates spaces around quoted cells ( "a", "b")
      skip_empty_lines: false, // kept, so every record's raw text can be counted for line numbers
    }) as unknown as { record: string[]; raw: string }[];
  } catch (error: unknown) {
    const line = (error as { lines?: unknown }).lines;
    const message = error instanceof Error ? error.message : String(error);
    return fileError(typeof line === 'number' && line > 0 ? line : 1, `The file is not valid CSV: ${message}`);
  }

  const lines: { line: number; cells: string[] }[] = [];
  let cursor = 1;
  for (const { record, raw } of records) {
    const cells = record.map((cell) => cell.trim());
    // Spreadsheets leave rows of bare separators (",,,,") as well as blank lines.
    if (cells.some((cell) => cell !== '')) lines.push({ line: cursor, cells });
    cursor += countNewlines(raw);
  }
  if (lines.length === 0) return fileError(1, 'The file is empty');

  const [headerLine, ...dataLines] = lines;
  const header = readHeader(headerLine.cells, headerLine.line);
  if ('errors' in header) return { rows: [], errors: header.errors };

  if (dataLines.length > MAX_MILESTONE_CSV_ROWS) {
    return fileError(
      dataLines[MAX_MILESTONE_CSV_ROWS].line,
      `The file has ${dataLines.length} data rows; at most ${MAX_MILESTONE_CSV_ROWS} can be imported at once. Split it into several files.`,
    );
  }

  const rows: MilestoneCsvRow[] = [];
  const errors: CsvRowError[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const { line, cells } of dataLines) {
    const rowErrors: CsvRowError[] = [];
    const row = readRow(line, cells, header.indexOf, header.width, rowErrors);

    // Checked on every row, valid or not: the later line is the duplicate either way.
    const commitmentId = cellOf(cells, header.indexOf, 'commitment_external_id');
    const externalId = cellOf(cells, header.indexOf, 'external_id');
    if (commitmentId !== '' && externalId !== '') {
      const key = `${commitmentId}\u0000${externalId}`;
      const first = firstLineOfId.get(key);
      if (first === undefined) firstLineOfId.set(key, line);
      else {
        rowErrors.push({
          line,
          field: 'external_id',
          message: `external_id "${externalId}" is already used on line ${first} for commitment "${commitmentId}"`,
        });
      }
    }

    if (rowErrors.length > 0) errors.push(...rowErrors);
    else if (row) rows.push(row);
  }
  return { rows, errors };
}

interface Header {
  indexOf: Map<MilestoneCsvColumn, number>;
  width: number;
}

function readHeader(cells: string[], line: number): Header | { errors: CsvRowError[] } {
  const names = cells.map((cell) => cell.toLowerCase());
  const known = new Set<string>(MILESTONE_CSV_COLUMNS);
  if (!names.some((name) => known.has(name))) {
    return {
      errors: [{ line, field: 'file', message: `The first line must be the header row, naming the columns: ${MILESTONE_CSV_COLUMNS.join(', ')}` }],
    };
  }

  const errors: CsvRowError[] = [];
  const unknown = cells.filter((cell, index) => names[index] !== '' && !known.has(names[index]));
  if (unknown.length > 0) {
    errors.push({
      line,
      field: 'file',
      message: `Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Allowed columns: ${MILESTONE_CSV_COLUMNS.join(', ')}`,
    });
  }
  const indexOf = new Map<MilestoneCsvColumn, number>();
  names.forEach((name, index) => {
    if (!known.has(name)) return; // unnamed columns are tolerated while their cells stay empty
    const column = name as MilestoneCsvColumn;
    if (indexOf.has(column)) errors.push({ line, field: column, message: `Column ${column} appears more than once in the header` });
    else indexOf.set(column, index);
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!indexOf.has(column)) errors.push({ line, field: column, message: `Required column ${column} is missing from the header` });
  }
  return errors.length > 0 ? { errors } : { indexOf, width: cells.length };
}

function readRow(
  line: number,
  cells: string[],
  indexOf: Map<MilestoneCsvColumn, number>,
  width: number,
  errors: CsvRowError[],
): MilestoneCsvRow | null {
  const used = new Set(indexOf.values());
  const stray = cells.findIndex((cell, index) => cell !== '' && !used.has(index));
  if (stray !== -1) {
    const where = stray >= width ? `the header has ${width} columns` : `column ${stray + 1} has no name in the header`;
    errors.push({ line, field: 'file', message: `Value "${clip(cells[stray])}" is in column ${stray + 1}, but ${where}` });
  }

  const cell = (column: MilestoneCsvColumn) => cellOf(cells, indexOf, column);
  const error = (field: MilestoneCsvColumn, message: string) => errors.push({ line, field, message });
  // PostgreSQL cannot store U+0000: refuse it where it is, not deep in the write.
  const withNul = [...indexOf.keys()].filter((column) => cell(column).includes('\u0000'));
  if (withNul.length > 0) {
    withNul.forEach((column) => error(column, `${column} contains a NUL character`));
    return null;
  }
  const text = (column: MilestoneCsvColumn, required: boolean): string | null => {
    const value = cell(column);
    if (value === '') {
      if (required) error(column, `${column} is required`);
      return null;
    }
    const max = MAX_LENGTH[column];
    const length = [...value].length; // characters, not UTF-16 units, like the DTOs' @MaxLength
    if (max !== undefined && length > max) error(column, `${column} must be at most ${max} characters (it has ${length})`);
    return value;
  };

  const commitmentExternalId = text('commitment_external_id', true);
  const externalId = text('external_id', true);
  const title = text('title', true);
  const expectedOutput = text('expected_output', false);
  const responsibleAgency = text('responsible_agency', true);
  const startAt = dateCell(cell('start_date'), 'start', (message) => error('start_date', message));
  const dueAt = dateCell(cell('due_date'), 'due', (message) => error('due_date', message));
  if (startAt && dueAt && dueAt.getTime() < startAt.getTime()) {
    error('due_date', `due_date (${dueAt.toISOString()}) must not be before start_date (${startAt.toISOString()})`);
  }
  const weight = weightCell(cell('weight'), (message) => error('weight', message));
  const verifiable = verifiableCell(cell('verifiable'), (message) => error('verifiable', message));
  const completion = completionCell(cell('completion'), (message) => error('completion', message));

  if (!commitmentExternalId || !externalId || !title || !responsibleAgency || !startAt || !dueAt) return null;
  return {
    line,
    commitmentExternalId,
    externalId,
    title,
    expectedOutput,
    startAt,
    dueAt,
    responsibleAgency,
    weight,
    verifiable,
    completion,
  };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Date-times must carry an offset: a bare local time would be read in the server's time zone.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

function dateCell(value: string, kind: 'start' | 'due', fail: (message: string) => void): Date | null {
  const column = kind === 'start' ? 'start_date' : 'due_date';
  if (value === '') {
    fail(`${column} is required`);
    return null;
  }
  const date = DATE.exec(value);
  if (date) {
    const [year, month, day] = date.slice(1).map(Number);
    // A plain date covers the whole day: a milestone starts at its first moment and is due at its last.
    const at = kind === 'start' ? utc(year, month, day, 0, 0, 0, 0) : utc(year, month, day, 23, 59, 59, 999);
    if (at) return at;
  } else {
    const dateTime = DATE_TIME.exec(value);
    if (dateTime) {
      const [year, month, day, hour, minute] = dateTime.slice(1, 6).map(Number);
      const second = Number(dateTime[6] ?? '0');
      const millisecond = Number((dateTime[7] ?? '').padEnd(3, '0').slice(0, 3));
      const offset = offsetMinutes(dateTime[8]);
      const local = utc(year, month, day, hour, minute, second, millisecond);
      if (local && offset !== null) return new Date(local.getTime() - offset * 60_000);
    }
  }
  fail(`${column} "${clip(value)}" is not a valid date: use YYYY-MM-DD or an ISO 8601 date-time with an offset, such as 2026-03-31T17:00:00Z`);
  return null;
}

/** The instant for these UTC fields, or null when they do not name a real one (2026-02-30, 25:00). */
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond: number): Date | null {
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, does not map years 0..99 to 19xx
  at.setUTCHours(hour, minute, second, millisecond);
  return at.getUTCDate() === day && at.getUTCMonth() === month - 1 ? at : null;
}

function offsetMinutes(zone: string): number | null {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) return null;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

const NUMBER = /^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/;

function weightCell(value: string, fail: (message: string) => void): number | null {
  if (value === '') return null;
  // A decimal comma is what spreadsheets in Spanish-speaking locales write.
  if (!NUMBER.test(value)) {
    fail(`weight "${clip(value)}" is not a number`);
    return null;
  }
  const weight = Number(value.replace(',', '.'));
  if (weight < 0 || weight > 1) {
    fail(`weight must be between 0 and 1; got ${value}`);
    return null;
  }
  return weight;
}

function verifiableCell(value: string, fail: (message: string) => void): boolean {
  if (value === '') return true; // OGP: milestones are expected to be verifiable unless said otherwise
  const word = value.normalize('NFC').toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  fail(`verifiable "${clip(value)}" must be one of yes, no, true, false, sí, si`);
  return true;
}

function completionCell(value: string, fail: (message: string) => void): CompletionLevel | null {
  if (value === '') return null;
  const level = value.toLowerCase();
  if (COMPLETION_LEVELS.includes(level)) return level as CompletionLevel;
  fail(`completion "${clip(value)}" must be one of ${COMPLETION_LEVELS.join(', ')}`);
  return null;
}

function cellOf(cells: string[], indexOf: Map<MilestoneCsvColumn, number>, column: MilestoneCsvColumn): string {
  const index = indexOf.get(column);
  return index === undefined ? '' : (cells[index] ?? '');
}

/** Excel in Spanish locales saves "CSV" with semicolons; the header line tells which one was used. */
function detectDelimiter(text: string): string {
  const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? '';
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t']) {
    const count = firstLine.split(candidate).length - 1;
    if (count > bestCount) [best, bestCount] = [candidate, count];
  }
  return best;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function countNewlines(raw: string): number {
  let count = 0;
  for (const char of raw) if (char === '\n') count++;
  return count;
}

/** Keeps error messages short when a cell holds a paragraph. */
function clip(value: string): string {
  const chars = [...value];
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value;
}

function fileError(line: number, message: string): MilestonesCsvParseResult {
  return { rows: [], errors: [{ line, field: 'file', message }] };
}
