import { decidimResultsExportHeader, decidimResultsRows } from './decidim-results';

/**
 * The header of Decidim's own results file, as its results importer spec reads it:
 * decidim/decidim, decidim-accountability/spec/fixtures/valid_result.csv (commit 32f006ccdc17140c6223a966de7862a2799a825c),
 * written by lib/decidim/accountability/result_serializer.rb (commit 094b8c21a80b456f6b148a82f843330090772e25)
 * and read by app/services/decidim/accountability/results_csv_importer.rb (commit 0c33e7f15acbc90d74de16417726f097d12bb7c7).
 */
export const DECIDIM_VALID_RESULT_CSV_HEADER =
  'id;category/id;category/name/ca;category/name/en;category/name/es;scope/id;scope/name/ca;scope/name/en;scope/name/es;parent/id;title/ca;title/en;title/es;description/ca;description/en;description/es;start_date;end_date;status/id;status/key;status/name/ca;status/name/en;status/name/es;progress;created_at;url;component/id;proposal_urls';

describe('decidimResultsExportHeader', () => {
  it("is Decidim's results header for Decidim's fixture locales", () => {
    expect(decidimResultsExportHeader(['ca', 'en', 'es']).join(';')).toBe(DECIDIM_VALID_RESULT_CSV_HEADER);
  });
});

describe('decidimResultsRows', () => {
  it("puts each result's text in its locale's columns and leaves Decidim's own ids empty", () => {
    const [header, parent, child] = decidimResultsRows(
      [
        { id: 1, parentId: null, locale: 'es', title: 'Presupuesto abierto', description: '', startDate: '2027-01-01', endDate: '2027-12-31', progress: 62.5, url: 'https://m.example/p/1' },
        { id: 2, parentId: 1, locale: 'es', title: '=cmd', description: 'Datos', startDate: '2027-01-01', endDate: '2027-06-30', progress: null, url: 'https://m.example/p/2' },
      ],
      ['en', 'es'],
    );
    const at = (row: string[], name: string) => row[header.indexOf(name)];
    expect(at(parent, 'id')).toBe('1');
    expect(at(parent, 'parent/id')).toBe('');
    expect(at(parent, 'title/es')).toBe('Presupuesto abierto');
    expect(at(parent, 'title/en')).toBe('');
    expect(at(parent, 'progress')).toBe('62.5');
    expect(at(child, 'parent/id')).toBe('1');
    expect(at(child, 'title/es')).toBe("'=cmd");
    expect(at(child, 'progress')).toBe('');
    expect(at(child, 'status/id')).toBe('');
    expect(child).toHaveLength(header.length);
  });
});
