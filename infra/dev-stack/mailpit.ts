/**
 * Mailpit (https://mailpit.axllent.org) as `npm start`'s mail viewer: it shows each email as a mail
 * client renders it (HTML, text, headers, raw source). Found like the Temporal CLI: MAILPIT_PATH, then
 * `mailpit` on PATH, then the cached build, then built once from its Go module into the cache.
 *
 * A plain `go install github.com/axllent/mailpit@v…` gives a server whose web UI is an empty page:
 * the UI's JavaScript and CSS are built with npm and are not in the Go module. So the build takes the
 * module's source (`go mod download`), bundles the UI with npm (its runtime dependencies and its
 * esbuild build tools only), then compiles with CGO_ENABLED=0 (its SQLite driver is modernc's, pure Go).
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

export const MAILPIT_VERSION = '1.33.1';
const GO_MODULE = 'github.com/axllent/mailpit';
/** Mailpit's go.mod asks for this Go; with GOTOOLCHAIN=local an older Go cannot build it. */
const MIN_GO: [number, number] = [1, 26];
/**
 * Mailpit's package.json asks for rapidoc ^12 (its API docs page); the npm registry this project
 * reaches serves 9.3.8 at most, which renders the same page.
 */
const UI_DEPENDENCY_PINS: Record<string, string> = { rapidoc: '9.3.8' };
/** What bundles the UI (esbuild.config.mjs); Mailpit's other dev dependencies lint and test it. */
const UI_BUILD_TOOLS = ['esbuild', 'esbuild-plugin-vue-next', 'esbuild-sass-plugin', '@vue/compiler-sfc'];

const run = promisify(execFile);

/** Where a built Mailpit is kept: outside the work tree, so clean clones reuse it. */
export function cachedMailpitPath(env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache');
  return path.join(cacheRoot, 'ogp-monitor', `mailpit-${MAILPIT_VERSION}`, 'mailpit');
}

export interface MailpitBinary {
  path: string;
  origin: 'MAILPIT_PATH' | 'PATH' | 'cache' | 'built';
}

export class MailpitUnavailableError extends Error {}

/** MAILPIT_PATH, `mailpit` on PATH or the cached build; null when none (nothing is built). */
export function findMailpit(env: NodeJS.ProcessEnv = process.env): MailpitBinary | null {
  if (env.MAILPIT_PATH) {
    if (!isExecutable(env.MAILPIT_PATH)) throw new MailpitUnavailableError(`MAILPIT_PATH=${env.MAILPIT_PATH} is not an executable file.`);
    return { path: env.MAILPIT_PATH, origin: 'MAILPIT_PATH' };
  }
  const onPath = findOnPath('mailpit', env);
  if (onPath) return { path: onPath, origin: 'PATH' };
  const cached = cachedMailpitPath(env);
  if (isExecutable(cached)) return { path: cached, origin: 'cache' };
  return null;
}

/**
 * Finds Mailpit, or builds it once into the cache when Go (1.26 or newer) and npm are here. Null, with
 * the reason, when it is neither found nor buildable: the caller then uses the built-in mail sink.
 */
