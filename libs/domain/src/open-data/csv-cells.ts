/**
 * Characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as a formula
 * or a command when it is the first one: `=`, `+`, `-`, `@`, tab and carriage return (OWASP's CSV
 * injection list), and the full-width `＝ ＋ － ＠` that some spreadsheets treat alike.
 */
export const FORMULA_TRIGGERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'];

/**
 * A text cell as every CSV of this system writes it: a cell that starts like a formula gets a
 * leading apostrophe, which spreadsheets show as text and never evaluate (`=SUM(A1)` → `'=SUM(A1)`,
 * `-5 days` → `'-5 days`). Other cells are unchanged. Quoting of delimiters and quotes is the CSV
 * writer's job; this is the one rule about formulas (libs/exchange and the open data use it).
 */
export function escapeFormulaCell(value: string): string {
  return value.length > 0 && FORMULA_TRIGGERS.includes(value[0]) ? `'${value}` : value;
}
