import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring upload links. A token names one evidence request and its expiry and carries an
 * HMAC-SHA256 of both, so the API can trust it without a session. Revoking a link means closing
 * its request: the API checks the request is still open after checking the signature.
 */
export interface UploadLinkClaims {
  evidenceRequestId: string;
  expiresAt: Date;
}

export type UploadLinkCheck =
  | { valid: true; claims: UploadLinkClaims }
  | { valid: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const VERSION = 'v1';

export function signUploadLink(claims: UploadLinkClaims, secret: string): string {
  const payload = Buffer.from(`${VERSION}.${claims.evidenceRequestId}.${claims.expiresAt.getTime()}`).toString('base64url');
  return `${payload}.${mac(payload, secret)}`;
}

export function verifyUploadLink(token: string, secret: string, now: Date = new Date()): UploadLinkCheck {
  if (token.length > 512) return { valid: false, reason: 'malformed' };
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(mac(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { valid: false, reason: 'bad_signature' };
  const [version, evidenceRequestId, expiresAtMs] = Buffer.from(payload, 'base64url').toString('utf8').split('.');
  const expiresAt = new Date(Number(expiresAtMs));
  if (version !== VERSION || !evidenceRequestId || Number.isNaN(expiresAt.getTime())) return { valid: false, reason: 'malformed' };
  if (expiresAt.getTime() <= now.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, claims: { evidenceRequestId, expiresAt } };
}

function mac(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}
