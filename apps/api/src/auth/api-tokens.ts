import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'ogp_';

/** A new bearer token: shown to its owner once, stored only as its hash. */
export function newApiToken(): { token: string; hash: string } {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashApiToken(token) };
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
