import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface DevSecrets {
  uploadLinkSecret: string;
  adminToken: string;
}

/** Secrets for local runs: generated once into the data directory so links and tokens survive restarts. */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, 'dev-secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>) : {};
  if (stored.uploadLinkSecret && stored.adminToken) return stored as DevSecrets;
  mkdirSync(dataDir, { recursive: true });
  const secrets = { uploadLinkSecret: stored.uploadLinkSecret ?? randomBytes(32).toString('base64url'), adminToken: randomBytes(24).toString('base64url') };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
