import { escapeFormulaCell, FORMULA_TRIGGERS } from './csv-cells';

describe('escapeFormulaCell', () => {
  it.each(['=SUM(A1:A2)', '+1', '-5 days', '@cmd', '\tx', '\rx', '＝1'])('puts an apostrophe before %p', (value) => {
    expect(escapeFormulaCell(value)).toBe(`'${value}`);
  });

  it.each(['', 'Plan 2027', '1.5', "'quoted", ' =not first', 'a=b'])('leaves %p as it is', (value) => {
    expect(escapeFormulaCell(value)).toBe(value);
  });

  it("covers OWASP's list of formula triggers", () => {
    expect(FORMULA_TRIGGERS).toEqual(expect.arrayContaining(['=', '+', '-', '@', '\t', '\r']));
  });
});
