import { misdecodedText } from './text-encoding';

/** What the body parser makes of these bytes when no charset is declared. */
const asUtf8 = (bytes: Buffer) => bytes.toString('utf8');

describe('misdecodedText', () => {
  it('passes UTF-8 text, accents and all', () => {
    expect(misdecodedText('title\nParticipación ciudadana\n')).toBeNull();
  });

  it('names the first line with bytes that are not UTF-8 (Latin-1)', () => {
    const found = misdecodedText(asUtf8(Buffer.from('title\nfine\nParticipación\n', 'latin1')));
    expect(found).toEqual({ line: 3, message: expect.stringMatching(/^Line 3 has bytes that are not UTF-8.*Latin-1.*charset=windows-1252/) });
  });

  it.each([
    ['UTF-16 LE with a BOM', Buffer.from('\uFEFFtitle,due\n', 'utf16le')],
    ['UTF-16 BE with a BOM', Buffer.from('\uFEFFtitle,due\n', 'utf16le').swap16()],
    ['UTF-16 LE without a BOM', Buffer.from('title,due\n', 'utf16le')],
    ['UTF-16 BE without a BOM', Buffer.from('title,due\n', 'utf16le').swap16()],
  ])('says %s is UTF-16, on line 1', (_what, bytes) => {
    expect(misdecodedText(asUtf8(bytes))).toEqual({ line: 1, message: expect.stringContaining('UTF-16') });
  });
});
