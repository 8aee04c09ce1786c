import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed links in subscribers' emails. A token names one subscriber and what it is for: `confirm`
 * (the double opt-in link, expiring) or `manage` (preferences and unsubscribe, without expiry, so
 * the link in any old email still works). It carries an HMAC-SHA256 under a key derived from the
 * secret for this use alone, so an upload link signed with the same secret is never a subscriber token.
 */
export type SubscriberTokenPurpose = 'confirm' | 'manage';

export interface SubscriberTokenClaims {
  subscriberId: string;
  purpose: SubscriberTokenPurpose;
  /** null: the token does not expire. */
  expiresAt: Date | null;
}

export type SubscriberTokenCheck =
  | { valid: true; claims: SubscriberTokenClaims }
  | { valid: false; reason: 'malformed' | 'bad_signature' | 'wrong_purpose' | 'expired' };

export interface SubscriberLinks {
  confirmUrl: string;
  preferencesUrl: string;
  /** The RFC 8058 one-click target too: GET shows a page with a button, POST unsubscribes. */
  unsubscribeUrl: string;
}

const VERSION = 's1';
const PURPOSES: readonly SubscriberTokenPurpose[] = ['confirm', 'manage'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function signSubscriberToken(claims: SubscriberTokenClaims, secret: string): string {
  const expires = claims.expiresAt === null ? '0' : String(claims.expiresAt.getTime());
  const payload = Buffer.from(`${VERSION}.${claims.purpose}.${claims.subscriberId}.${expires}`).toString('base64url');
  return `${payload}.${mac(payload, secret)}`;
}

export function verifySubscriberToken(token: string, secret: string, purpose: SubscriberTokenPurpose, now: Date = new Date()): SubscriberTokenCheck {
  if (token.length > 512) return { valid: false, reason: 'malformed' };
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(mac(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { valid: false, reason: 'bad_signature' };
  const [version, givenPurpose, subscriberId, expiresMs, ...more] = Buffer.from(payload, 'base64url').toString('utf8').split('.');
  if (version !== VERSION || more.length > 0 || !UUID.test(subscriberId ?? '') || !/^\d+$/.test(expiresMs ?? '')) return { valid: false, reason: 'malformed' };
  if (!PURPOSES.includes(givenPurpose as SubscriberTokenPurpose)) return { valid: false, reason: 'malformed' };
  if (givenPurpose !== purpose) return { valid: false, reason: 'wrong_purpose' };
  const expiresAt = expiresMs === '0' ? null : new Date(Number(expiresMs));
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, claims: { subscriberId: subscriberId!, purpose, expiresAt } };
}

/**
 * The links every subscriber email carries. `confirmExpiresAt` bounds the confirmation link (the
 * subscriber row's `confirm_expires_at` is checked too, so null is safe where no confirmation is meant);
 * preferences and unsubscribe use non-expiring `manage` tokens.
 */
export function subscriberLinks(publicBaseUrl: string, subscriberId: string, secret: string, confirmExpiresAt: Date | null): SubscriberLinks {
  const base = publicBaseUrl.replace(/\/$/, '');
  const confirm = signSubscriberToken({ subscriberId, purpose: 'confirm', expiresAt: confirmExpiresAt }, secret);
  const manage = signSubscriberToken({ subscriberId, purpose: 'manage', expiresAt: null }, secret);
  return {
    confirmUrl: `${base}/subscriptions/confirm/${confirm}`,
    preferencesUrl: `${base}/subscriptions/manage/${manage}`,
    unsubscribeUrl: `${base}/subscriptions/unsubscribe/${manage}`,
  };
}

function mac(payload: string, secret: string): string {
  const key = createHmac('sha256', secret).update('ogp-monitor/subscriber-link').digest();
  return createHmac('sha256', key).update(payload).digest('base64url');
}
