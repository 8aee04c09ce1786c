import { signUploadLink } from './upload-link';
import { signSubscriberToken, subscriberLinks, verifySubscriberToken } from './subscriber-token';

const SECRET = 'a-secret-of-sixteen-chars';
const ID = '3f1c1a52-8d2e-4b8e-9a57-0c7c2b9d3e11';
const NOW = new Date('2025-03-01T10:00:00Z');

describe('subscriber tokens', () => {
  it('verifies a confirm token until it expires', () => {
    const token = signSubscriberToken({ subscriberId: ID, purpose: 'confirm', expiresAt: new Date('2025-03-03T10:00:00Z') }, SECRET);
    expect(verifySubscriberToken(token, SECRET, 'confirm', NOW)).toEqual({ valid: true, claims: { subscriberId: ID, purpose: 'confirm', expiresAt: new Date('2025-03-03T10:00:00Z') } });
    expect(verifySubscriberToken(token, SECRET, 'confirm', new Date('2025-03-03T10:00:00Z'))).toEqual({ valid: false, reason: 'expired' });
  });

  it('keeps manage tokens valid without expiry', () => {
    const token = signSubscriberToken({ subscriberId: ID, purpose: 'manage', expiresAt: null }, SECRET);
    expect(verifySubscriberToken(token, SECRET, 'manage', new Date('2099-01-01T00:00:00Z'))).toEqual({ valid: true, claims: { subscriberId: ID, purpose: 'manage', expiresAt: null } });
  });

  it('refuses a token for another purpose, another secret, a tampered one or an upload link', () => {
    const manage = signSubscriberToken({ subscriberId: ID, purpose: 'manage', expiresAt: null }, SECRET);
    expect(verifySubscriberToken(manage, SECRET, 'confirm', NOW)).toEqual({ valid: false, reason: 'wrong_purpose' });
    expect(verifySubscriberToken(manage, 'another-secret-sixteen', 'manage', NOW)).toEqual({ valid: false, reason: 'bad_signature' });
    expect(verifySubscriberToken(`${manage}x`, SECRET, 'manage', NOW)).toEqual({ valid: false, reason: 'bad_signature' });
    expect(verifySubscriberToken('not-a-token', SECRET, 'manage', NOW)).toEqual({ valid: false, reason: 'malformed' });
    const upload = signUploadLink({ evidenceRequestId: ID, expiresAt: new Date('2099-01-01T00:00:00Z') }, SECRET);
    expect(verifySubscriberToken(upload, SECRET, 'manage', NOW).valid).toBe(false);
  });

  it('builds the confirm, preferences and unsubscribe links', () => {
    const links = subscriberLinks('https://monitor.example/', ID, SECRET, new Date('2025-03-03T10:00:00Z'));
    expect(links.confirmUrl).toMatch(/^https:\/\/monitor\.example\/subscriptions\/confirm\/[\w-]+\.[\w-]+$/);
    expect(links.preferencesUrl).toMatch(/^https:\/\/monitor\.example\/subscriptions\/manage\/[\w-]+\.[\w-]+$/);
    expect(links.unsubscribeUrl).toMatch(/^https:\/\/monitor\.example\/subscriptions\/unsubscribe\/[\w-]+\.[\w-]+$/);
    const manage = links.unsubscribeUrl.split('/').pop()!;
    expect(verifySubscriberToken(manage, SECRET, 'manage', NOW).valid).toBe(true);
  });
});
