/**
 * Issue #8: as root, embedded PostgreSQL runs as the `postgres` user, who cannot enter a `mktemp -d`
 * folder or a clone under /root. `npm start` from such a place crashed with an unhandled
 * `spawn .../initdb EACCES`. Run as any other user these tests pass too (PostgreSQL then runs as that
 * user, who owns the folders).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../infra/dev-stack/embedded-postgres';
import { freePort } from '../support/free-port';

const REPO = path.resolve(__dirname, '..', '..');
const realpath = (file: string) => {
  try {
    return realpathSync(file);
  } catch {
    return file; // never created
  }
};

describe('embedded PostgreSQL behind a folder only its owner can enter (as root: npm start from /root)', () => {
  let closed: string; // like `mktemp -d`: mode 0700, owned by the user running the tests
  const cleanups: string[] = [];

  beforeEach(() => {
    closed = mkdtempSync(path.join(tmpdir(), 'ogp-pg-closed-'));
    cleanups.push(closed);
  });

  afterEach(() => {
    for (const dir of cleanups.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its data inside the closed folder (or linked from it), answers SELECT 1, stops and starts again on the same data', async () => {
    const dataDir = path.join(closed, 'postgres');
    const port = await freePort();
    const logged: string[] = [];
    const log = (message: string) => logged.push(message);
    const selectOne = async (serverUrl: string) => {
      const client = new Client({ connectionString: `${serverUrl}/postgres` });
      await client.connect();
      const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
      await client.end();
      return rows;
    };

    const first = await startEmbeddedPostgres({ dataDir, port, log });
    cleanups.push(realpath(dataDir)); // as root: the data lives elsewhere, linked from dataDir
    try {
      expect(await selectOne(first.serverUrl)).toEqual([{ one: 1 }]);
      // A failure is one Error saying why and what to do, not a crash: here, the port is taken.
      const otherDir = path.join(closed, 'other');
      await expect(startEmbeddedPostgres({ dataDir: otherDir, port, log })).rejects.toThrow(
        /^Embedded PostgreSQL did not start \(postgres ended with code 1: .*\); set DATABASE_URL to a PostgreSQL server of yours/,
      );
      cleanups.push(realpath(otherDir));
    } finally {
      await first.stop();
    }

    logged.length = 0;
    const second = await startEmbeddedPostgres({ dataDir, port, log });
    try {
      expect(await selectOne(second.serverUrl)).toEqual([{ one: 1 }]);
      expect(second.dataDir).toBe(first.dataDir);
      expect(logged.filter((line) => line.startsWith('Initialising'))).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('starts from a repository reached through the closed folder, as a clone under /root is', async () => {
    // The PostgreSQL binaries sit in the repository's node_modules; --preserve-symlinks keeps every
    // path going through the closed folder, as they do in a real clone under /root.
    symlinkSync(REPO, path.join(closed, 'repo'));
    const repo = path.join(closed, 'repo');
    const dataDir = path.join(closed, 'data');
    const child = spawn(
      process.execPath,
      ['--preserve-symlinks', '--preserve-symlinks-main', '--import', 'tsx', path.join(repo, 'test/support/embedded-postgres-probe.ts'), dataDir, String(await freePort())],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    cleanups.push(realpath(dataDir));

    expect(code === 0 ? stdout.trim() : `exit code ${code}:\n${stdout}${stderr}`).toBe('{"one":1}');
  }, 120_000);
});