export async function resolveMailpit(log: (message: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<MailpitBinary | { unavailable: string }> {
  const found = findMailpit(env);
  if (found) return found;
  const go = findOnPath('go', env);
  if (!go) return { unavailable: 'Go is not installed, so Mailpit cannot be built' };
  const goVersion = await run(go, ['env', 'GOVERSION'], { env: { ...env, GOTOOLCHAIN: 'local' } }).then(
    (out) => out.stdout.trim(),
    () => '',
  );
  const [major, minor] = (/^go(\d+)\.(\d+)/.exec(goVersion) ?? []).slice(1).map(Number);
  if (!(major > MIN_GO[0] || (major === MIN_GO[0] && minor >= MIN_GO[1]))) {
    return { unavailable: `Mailpit v${MAILPIT_VERSION} needs Go ${MIN_GO.join('.')} or newer to build, found ${goVersion || 'an unknown version'}` };
  }
  const target = cachedMailpitPath(env);
  log(`Building Mailpit v${MAILPIT_VERSION} (its web UI with npm, then the server with Go) into ${path.dirname(target)} (once; 3 to 6 minutes)...`);
  const started = Date.now();
  try {
    await buildMailpit(target, env);
  } catch (error) {
    return { unavailable: `building Mailpit failed: ${firstLine(error)}` };
  }
  log(`Built Mailpit in ${Math.round((Date.now() - started) / 1000)} s.`);
  return { path: target, origin: 'built' };
}

/** Builds Mailpit with its web UI into `target`, which appears only once the build is complete. */
export async function buildMailpit(target: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cacheDir = path.dirname(target);
  mkdirSync(cacheDir, { recursive: true });
  for (const stale of readdirSync(cacheDir).filter((name) => name.startsWith('build-'))) rmSync(path.join(cacheDir, stale), { recursive: true, force: true }); // an interrupted build
  const work = mkdtempSync(path.join(cacheDir, 'build-'));
  const goEnv = { ...env, GOTOOLCHAIN: 'local', GOWORK: 'off', CGO_ENABLED: '0' };
  const options = { maxBuffer: 64 * 1024 * 1024 };
  try {
    const downloaded = await run('go', ['mod', 'download', '-json', `${GO_MODULE}@v${MAILPIT_VERSION}`], { ...options, cwd: work, env: goEnv });
    const moduleDir = (JSON.parse(downloaded.stdout) as { Dir: string }).Dir;
    const src = path.join(work, 'src');
    cpSync(moduleDir, src, { recursive: true });
    makeWritable(src); // the module cache is read-only

    const packageFile = path.join(src, 'package.json');
    const pkg = JSON.parse(readFileSync(packageFile, 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; overrides?: unknown };
    pkg.dependencies = { ...pkg.dependencies, ...UI_DEPENDENCY_PINS };
    pkg.devDependencies = Object.fromEntries(Object.entries(pkg.devDependencies).filter(([name]) => UI_BUILD_TOOLS.includes(name)));
    delete pkg.overrides;
    writeFileSync(packageFile, JSON.stringify(pkg, null, 2));
    rmSync(path.join(src, 'package-lock.json'), { force: true });
    // No install scripts; no sass-embedded peer (a native binary): esbuild-sass-plugin then uses `sass`.
    await run('npm', ['install', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], { ...options, cwd: src, env });
    await run(process.execPath, ['esbuild.config.mjs'], { ...options, cwd: src, env: { ...env, MINIFY: 'true' } });
    if (!existsSync(path.join(src, 'server', 'ui', 'dist', 'app.js'))) throw new Error('the web UI bundle (server/ui/dist/app.js) was not produced');

    const binary = path.join(work, 'mailpit');
    await run('go', ['build', '-trimpath', '-buildvcs=false', '-ldflags', `-s -w -X ${GO_MODULE}/config.Version=v${MAILPIT_VERSION}`, '-o', binary, '.'], { ...options, cwd: src, env: goEnv });
    renameSync(binary, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface MailpitServer {
  smtpUrl: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export interface MailpitOptions {
  binary: string;
  smtpPort: number;
  uiPort: number;
  /** SQLite file that keeps the mail across restarts. */
  databaseFile: string;
  host?: string;
  timeoutMs?: number;
}

/**
 * Starts Mailpit on loopback and resolves once both its HTTP API and its SMTP port answer. Any SMTP
 * credentials are accepted (SMTP_URL may carry some), none are needed.
 */
export async function startMailpit(options: MailpitOptions): Promise<MailpitServer> {
  const host = options.host ?? '127.0.0.1';
  const uiUrl = `http://${host}:${options.uiPort}`;
  const failure = (reason: string) =>
    new MailpitUnavailableError(
      `Mailpit did not start on ${host}:${options.smtpPort} (SMTP) and ${host}:${options.uiPort} (web UI) (${reason}); free those ports or set MAIL_SINK_SMTP_PORT and MAIL_VIEWER_PORT to free ones, or SMTP_URL to a mail server of yours.`,
    );
  // A port already taken would be answered by its owner, which could pass for Mailpit being ready.
  for (const port of [options.smtpPort, options.uiPort]) if (await canConnect(host, port)) throw failure(`${host}:${port} is already in use`);
  mkdirSync(path.dirname(options.databaseFile), { recursive: true });
  const output: string[] = [];
  // Its own process group: Ctrl-C in the terminal reaches `npm start`, which stops Mailpit after
  // the API and the worker have drained (they may still be sending).
  const child: ChildProcess = spawn(
    options.binary,
    [
      '--smtp', `${host}:${options.smtpPort}`,
      '--listen', `${host}:${options.uiPort}`,
      '--database', options.databaseFile,
      '--smtp-auth-accept-any',
      '--smtp-auth-allow-insecure',
      '--smtp-disable-rdns',
      '--disable-version-check',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 20));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      exited = String(error);
      resolve();
    });
    child.once('exit', (code, signal) => {
      exited = `it ended with ${signal ?? `code ${code}`}`;
      resolve();
    });
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (exited === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last = 'no answer yet';
  for (;;) {
    if (exited !== null) break;
    try {
      const response = await fetch(`${uiUrl}/api/v1/info`);
      const info = response.ok ? ((await response.json()) as { Database?: string }) : null;
      // Another Mailpit already on this port would answer too: it must be ours, with our database.
      if (info && path.resolve(info.Database ?? '') !== path.resolve(options.databaseFile)) last = `${uiUrl} is another Mailpit (database ${info.Database})`;
      else if (info && (await canConnect(host, options.smtpPort))) return { smtpUrl: `smtp://${host}:${options.smtpPort}`, uiUrl, stop };
      else last = info ? `its SMTP port ${options.smtpPort} does not answer` : `${uiUrl}/api/v1/info answered ${response.status}`;
    } catch (error) {
      last = firstLine(error);
    }
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw failure(exited !== null ? `${exited}: ${output.slice(-3).join(' / ') || 'no output'}` : last);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function makeWritable(dir: string): void {
  chmodSync(dir, statSync(dir).mode | 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else if (entry.isFile()) chmodSync(full, statSync(full).mode | 0o200);
  }
}

/** The gist of a failed command: its first lines of stderr without progress and log-file notes. */
function firstLine(error: unknown): string {
  const failed = error as { stderr?: string; message?: string };
  const lines = (failed.stderr?.trim() || failed.message || String(error))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^go: downloading |complete log of this run|^npm error\s*$/.test(line));
  return lines.slice(0, 2).join(' ') || String(error);
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(file: string): boolean {
  if (!existsSync(file) || !statSync(file).isFile()) return false;
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
