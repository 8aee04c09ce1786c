import { CompletionLevel } from '@app/domain';
import { MAX_MILESTONE_CSV_ROWS, parseMilestonesCsv } from './milestones-csv';

const HEADER =
  'commitment_external_id,external_id,title,expected_output,start_date,due_date,responsible_agency,weight,verifiable,completion';

function csv(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

describe('parseMilestonesCsv', () => {
  it('parses a valid file into typed rows with their line numbers', () => {
    const { rows, errors } = parseMilestonesCsv(
      csv(
        HEADER,
        'C1,M1,Publish the evaluation,Public report,2026-01-15,2026-03-31,Transparency Office,"0,25",sí,substantial',
        'C1,M2,Second milestone,,2026-02-01T09:30:00+01:00,2026-04-01T12:00:00Z,Transparency Office,0.75,No,',
      ),
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        commitmentExternalId: 'C1',
        externalId: 'M1',
        title: 'Publish the evaluation',
        expectedOutput: 'Public report',
        startAt: new Date('2026-01-15T00:00:00.000Z'),
        dueAt: new Date('2026-03-31T23:59:59.999Z'),
        responsibleAgency: 'Transparency Office',
        weight: 0.25,
        verifiable: true,
        completion: CompletionLevel.Substantial,
      },
      {
        line: 3,
        commitmentExternalId: 'C1',
        externalId: 'M2',
        title: 'Second milestone',
        expectedOutput: null,
        startAt: new Date('2026-02-01T08:30:00.000Z'),
        dueAt: new Date('2026-04-01T12:00:00.000Z'),
        responsibleAgency: 'Transparency Office',
        weight: 0.75,
        verifiable: false,
        completion: null,
      },
    ]);
  });

  it('accepts columns in any order, optional columns left out, a BOM, CRLF and trimmed cells', () => {
    const text = '\uFEFFtitle , due_date,start_date,responsible_agency,external_id,commitment_external_id\r\n' +
      '  Report  ,2026-03-31, 2026-01-01 ,  Agency ,M1,C1\r\n';
    const { rows, errors } = parseMilestonesCsv(text);
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ line: 2, title: 'Report', responsibleAgency: 'Agency', weight: null, verifiable: true, completion: null, expectedOutput: null });
  });

  it('reads semicolon-separated files as spreadsheets in Spanish locales save them', () => {
    const { rows, errors } = parseMilestonesCsv(csv(HEADER.replaceAll(',', ';'), 'C1;M1;Informe;;2026-01-01;2026-02-01;Agencia;0,5;si;complete'));
    expect(errors).toEqual([]);
    expect(rows[0]).toMatchObject({ weight: 0.5, verifiable: true, completion: CompletionLevel.Complete });
  });

  it('skips blank lines and separator-only lines, keeping file line numbers (multi-line cells too)', () => {
    const { rows, errors } = parseMilestonesCsv(
      csv(HEADER, '', 'C1,M1,"Two-line', 'title",,2026-01-01,2026-02-01,A,,,', ',,,,,,,,,', '   ', 'C1,M2,Third,,2026-01-01,2026-02-01,A,,,'),
    );
    expect(errors).toEqual([]);
    expect(rows.map((row) => [row.line, row.title])).toEqual([
      [3, 'Two-line\ntitle'],
      [7, 'Third'],
    ]);
  });

  it('reports every problem of a row by line and column and leaves the row out', () => {
    const { rows, errors } = parseMilestonesCsv(
      csv(HEADER, ',M1,,,2026-02-30,tomorrow,,1.5,maybe,done', 'C1,M2,Fine,,2026-01-01,2026-02-01,A,,,'),
    );
    expect(rows.map((row) => row.externalId)).toEqual(['M2']);
    expect(errors.map(({ line, field }) => [line, field])).toEqual([
      [2, 'commitment_external_id'],
      [2, 'title'],
      [2, 'responsible_agency'],
      [2, 'start_date'],
      [2, 'due_date'],
      [2, 'weight'],
      [2, 'verifiable'],
      [2, 'completion'],
    ]);
    expect(errors.find((error) => error.field === 'weight')?.message).toMatch(/between 0 and 1/);
  });

  it('checks lengths in characters', () => {
    const long = 'é'.repeat(301);
    const { rows, errors } = parseMilestonesCsv(
      csv(HEADER, `C1,M1,${'é'.repeat(300)},${'x'.repeat(2000)},2026-01-01,2026-02-01,${'a'.repeat(200)},,,`, `C1,M2,${long},${'x'.repeat(2001)},2026-01-01,2026-02-01,${'a'.repeat(201)},,,`),
    );
    expect(rows.map((row) => row.line)).toEqual([2]);
    expect(errors).toEqual([
      { line: 3, field: 'title', message: 'title must be at most 300 characters (it has 301)' },
      { line: 3, field: 'expected_output', message: 'expected_output must be at most 2000 characters (it has 2001)' },
      { line: 3, field: 'responsible_agency', message: 'responsible_agency must be at most 200 characters (it has 201)' },
    ]);
  });

  it.each([
    ['2026-01-01T10:00Z', '2026-01-01T10:00:00.000Z'],
    ['2026-01-01T10:00:05.123456-03:00', '2026-01-01T13:00:05.123Z'],
    ['2026-01-01t10:00:00+0530', '2026-01-01T04:30:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('reads start_date %s', (value, expected) => {
    const { rows, errors } = parseMilestonesCsv(csv(HEADER, `C1,M1,T,,${value},2027-01-01,A,,,`));
    expect(errors).toEqual([]);
    expect(rows[0].startAt.toISOString()).toBe(expected);
  });

  it.each(['2026-01-01T10:00:00', '2026-13-01', '2025-02-29', '2026-01-01T24:00:00Z', '01/02/2026', '2026-1-1'])('rejects start_date %s', (value) => {
    const { rows, errors } = parseMilestonesCsv(csv(HEADER, `C1,M1,T,,${value},2027-01-01,A,,,`));
    expect(rows).toEqual([]);
    expect(errors).toEqual([{ line: 2, field: 'start_date', message: expect.stringContaining('not a valid date') }]);
  });

  it('requires due_date not before start_date; the same day as plain dates is fine', () => {
    const { rows, errors } = parseMilestonesCsv(
      csv(HEADER, 'C1,M1,T,,2026-03-01,2026-03-01,A,,,', 'C1,M2,T,,2026-03-02,2026-03-01,A,,,', 'C1,M3,T,,2026-03-01T12:00:00Z,2026-03-01T11:59:59Z,A,,,'),
    );
    expect(rows.map((row) => row.externalId)).toEqual(['M1']);
    expect(errors.map(({ line, field }) => [line, field])).toEqual([
      [3, 'due_date'],
      [4, 'due_date'],
    ]);
  });

  it('reports a duplicate external_id within a commitment on the later line only', () => {
    const { rows, errors } = parseMilestonesCsv(
      csv(HEADER, 'C1,M1,A,,2026-01-01,2026-02-01,A,,,', 'C2,M1,B,,2026-01-01,2026-02-01,A,,,', 'C1,M1,C,,2026-01-01,2026-02-01,A,,,'),
    );
    expect(rows.map((row) => row.title)).toEqual(['A', 'B']);
    expect(errors).toEqual([{ line: 4, field: 'external_id', message: 'external_id "M1" is already used on line 2 for commitment "C1"' }]);
  });

  it('accepts the verifiable spellings, case-insensitively', () => {
    const values = ['YES', 'True', 'SÍ', 'Si', 'no', 'FALSE'];
    const { rows, errors } = parseMilestonesCsv(csv(HEADER, ...values.map((v, i) => `C1,M${i},T,,2026-01-01,2026-02-01,A,,${v},`)));
    expect(errors).toEqual([]);
    expect(rows.map((row) => row.verifiable)).toEqual([true, true, true, true, false, false]);
  });

  it('reports values in columns the header does not name', () => {
    const { rows, errors } = parseMilestonesCsv(csv(HEADER, 'C1,M1,T,,2026-01-01,2026-02-01,A,,,,extra', 'C1,M2,T,,2026-01-01,2026-02-01,A,,,,'));
    expect(rows.map((row) => row.externalId)).toEqual(['M2']);
    expect(errors).toEqual([{ line: 2, field: 'file', message: 'Value "extra" is in column 11, but the header has 10 columns' }]);
  });

  describe('file-level problems', () => {
    it.each(['', '   \n\n', '\uFEFF', ',,,\n'])('an empty file (%j)', (text) => {
      expect(parseMilestonesCsv(text)).toEqual({ rows: [], errors: [{ line: 1, field: 'file', message: 'The file is empty' }] });
    });

    it('a file without a header row', () => {
      const { rows, errors } = parseMilestonesCsv(csv('C1,M1,T,,2026-01-01,2026-02-01,A,,,'));
      expect(rows).toEqual([]);
      expect(errors).toEqual([{ line: 1, field: 'file', message: expect.stringContaining('header row') }]);
    });

    it('unknown columns, named in one error, and missing required columns', () => {
      const { rows, errors } = parseMilestonesCsv(csv('commitment_external_id,external_id,Title,Owner,Budget', 'C1,M1,T,x,y'));
      expect(rows).toEqual([]);
      expect(errors).toEqual([
        { line: 1, field: 'file', message: expect.stringMatching(/^Unknown columns: Owner, Budget\./) },
        { line: 1, field: 'start_date', message: 'Required column start_date is missing from the header' },
        { line: 1, field: 'due_date', message: 'Required column due_date is missing from the header' },
        { line: 1, field: 'responsible_agency', message: 'Required column responsible_agency is missing from the header' },
      ]);
    });

    it('a column named twice', () => {
      const { errors } = parseMilestonesCsv(csv(`${HEADER},title`, 'C1,M1,T,,2026-01-01,2026-02-01,A,,,,T'));
      expect(errors).toEqual([{ line: 1, field: 'title', message: 'Column title appears more than once in the header' }]);
    });

    it('unparseable CSV, with the line where parsing failed', () => {
      const { rows, errors } = parseMilestonesCsv(csv(HEADER, 'C1,M1,T,,2026-01-01,2026-02-01,A,,,', 'C1,M2,"unclosed,,2026-01-01'));
      expect(rows).toEqual([]);
      expect(errors).toEqual([{ line: 3, field: 'file', message: expect.stringContaining('not valid CSV') }]);
    });

    it(`more than ${MAX_MILESTONE_CSV_ROWS} data rows`, () => {
      const row = (i: number) => `C1,M${i},T,,2026-01-01,2026-02-01,A,,,`;
      const atLimit = Array.from({ length: MAX_MILESTONE_CSV_ROWS }, (_, i) => row(i));
      expect(parseMilestonesCsv(csv(HEADER, ...atLimit)).rows).toHaveLength(MAX_MILESTONE_CSV_ROWS);

      const { rows, errors } = parseMilestonesCsv(csv(HEADER, ...atLimit, row(MAX_MILESTONE_CSV_ROWS)));
      expect(rows).toEqual([]);
      expect(errors).toEqual([{ line: MAX_MILESTONE_CSV_ROWS + 2, field: 'file', message: expect.stringContaining(`at most ${MAX_MILESTONE_CSV_ROWS}`) }]);
    });
  });
});
