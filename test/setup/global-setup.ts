/**
 * Starts the servers the integration and e2e tiers share, once per `jest` run: one Temporal dev
 * server (in memory, free port) and one fresh PostgreSQL database with the migrations applied
 * (on DATABASE_URL's server when set, else on an embedded PostgreSQL in a temporary directory).
 * It also bundles the workflow code once, from the current sources (test/support/workflow-bundle.ts).
 * Workers read the addresses and the bundle's path from environment variables set here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import 'reflect-metadata';
import { Runtime } from '@temporalio/worker';
import { DataSource } from 'typeorm';
import { ensureDatabase, startEmbeddedPostgres } from '../../infra/dev-stack/embedded-postgres';
import { startTemporalDevServer } from '../../infra/dev-stack/temporal-dev-server';
import { dataSourceOptions } from '../../libs/persistence/src/data-source-options';
import { freePort } from '../support/free-port';
import { bundleWorkflowsForRun, TEST_WORKFLOW_BUNDLE_ENV } from '../support/workflow-bundle';
import { TEST_STACK, TestStackHandle } from './test-stack-handle';

interface GlobalConfigLike {
  selectProjects?: string[];
}

export default async function globalSetup(globalConfig: GlobalConfigLike): Promise<void> {
  const selected = globalConfig.selectProjects;
  if (selected && selected.every((name) => name === 'unit')) return; // unit tests need no servers

  const log = (message: string) => process.stdout.write(`[test-setup] ${message}\n`);
  const started = Date.now();
  Runtime.install({ shutdownSignals: [] });
  const handle: TestStackHandle = { stops: [] };
  (globalThis as Record<symbol, unknown>)[TEST_STACK] = handle;
  // Bundled while the servers start; awaited below (a failure there is reported there).
  const bundling = bundleWorkflowsForRun();
  handle.stops.push(() => bundling.then((bundle) => bundle.remove(), () => undefined));

  const temporal = await startTemporalDevServer({ log });
  handle.stops.push(() => temporal.stop());
  process.env.TEST_TEMPORAL_ADDRESS = temporal.address;

  let serverUrl: string;
  if (process.env.DATABASE_URL) {
    serverUrl = serverUrlOf(process.env.DATABASE_URL);
  } else {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ogp-monitor-test-pg-'));
    const db = await startEmbeddedPostgres({ dataDir, port: await freePort(), log });
    handle.stops.push(async () => {
      await db.stop();
      // As root the data may live under /var/lib/ogp-monitor, linked from dataDir: remove both.
      for (const dir of [db.dataDir, dataDir]) rmSync(dir, { recursive: true, force: true });
    });
    serverUrl = db.serverUrl;
  }
  const database = `ogp_test_${process.pid}_${Date.now()}`;
  await ensureDatabase(serverUrl, database);
  handle.database = { serverUrl, name: database };
  process.env.TEST_DATABASE_URL = `${serverUrl}/${database}`;

  const dataSource = await new DataSource(dataSourceOptions(process.env.TEST_DATABASE_URL)).initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  const bundle = await bundling;
  process.env[TEST_WORKFLOW_BUNDLE_ENV] = bundle.codePath;
  log(`Temporal at ${temporal.address}, database ${database}, workflow bundle (${Math.round(bundle.bytes / 1024)} KB) in ${bundle.tookMs} ms, ready in ${Date.now() - started} ms`);
}

/** The server part of a PostgreSQL URL (no database), keeping credentials and query. */
function serverUrlOf(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '';
  return url.toString().replace(/\/$/, '');
}
