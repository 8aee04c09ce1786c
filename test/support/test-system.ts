import type { INestApplication } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApp } from '../../apps/api/src/configure-app';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { APP_CONFIG, AppConfig, HOUSEKEEPING_DEFAULTS } from '../../libs/config/src';
import { MailSink } from '../../infra/dev-stack/mail-sink';
import { workflowBundle } from './workflow-bundle';

/** Settings of one test file's system: its own task queue and mail sink, the run's shared servers. */
export function testConfig(smtpUrl: string, overrides: Partial<AppConfig> = {}): AppConfig {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  const temporalAddress = process.env.TEST_TEMPORAL_ADDRESS;
  if (!databaseUrl || !temporalAddress) throw new Error('The test servers are not running: run these tests through jest (global setup starts them).');
  // The worker loads the run's workflow bundle (built once by global setup) instead of bundling again;
  // a test pointing the system at another Temporal server keeps it (overrides.temporal is merged).
  const temporal = { address: temporalAddress, namespace: 'default', taskQueue: `test-${randomBytes(6).toString('hex')}`, signalTimeoutSeconds: 10, workflowBundlePath: workflowBundle().codePath, ...overrides.temporal };
  return {
    port: 0,
    publicBaseUrl: 'http://127.0.0.1',
    databaseUrl,
    runMigrations: false, // global setup applied them once
    smtpUrl,
    mailFrom: 'OGP Local Monitor <monitor@test.example>',
    uploadLinkSecret: randomBytes(24).toString('base64url'),
    adminToken: randomBytes(24).toString('base64url'),
    evidenceDir: mkdtempSync(path.join(tmpdir(), 'ogp-monitor-test-evidence-')),
    maxEvidenceFileBytes: 20 * 1024 * 1024,
    logLevel: 'warn',
    housekeeping: { ...HOUSEKEEPING_DEFAULTS },
    // Tests change data and read it back through public routes: no cache unless a test asks for one.
    publicCacheSeconds: 0,
    ...overrides,
    temporal,
  };
}

/**
 * The whole system as a test sees it from outside: the API over HTTP, a running worker, the mail
 * that reached a real SMTP server, and a Temporal client to inspect workflows on the server.
 */
export interface TestSystem {
  config: AppConfig;
  api: INestApplication;
  http: () => ReturnType<typeof request.agent>;
  /** Bearer headers of the deployment admin. */
  adminAuth: { Authorization: string };
  mail: MailSink;
  temporal: Client;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `config`: settings to change for this system (e.g. a small `maxEvidenceFileBytes`). `overrideApi`,
 * `overrideWorker`: replace providers of the API or the worker (e.g. a Temporal client that fails on cue).
 */
export async function startTestSystem(
  options: { worker?: boolean; config?: Partial<AppConfig>; overrideApi?: (module: TestingModuleBuilder) => TestingModuleBuilder; overrideWorker?: (module: TestingModuleBuilder) => TestingModuleBuilder } = {},
): Promise<TestSystem> {
  const mail = new MailSink();
  const smtp = await mail.start();
  const config = testConfig(smtp.url, options.config);

  const overrideApi = options.overrideApi ?? ((module) => module);
  const overrideWorker = options.overrideWorker ?? ((module) => module);
  const apiModule = await overrideApi(Test.createTestingModule({ imports: [AppModule] }).overrideProvider(APP_CONFIG).useValue(config)).compile();
  const api = configureApp(apiModule.createNestApplication({ logger: ['error', 'warn'] }));
  await api.listen(0, '127.0.0.1');

  let worker: { close(): Promise<void> } | undefined;
  const startWorker = async () => {
    const moduleRef = await overrideWorker(Test.createTestingModule({ imports: [WorkerModule] }).overrideProvider(APP_CONFIG).useValue(config)).compile();
    moduleRef.useLogger(['error', 'warn']);
    await moduleRef.init();
    worker = moduleRef;
  };
  const stopWorker = async () => {
    await worker?.close();
    worker = undefined;
  };
  if (options.worker !== false) await startWorker();

  // The test's own view of the system's Temporal server; lazy, so a system pointed at no server still starts.
  const connection = Connection.lazy({ address: config.temporal.address });
  const temporal = new Client({ connection });
  return {
    config,
    api,
    http: () => request.agent(api.getHttpServer()),
    adminAuth: { Authorization: `Bearer ${config.adminToken}` },
    mail,
    temporal,
    stopWorker,
    startWorker,
    close: async () => {
      await stopWorker();
      await api.close();
      await connection.close();
      await mail.stop();
      rmSync(config.evidenceDir, { recursive: true, force: true });
    },
  };
}
