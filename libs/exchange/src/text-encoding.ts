/**
 * Imports arrive as text the body parser decoded, as UTF-8 unless the request's Content-Type named
 * another charset. A file saved in another encoding and sent without its charset comes out with
 * U+FFFD (REPLACEMENT CHARACTER) where its bytes were not UTF-8, or with NULs between the letters
 * (UTF-16): imported as it is, every accented name would be stored broken. These name the problem
 * instead, where it is, with the way out (save as UTF-8, or declare the charset).
 */

/** Where (line, 1-based) and why a decoded import text is not what its author wrote, or null when it reads as UTF-8. */
export function misdecodedText(text: string): { line: number; message: string } | null {
  // FF FE or FE FF (the UTF-16 byte order marks) decoded as UTF-8; or ASCII with NULs between the letters.
  if (text.startsWith('\uFFFD\uFFFD') || /^(?:[^\n]\u0000){2}|^(?:\u0000[^\n]){2}/.test(text)) {
    return { line: 1, message: 'The file is UTF-16 text: save it as UTF-8 (in a spreadsheet, "CSV UTF-8"), or send it with Content-Type: text/csv; charset=utf-16le (or utf-16be)' };
  }
  const at = text.indexOf('\uFFFD');
  if (at === -1) return null;
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return {
    line,
    message: `Line ${line} has bytes that are not UTF-8 (the file looks like Latin-1 or Windows-1252): save it as UTF-8 (in a spreadsheet, "CSV UTF-8"), or send it with Content-Type: text/csv; charset=windows-1252`,
  };
}
