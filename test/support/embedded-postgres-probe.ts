/**
 * Child-process probe for test/integration/embedded-postgres-root.int-spec.ts: starts the embedded
 * PostgreSQL in the data directory given as argv[2] on port argv[3], runs `SELECT 1`, stops it and
 * prints one JSON line. Run with the repository reached through a folder the `postgres` user cannot
 * enter, it is `npm start` from a clone under /root.
 */
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../infra/dev-stack/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const db = await startEmbeddedPostgres({ dataDir, port: Number(port), log: (message) => process.stderr.write(`${message}\n`) });
  try {
    const client = new Client({ connectionString: `${db.serverUrl}/postgres` });
    await client.connect();
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    await client.end();
    process.stdout.write(`${JSON.stringify({ one: rows[0].one })}\n`);
  } finally {
    await db.stop();
  }
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
  process.exitCode = 1;
});
