import { stringify } from 'csv-stringify/sync';
import { escapeFormulaCell } from '@app/domain';

/*
 * Layout of Decidim's accountability "results" CSV import, checked against decidim/decidim:
 * - decidim-accountability/app/services/decidim/accountability/results_csv_importer.rb reads each row
 *   by header name: `id` (an existing result of the component is updated, otherwise one is created),
 *   `parent/id`, `title/<locale>` and `description/<locale>` (a missing locale falls back to the
 *   organization's default locale), `start_date` and `end_date` (Date.parse), `status/id`, and hands
 *   the whole row to ResultForm, which also takes `progress` (0..100), `external_id` and `weight`
 *   (app/forms/decidim/accountability/admin/result_form.rb). Columns it does not know are ignored,
 *   so `category/id`, `proposal_urls` and newer taxonomy columns are left out here.
 * - It parses with `col_sep: Decidim.default_csv_col_sep`, which decidim-core sets to ";" (overridable
 *   with DECIDIM_DEFAULT_CSV_COL_SEP), hence the default delimiter below.
 * - Decidim's own export (lib/decidim/accountability/result_serializer.rb, and the fixture
 *   spec/fixtures/valid_result.csv) lists title/<locale> for every locale, then description/<locale>;
 *   the header below keeps that order.
 * - Ids are integers there: a `parent/id` naming a row of the same file is re-linked to the result
 *   created for it, but a non-numeric id would be cast by Rails ("3f2c…" becomes 3) and could update
 *   an unrelated result, so ids are required to be digits.
 */

export interface DecidimResult {
  /** A Decidim result id to update, or a numeric placeholder not used in the target component. */
  id: string;
  parentId: string | null;
  title: Record<string, string>;
  description: Record<string, string>;
  /** YYYY-MM-DD */
  startDate: string | null;
  endDate: string | null;
  /** Id of a status of the target accountability component. */
  statusId: string | null;
  /** Percentage, 0..100. Decidim recomputes a parent's progress from its children's. */
  progress: number | null;
  externalId?: string | null;
  weight?: number | null;
}

export interface DecidimResultsCsvOptions {
  /** Must match the target's Decidim.default_csv_col_sep; ";" unless that installation changed it. */
  delimiter?: string;
}

export const DECIDIM_DEFAULT_CSV_DELIMITER = ';';

/** The header row for these locales, in Decidim's own export order. */
export function decidimResultsHeader(locales: string[]): string[] {
  checkLocales(locales);
  return [
    'id',
    'parent/id',
    ...locales.map((locale) => `title/${locale}`),
    ...locales.map((locale) => `description/${locale}`),
    'start_date',
    'end_date',
    'status/id',
    'progress',
    'external_id',
    'weight',
  ];
}

/**
 * Results as a CSV file Decidim's accountability importer accepts; cells that start like a formula
 * are escaped (escapeFormulaCell: a leading apostrophe). Parents come before their
 * children so each row's parent already exists when Decidim reads it. Throws RangeError on values
 * Decidim would reject or misread, rather than producing a file that fails (or half-applies) there.
 */
export function toDecidimResultsCsv(results: DecidimResult[], locales: string[], options: DecidimResultsCsvOptions = {}): string {
  const header = decidimResultsHeader(locales);
  const ordered = parentsFirst(results);
  const rows = ordered.map((result) => [
    result.id,
    result.parentId ?? '',
    ...locales.map((locale) => result.title[locale] ?? ''),
    ...locales.map((locale) => result.description[locale] ?? ''),
    date(result, 'startDate'),
    date(result, 'endDate'),
    result.statusId ?? '',
    progress(result),
    result.externalId ?? '',
    weight(result),
  ].map(escapeFormulaCell)); // a title like "=HYPERLINK(…)" must not run in a spreadsheet
  // No BOM: Ruby's CSV would keep it in the first header, and `id` would no longer be found.
  return stringify([header, ...rows], {
    delimiter: options.delimiter ?? DECIDIM_DEFAULT_CSV_DELIMITER,
    record_delimiter: 'unix',
    bom: false,
  });
}

/** Depth-first from the roots, keeping input order among siblings: each parent, then its subtree. */
function parentsFirst(results: DecidimResult[]): DecidimResult[] {
  const byId = new Map<string, DecidimResult>();
  for (const result of results) {
    checkId(result.id, `result id`);
    if (result.parentId !== null) checkId(result.parentId, `parent id of result ${result.id}`);
    if (byId.has(result.id)) throw new RangeError(`Result id ${result.id} appears more than once`);
    byId.set(result.id, result);
  }

  // A parent outside the list is an existing Decidim result: its children are roots of this file.
  const children = new Map<string, DecidimResult[]>();
  const roots: DecidimResult[] = [];
  for (const result of results) {
    if (result.parentId !== null && byId.has(result.parentId)) {
      const siblings = children.get(result.parentId) ?? [];
      siblings.push(result);
      children.set(result.parentId, siblings);
    } else {
      roots.push(result);
    }
  }

  const ordered: DecidimResult[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const result = stack.pop()!;
    ordered.push(result);
    stack.push(...[...(children.get(result.id) ?? [])].reverse());
  }
  // Whatever was not reached from a root hangs off a cycle.
  if (ordered.length !== results.length) {
    const reached = new Set(ordered);
    const stuck = results.filter((result) => !reached.has(result)).map((result) => result.id);
    throw new RangeError(`Results ${stuck.join(', ')} are their own ancestors (parent cycle)`);
  }
  return ordered;
}

function checkLocales(locales: string[]): void {
  if (locales.length === 0) throw new RangeError('At least one locale is needed: Decidim requires a title in the default locale');
  const seen = new Set<string>();
  for (const locale of locales) {
    if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]+)*$/.test(locale)) throw new RangeError(`"${locale}" is not a locale code`);
    if (seen.has(locale)) throw new RangeError(`Locale ${locale} is listed more than once`);
    seen.add(locale);
  }
}

function checkId(id: string, what: string): void {
  if (!/^[1-9]\d*$/.test(id)) throw new RangeError(`The ${what} must be a positive integer, as Decidim's ids are; got "${id}"`);
}

function date(result: DecidimResult, key: 'startDate' | 'endDate'): string {
  const value = result[key];
  if (value === null) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const at = match ? new Date(`${value}T00:00:00Z`) : null;
  if (!match || !at || Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== value) {
    throw new RangeError(`${key} of result ${result.id} must be a YYYY-MM-DD date; got "${value}"`);
  }
  return value;
}

function progress(result: DecidimResult): string {
  if (result.progress === null) return '';
  if (!Number.isFinite(result.progress) || result.progress < 0 || result.progress > 100) {
    throw new RangeError(`progress of result ${result.id} must be between 0 and 100; got ${result.progress}`);
  }
  // Shifted in decimal notation, so 50.005 (stored as 50.00499…) rounds to 50.01 as written.
  const shifted = Number(`${result.progress}e2`);
  const hundredths = Math.round(Number.isNaN(shifted) ? result.progress * 100 : shifted); // NaN for "1e-7"
  return String(hundredths / 100);
}

function weight(result: DecidimResult): string {
  const value = result.weight;
  if (value === null || value === undefined) return '';
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`weight of result ${result.id} must be a non-negative number; got ${value}`);
  return String(value);
}
