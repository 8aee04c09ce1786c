import { escapeFormulaCell } from './csv-cells';

/*
 * The layout of Decidim's accountability results CSV: the columns Decidim's own export writes
 * (decidim-accountability/lib/decidim/accountability/result_serializer.rb: id, category, scope,
 * parent, title, description, start_date, end_date, status, progress, created_at, url, component,
 * proposal_urls; nested and translated fields flattened as `name/locale`) and its results importer
 * reads back by name (decidim-accountability/app/services/decidim/accountability/results_csv_importer.rb:
 * `id`, `parent/id`, `title/<locale>` and `description/<locale>` with the organisation's default
 * locale as fallback, `start_date`, `end_date`, `status/id`, `progress`, `proposal_urls`; columns it
 * does not know are ignored). Its importer spec reads spec/fixtures/valid_result.csv, whose header is
 * exactly decidimResultsExportHeader(['ca', 'en', 'es']).
 */

/** Decidim's results CSV header for these locales, in Decidim's order. */
export function decidimResultsExportHeader(locales: readonly string[]): string[] {
  const each = (prefix: string) => locales.map((locale) => `${prefix}/${locale}`);
  return [
    'id',
    'category/id',
    ...each('category/name'),
    'scope/id',
    ...each('scope/name'),
    'parent/id',
    ...each('title'),
    ...each('description'),
    'start_date',
    'end_date',
    'status/id',
    'status/key',
    ...each('status/name'),
    'progress',
    'created_at',
    'url',
    'component/id',
    'proposal_urls',
  ];
}

/** One result row: commitments are parents, milestones their children. */
export interface DecidimResultRow {
  /** A number within the file (Decidim ids are integers); a row's `parentId` names another row's. */
  id: number;
  parentId: number | null;
  /** The text in `locale`; other locales are left empty (Decidim falls back to its default locale). */
  locale: string;
  title: string;
  description: string;
  /** YYYY-MM-DD */
  startDate: string;
  endDate: string;
  /** 0..100, null when no evidence yet (an empty cell: Decidim keeps its own). */
  progress: number | null;
  /** Where the public can read it here. */
  url: string;
}

/**
 * The rows of the Decidim results file: the header for `locales`, then each result with its text in
 * its own locale's columns; category, scope, status, created_at, component and proposal_urls empty
 * (they are ids of the target Decidim, which this system cannot know). Cells escaped against formulas.
 */
export function decidimResultsRows(results: readonly DecidimResultRow[], locales: readonly string[]): string[][] {
  const header = decidimResultsExportHeader(locales);
  const rows = results.map((r) => {
    const cells: Record<string, string> = {
      id: String(r.id),
      'parent/id': r.parentId === null ? '' : String(r.parentId),
      [`title/${r.locale}`]: r.title,
      [`description/${r.locale}`]: r.description,
      start_date: r.startDate,
      end_date: r.endDate,
      progress: r.progress === null ? '' : String(Math.round(r.progress * 100) / 100),
      url: r.url,
    };
    return header.map((name) => escapeFormulaCell(cells[name] ?? ''));
  });
  return [header, ...rows];
}
