/**
 * Issue #12, faults: PostgreSQL restarted mid-run, under writes. This file runs an embedded
 * PostgreSQL of its own (free port, data in a temporary folder) for its API and worker: the
 * machine's server, which the other tests use, is never touched.
 * Shown: every write answered 2xx before the stop is there after the restart; requests during the
 * outage (and those cut by the stop) answer 503 problem+json with Retry-After, never 500; /health
 * says the database is down; the evidence request that fell due during the outage is sent once,
 * after it (the activity retries); the API and the worker reconnect by themselves.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EmbeddedDatabase, ensureDatabase, startEmbeddedPostgres } from '../../infra/dev-stack/embedded-postgres';
import { dataSourceOptions } from '../../libs/persistence/src/data-source-options';
import { createMilestone, createPlanFixture, eventually, secondsPolicy } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { startTestSystem, TestSystem } from '../support/test-system';

jest.setTimeout(240_000);

describe('PostgreSQL restarted mid-run', () => {
  let dir: string;
  let dataDir: string;
  let port: number;
  let pg: EmbeddedDatabase | undefined;
  let databaseUrl: string;
  let system: TestSystem;
  const log = (message: string) => process.stdout.write(`[postgres-restart] ${message}\n`);

  const startPostgres = async () => {
    pg = await startEmbeddedPostgres({ dataDir, port, log });
  };
  const stopPostgres = async () => {
    const running = pg;
    pg = undefined;
    await running?.stop();
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ogp-fault-pg-'));
    dataDir = path.join(dir, 'postgres');
    port = await freePort();
    await startPostgres();
    await ensureDatabase(pg!.serverUrl, 'ogp_fault');
    databaseUrl = `${pg!.serverUrl}/ogp_fault`;
    const migrations = await new DataSource(dataSourceOptions(databaseUrl)).initialize();
    await migrations.runMigrations();
    await migrations.destroy();
    system = await startTestSystem({ config: { databaseUrl } });
  });

  afterAll(async () => {
    await system?.close();
    const realDataDir = pg?.dataDir;
    await stopPostgres();
    // As root the data lives under /var/lib/ogp-monitor, linked from dataDir: remove both.
    for (const folder of [realDataDir ?? realpathOr(dataDir), dir]) if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const newAgency = (fixture: { jurisdictionId: string; coordinator: { Authorization: string } }, n: number) =>
    system
      .http()
      .post(`/jurisdictions/${fixture.jurisdictionId}/agencies`)
      .set(fixture.coordinator)
      .send({ name: `Agency ${n}`, contacts: [{ name: 'Referent', email: `agency-${n}@test.example` }], language: 'en' })
      .then((r) => ({ n, status: r.status, id: r.body?.id as string | undefined, type: String(r.headers['content-type']), retryAfter: r.headers['retry-after'] as string | undefined }));
  const expectUnavailable = (r: { status: number; type: string; retryAfter?: string }) =>
    expect({ status: r.status, type: r.type, retryAfter: r.retryAfter }).toEqual({ status: 503, type: expect.stringContaining('application/problem+json'), retryAfter: expect.stringMatching(/^\d+$/) });

  it('keeps every acknowledged write, answers 503 during the outage, sends the email that fell due once afterwards, and reconnects by itself', async () => {
    // The evidence request falls due 10 s after the milestone is created: inside the outage.
    const fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 600, reminderIntervalSeconds: 3600, maxReminders: 0, escalationGraceSeconds: 3600 }) });
    const milestone = await createMilestone(system, fixture, 610, 'Open contracting data');
    const createdAt = Date.now();

    // Writes in flight while PostgreSQL stops: 4 at a time, the stop after the 12th answer.
    const answers: Awaited<ReturnType<typeof newAgency>>[] = [];
    let next = 0;
    let stopping: Promise<void> | undefined;
    const lane = async () => {
      while (next < 40) {
        const answer = await newAgency(fixture, next++);
        answers.push(answer);
        if (answers.length === 12) stopping = stopPostgres();
      }
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
    await stopping;
    const stoppedAt = Date.now();
    const acknowledged = answers.filter((a) => a.status >= 200 && a.status < 300);
    const refused = answers.filter((a) => !(a.status >= 200 && a.status < 300));
    log(`${acknowledged.length} writes acknowledged, ${refused.length} refused (${[...new Set(refused.map((a) => a.status))].join(', ')}) around the stop`);
    expect(acknowledged.length).toBeGreaterThanOrEqual(12);
    for (const answer of refused) expectUnavailable(answer);

    // During the outage: 503 problem+json for reads and writes alike, /health names the database.
    expectUnavailable(await newAgency(fixture, 100));
    const read = await system.http().get(`/plans/${fixture.planId}`).set(fixture.coordinator);
    expectUnavailable({ status: read.status, type: String(read.headers['content-type']), retryAfter: read.headers['retry-after'] });
    const health = await system.http().get('/health');
    expect(health.status).toBe(503);
    expect(health.body.errors).toEqual([{ field: 'database', message: expect.any(String) }]);

    // Stay down past the evidence request's time; nothing can have been sent without the outbox.
    await sleep(Math.max(0, createdAt + 16_000 - Date.now()));
    expect(system.mail.to(fixture.agencyEmail)).toHaveLength(0);
    await startPostgres();
    const restartedAt = Date.now();
    log(`PostgreSQL down for ${restartedAt - stoppedAt} ms`);

    // The API reconnects by itself: a write passes again, without restarting anything.
    const again = await eventually(() => newAgency(fixture, 200), (a) => a.status === 201, { timeoutMs: 30_000, description: 'a write to pass after the restart' });
    const writableAfterMs = Date.now() - restartedAt;
    await eventually(() => system.http().get('/health'), (r) => r.status === 200, { timeoutMs: 30_000, description: '/health to be ok again' });

    // Every acknowledged write is there.
    const check = new Client({ connectionString: databaseUrl });
    await check.connect();
    try {
      const { rows } = await check.query<{ id: string }>('SELECT id FROM agency WHERE jurisdiction_id = $1', [fixture.jurisdictionId]);
      const stored = new Set(rows.map((r) => r.id));
      expect(acknowledged.filter((a) => !stored.has(a.id!)).map((a) => a.n)).toEqual([]);
      expect(stored.has(again.id!)).toBe(true);
    } finally {
      await check.end();
    }

    // The worker reconnects too: the evidence request due during the outage goes out once.
    const request = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail), 90_000);
    const mailedAfterMs = Date.now() - restartedAt;
    expect(request.parsed.subject).toBe('Evidence requested: Open contracting data');
    await eventually(() => system.http().get(`/milestones/${milestone.id}`).set(fixture.coordinator), (r) => r.body.status === 'evidence_requested', { timeoutMs: 30_000, description: 'the milestone to wait for evidence' });
    await sleep(5_000);
    expect(system.mail.to(fixture.agencyEmail).map((m) => m.parsed.subject)).toEqual(['Evidence requested: Open contracting data']);
    log(`writes pass ${writableAfterMs} ms after the restart; evidence request mailed ${mailedAfterMs} ms after`);
  });
});

function realpathOr(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}
