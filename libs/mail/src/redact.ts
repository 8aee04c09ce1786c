/**
 * Email addresses are personal data and never go to a log (issue #10). An SMTP server's answer often
 * quotes the recipient ("550 5.1.1 <ana@example.org>: Recipient address rejected"), so error text is
 * passed through `redactAddresses` before it is logged.
 */

/** The placeholder written where an address was. */
export const REDACTED_ADDRESS = '[address]';

const ATOM_CHAR = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]";
const ATOM = `${ATOM_CHAR}+`;
/**
 * A local part (dot-atoms or a quoted string) starting a token, `@` (or `%40`, URL-encoded), a domain
 * (names, IDN or a [literal]). Anything an address's local part may hold before the `@` goes with it
 * (`/x?email=ana@x` goes whole): too much rather than too little. Matches start only where a
 * token starts, so long text is scanned once.
 */
const ADDRESS = new RegExp(`(?<!${ATOM_CHAR}|\\.)(?:"[^"\\r\\n]*"|${ATOM}(?:\\.${ATOM})*)(?:@|%40)(?:\\[[^\\]\\s]*\\]|[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*)`, 'giu');

/** `text` with every email address in it replaced by `[address]`; the rest (SMTP codes, reasons) is kept. */
export function redactAddresses(text: string): string {
  return text.replace(ADDRESS, REDACTED_ADDRESS);
}
