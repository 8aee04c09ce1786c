import { signUploadLink, verifyUploadLink } from './upload-link';

const SECRET = 'a-secret-of-enough-length';
const claims = { evidenceRequestId: '6b1d8f0e-1c1a-4f5e-9a43-2b7f7d6c9e10', expiresAt: new Date('2026-12-31T00:00:00Z') };
const before = new Date('2026-12-30T00:00:00Z');

describe('upload links', () => {
  it('verify when untouched and unexpired, giving back the request they are bound to', () => {
    const token = signUploadLink(claims, SECRET);
    expect(verifyUploadLink(token, SECRET, before)).toEqual({ valid: true, claims });
  });

  it('are refused once expired', () => {
    const token = signUploadLink(claims, SECRET);
    expect(verifyUploadLink(token, SECRET, new Date('2026-12-31T00:00:00Z'))).toEqual({ valid: false, reason: 'expired' });
  });

  it('are refused when signed with another secret', () => {
    const token = signUploadLink(claims, 'another-secret-of-enough-length');
    expect(verifyUploadLink(token, SECRET, before)).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it('are refused when the payload is changed to another request or a later expiry', () => {
    const token = signUploadLink(claims, SECRET);
    const [, signature] = token.split('.');
    const forgedPayload = Buffer.from(`v1.${claims.evidenceRequestId}.${new Date('2030-01-01').getTime()}`).toString('base64url');
    expect(verifyUploadLink(`${forgedPayload}.${signature}`, SECRET, before)).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it.each(['', 'abc', 'a.b.c', 'x'.repeat(600)])('are refused when malformed: %p', (token) => {
    expect(verifyUploadLink(token, SECRET, before).valid).toBe(false);
  });
});
