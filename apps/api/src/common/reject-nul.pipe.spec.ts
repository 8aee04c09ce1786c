import { ProblemException } from './problem-details.filter';
import { MAX_BODY_DEPTH, RejectNulPipe } from './reject-nul.pipe';

/** What the pipe answers for a body: 'ok', or the fields its 400 names. */
function refusal(value: unknown): 'ok' | string[] {
  try {
    new RejectNulPipe().transform(value, { type: 'body' });
    return 'ok';
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    return (error.getResponse() as { errors: { field: string }[] }).errors.map((e) => e.field);
  }
}

const nested = (depth: number): unknown => Array.from({ length: depth }).reduce<unknown>((inner) => ({ a: inner }), 1);

describe('RejectNulPipe', () => {
  it('names the field holding a NUL or a lone surrogate, and lets paired surrogates (emoji) through', () => {
    expect(refusal({ contacts: [{ name: 'a\u0000b' }] })).toEqual(['contacts.0.name']);
    expect(refusal({ email: 'x\udfff' })).toEqual(['email']);
    expect(refusal({ links: ['\ud800'] })).toEqual(['links']);
    expect(refusal({ narrative: 'Publicado 😀 ✓' })).toBe('ok');
  });

  it(`refuses bodies nested deeper than ${MAX_BODY_DEPTH} levels (class-transformer overflowed the stack on 1 500)`, () => {
    expect(refusal(nested(MAX_BODY_DEPTH))).toBe('ok');
    expect(refusal(nested(MAX_BODY_DEPTH + 1))).toEqual([Array.from({ length: MAX_BODY_DEPTH }, () => 'a').join('.')]);
    expect(refusal(JSON.parse(`${'['.repeat(1_500)}1${']'.repeat(1_500)}`))).not.toBe('ok');
  });

  it('refuses a list directly inside a list, naming it', () => {
    expect(refusal({ items: [[]] })).toEqual(['items.0']);
    expect(refusal({ items: [{ links: [] }], sdgTags: [16] })).toBe('ok');
  });
});
