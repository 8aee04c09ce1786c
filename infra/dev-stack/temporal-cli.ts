import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const GO_PACKAGE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;

/** Where a built Temporal CLI is kept: outside the work tree, so clean clones reuse it. */
export function cachedTemporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache');
  return path.join(cacheRoot, 'ogp-monitor', `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

export type TemporalCliSource =
  | { kind: 'path'; path: string; origin: 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'built' }
  | { kind: 'download' };

export class TemporalCliUnavailableError extends Error {}

/**
 * Finds the Temporal CLI: TEMPORAL_CLI_PATH, then `temporal` on PATH, then the cached build, then
 * builds it once with Go into the cache. With none of these, the SDK's download is the last resort.
 */
export async function resolveTemporalCli(log: (message: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<TemporalCliSource> {
  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutable(env.TEMPORAL_CLI_PATH)) throw new TemporalCliUnavailableError(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file.`);
    return { kind: 'path', path: env.TEMPORAL_CLI_PATH, origin: 'TEMPORAL_CLI_PATH' };
  }
  const onPath = findOnPath('temporal', env);
  if (onPath) return { kind: 'path', path: onPath, origin: 'PATH' };
  const cached = cachedTemporalCliPath(env);
  if (isExecutable(cached)) return { kind: 'path', path: cached, origin: 'cache' };
  if (findOnPath('go', env)) {
    log(`Building the Temporal CLI v${TEMPORAL_CLI_VERSION} with Go into ${path.dirname(cached)} (once; a few minutes)...`);
    const started = Date.now();
    await promisify(execFile)('go', ['install', GO_PACKAGE], {
      env: { ...env, GOTOOLCHAIN: 'local', GOBIN: path.dirname(cached) },
      maxBuffer: 64 * 1024 * 1024,
    });
    log(`Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s.`);
    return { kind: 'path', path: cached, origin: 'built' };
  }
  return { kind: 'download' };
}

export const INSTALL_HINT =
  'No Temporal server could be started: install Go (1.22 or newer) so the Temporal CLI can be built, or put the `temporal` CLI on PATH or in TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to a running Temporal server.';

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
