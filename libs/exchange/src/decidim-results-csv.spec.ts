import { parse } from 'csv-parse/sync';
import { DecidimResult, decidimResultsHeader, toDecidimResultsCsv } from './decidim-results-csv';

function result(overrides: Partial<DecidimResult> & Pick<DecidimResult, 'id'>): DecidimResult {
  return {
    parentId: null,
    title: {},
    description: {},
    startDate: null,
    endDate: null,
    statusId: null,
    progress: null,
    ...overrides,
  };
}

function read(csv: string, delimiter = ';'): string[][] {
  return parse(csv, { delimiter });
}

describe('toDecidimResultsCsv', () => {
  it("writes the header Decidim's results importer reads, semicolon-separated", () => {
    const csv = toDecidimResultsCsv([], ['es', 'en']);
    expect(csv).toBe(
      'id;parent/id;title/es;title/en;description/es;description/en;start_date;end_date;status/id;progress;external_id;weight\n',
    );
    expect(decidimResultsHeader(['es', 'en'])).toEqual(read(csv)[0]);
  });

  it('escapes cells that start like a formula, as every CSV of the system does', () => {
    const csv = toDecidimResultsCsv([result({ id: '1', title: { es: '=HYPERLINK("http://x.example")' }, description: { es: '-2 días' } })], ['es']);
    expect(read(csv)[1].slice(2, 4)).toEqual(['\'=HYPERLINK("http://x.example")', "'-2 días"]);
  });

  it('writes commitments before their milestones, whatever the input order', () => {
    const results = [
      result({ id: '11', parentId: '1', title: { es: 'Hito 1.1' } }),
      result({ id: '21', parentId: '2', title: { es: 'Hito 2.1' } }),
      result({ id: '2', title: { es: 'Compromiso 2' } }),
      result({ id: '12', parentId: '1', title: { es: 'Hito 1.2' } }),
      result({ id: '1', title: { es: 'Compromiso 1' } }),
      result({ id: '31', parentId: '3', title: { es: 'Hito de un compromiso ya en Decidim' } }),
    ];
    const rows = read(toDecidimResultsCsv(results, ['es'])).slice(1);
    expect(rows.map((row) => [row[0], row[1]])).toEqual([
      ['2', ''],
      ['21', '2'],
      ['1', ''],
      ['11', '1'],
      ['12', '1'],
      ['31', '3'],
    ]);
  });

  it('fills every column, leaving missing translations and nulls empty', () => {
    const csv = toDecidimResultsCsv(
      [
        result({
          id: '1',
          title: { es: 'Datos abiertos', en: 'Open data' },
          description: { es: 'Portal' },
          startDate: '2026-01-01',
          endDate: '2026-12-31',
          statusId: '4',
          progress: 33.3333,
          externalId: 'C1',
          weight: 1,
        }),
        result({ id: '2', parentId: '1', title: { es: 'Hito' }, progress: 50.005, externalId: 'C1/M1', weight: 0.25 }),
        result({ id: '3', parentId: '1', title: { en: 'Only English' } }),
      ],
      ['es', 'en'],
    );
    expect(read(csv)).toEqual([
      ['id', 'parent/id', 'title/es', 'title/en', 'description/es', 'description/en', 'start_date', 'end_date', 'status/id', 'progress', 'external_id', 'weight'],
      ['1', '', 'Datos abiertos', 'Open data', 'Portal', '', '2026-01-01', '2026-12-31', '4', '33.33', 'C1', '1'],
      ['2', '1', 'Hito', '', '', '', '', '', '', '50.01', 'C1/M1', '0.25'],
      ['3', '1', '', 'Only English', '', '', '', '', '', '', '', ''],
    ]);
  });

  it('quotes delimiters, quotes and line breaks so they survive a round trip', () => {
    const title = { es: 'Uno; dos, "tres"', en: 'Line one\nline two\r\nthree' };
    const description = { es: '<p>HTML, con "comillas"</p>', en: '' };
    for (const delimiter of [';', ',']) {
      const csv = toDecidimResultsCsv([result({ id: '1', title, description })], ['es', 'en'], { delimiter });
      const [, row] = read(csv, delimiter);
      expect(row.slice(2, 6)).toEqual([title.es, title.en, description.es, '']);
    }
    expect(toDecidimResultsCsv([result({ id: '1', title: { es: 'a,b' } })], ['es'], { delimiter: ',' })).toContain('"a,b"');
  });

  it('has no BOM, which would hide the id column from Decidim', () => {
    expect(toDecidimResultsCsv([], ['es']).charCodeAt(0)).not.toBe(0xfeff);
  });

  it.each<[string, Partial<DecidimResult>, RegExp]>([
    ['a non-numeric id', { id: '3f2c-uuid' }, /positive integer/],
    ['a non-numeric parent id', { parentId: 'C1' }, /positive integer/],
    ['a progress above 100', { progress: 100.5 }, /between 0 and 100/],
    ['a progress that is not a number', { progress: Number.NaN }, /between 0 and 100/],
    ['an impossible date', { startDate: '2026-02-30' }, /YYYY-MM-DD/],
    ['a date-time instead of a date', { endDate: '2026-02-01T00:00:00Z' }, /YYYY-MM-DD/],
  ])('refuses %s', (_, overrides, message) => {
    expect(() => toDecidimResultsCsv([result({ id: '9', ...overrides })], ['es'])).toThrow(message);
  });

  it('refuses duplicate ids, parent cycles and unusable locale lists', () => {
    expect(() => toDecidimResultsCsv([result({ id: '1' }), result({ id: '1' })], ['es'])).toThrow(/more than once/);
    expect(() =>
      toDecidimResultsCsv([result({ id: '1', parentId: '2' }), result({ id: '2', parentId: '1' }), result({ id: '3' })], ['es']),
    ).toThrow('Results 1, 2 are their own ancestors (parent cycle)');
    expect(() => toDecidimResultsCsv([], [])).toThrow(/At least one locale/);
    expect(() => toDecidimResultsCsv([], ['es', 'es'])).toThrow(/more than once/);
    expect(() => toDecidimResultsCsv([], ['es;en'])).toThrow(/not a locale/);
  });
});
