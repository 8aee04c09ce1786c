import { ConfigError, loadConfig } from './app-config';

const minimal = {
  DATABASE_URL: 'postgres://localhost/ogp',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  UPLOAD_LINK_SECRET: 'x'.repeat(32),
  ADMIN_TOKEN: 'y'.repeat(32),
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({
      port: 3000,
      publicBaseUrl: 'http://localhost:3000',
      runMigrations: true,
      temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'ogp-monitor', signalTimeoutSeconds: 10, updateTimeoutSeconds: 15 },
      logLevel: 'info',
      evidenceDir: './.data/evidence',
      maxEvidenceFileBytes: 20 * 1024 * 1024,
      housekeeping: { intervalMinutes: 60, orphanedEvidenceGraceMinutes: 60, idempotencyRetentionHours: 168 },
    });
  });

  it('reads the housekeeping settings', () => {
    const config = loadConfig({ ...minimal, HOUSEKEEPING_INTERVAL_MINUTES: '15', EVIDENCE_ORPHAN_GRACE_MINUTES: '120', IDEMPOTENCY_RETENTION_HOURS: '24' });
    expect(config.housekeeping).toEqual({ intervalMinutes: 15, orphanedEvidenceGraceMinutes: 120, idempotencyRetentionHours: 24 });
  });

  it('reads the subscriber settings, signing links with the upload-link secret unless told otherwise', () => {
    expect(loadConfig(minimal).subscribers).toEqual({ linkSecret: 'x'.repeat(32), confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: 10 });
    const config = loadConfig({ ...minimal, SUBSCRIBER_LINK_SECRET: 'z'.repeat(20), SUBSCRIBER_CONFIRMATION_HOURS: '2', SUBSCRIBER_UNCONFIRMED_RETENTION_DAYS: '3', SUBSCRIBE_RATE_LIMIT_PER_MINUTE: '4' });
    expect(config.subscribers).toEqual({ linkSecret: 'z'.repeat(20), confirmationHours: 2, unconfirmedRetentionDays: 3, subscribeLimitPerMinute: 4 });
    expect(() => loadConfig({ ...minimal, SUBSCRIBER_LINK_SECRET: 'short' })).toThrow(ConfigError);
  });

  it('reads every setting from the environment', () => {
    const config = loadConfig({ ...minimal, PORT: '8080', PUBLIC_BASE_URL: 'https://monitor.example/', TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_TASK_QUEUE: 'q', RUN_MIGRATIONS: 'false', LOG_LEVEL: 'debug', EVIDENCE_DIR: '/var/lib/ogp/evidence', MAX_EVIDENCE_FILE_BYTES: '1048576' });
    expect(config).toMatchObject({ port: 8080, publicBaseUrl: 'https://monitor.example', runMigrations: false, logLevel: 'debug', temporal: { address: 'temporal:7233', taskQueue: 'q' }, evidenceDir: '/var/lib/ogp/evidence', maxEvidenceFileBytes: 1048576 });
  });

  it('reads how long a request body may stall before it is cut off (30 s by default)', () => {
    expect(loadConfig(minimal).bodyIdleTimeoutMs).toBe(30_000);
    expect(loadConfig({ ...minimal, BODY_IDLE_TIMEOUT_SECONDS: '5' }).bodyIdleTimeoutMs).toBe(5_000);
  });

  it('reads how many workflow runs the worker keeps in memory (250 by default)', () => {
    expect(loadConfig(minimal).temporal.maxCachedWorkflows).toBe(250);
    expect(loadConfig({ ...minimal, WORKER_MAX_CACHED_WORKFLOWS: '2000' }).temporal.maxCachedWorkflows).toBe(2000);
  });

  it('reads how long public reads are cached (10 s by default, 0 disables)', () => {
    expect(loadConfig(minimal).publicCacheSeconds).toBe(10);
    expect(loadConfig({ ...minimal, PUBLIC_CACHE_SECONDS: '0' }).publicCacheSeconds).toBe(0);
    expect(loadConfig({ ...minimal, PUBLIC_CACHE_SECONDS: '60' }).publicCacheSeconds).toBe(60);
  });

  it('reads the per-client rate limits (600 public, 120 signed-link requests a minute by default) and TRUST_PROXY', () => {
    expect(loadConfig(minimal)).toMatchObject({ rateLimits: { publicPerMinute: 600, tokenPerMinute: 120 }, trustProxy: false });
    expect(loadConfig({ ...minimal, PUBLIC_RATE_LIMIT_PER_MINUTE: '100000', TOKEN_RATE_LIMIT_PER_MINUTE: '30' }).rateLimits).toEqual({ publicPerMinute: 100000, tokenPerMinute: 30 });
    expect(loadConfig({ ...minimal, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...minimal, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...minimal, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('reads the path of a prebuilt workflow bundle for the worker', () => {
    expect(loadConfig(minimal).temporal.workflowBundlePath).toBeUndefined();
    expect(loadConfig({ ...minimal, WORKFLOW_BUNDLE_PATH: '/opt/ogp/workflow-bundle.js' }).temporal.workflowBundlePath).toBe('/opt/ogp/workflow-bundle.js');
  });

  it.each([
    [{ DATABASE_URL: undefined }, 'DATABASE_URL'],
    [{ UPLOAD_LINK_SECRET: 'short' }, 'UPLOAD_LINK_SECRET'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ MAX_EVIDENCE_FILE_BYTES: '20MB' }, 'MAX_EVIDENCE_FILE_BYTES'],
    [{ MAX_EVIDENCE_FILE_BYTES: '0' }, 'MAX_EVIDENCE_FILE_BYTES'],
    [{ MAX_EVIDENCE_FILE_BYTES: '1.5' }, 'MAX_EVIDENCE_FILE_BYTES'],
    [{ HOUSEKEEPING_INTERVAL_MINUTES: '0' }, 'HOUSEKEEPING_INTERVAL_MINUTES'],
    [{ EVIDENCE_ORPHAN_GRACE_MINUTES: 'an hour' }, 'EVIDENCE_ORPHAN_GRACE_MINUTES'],
    [{ IDEMPOTENCY_RETENTION_HOURS: '-1' }, 'IDEMPOTENCY_RETENTION_HOURS'],
    [{ IDEMPOTENCY_RETENTION_HOURS: '2.5' }, 'IDEMPOTENCY_RETENTION_HOURS'],
    [{ PUBLIC_CACHE_SECONDS: '-1' }, 'PUBLIC_CACHE_SECONDS'],
    [{ BODY_IDLE_TIMEOUT_SECONDS: '0' }, 'BODY_IDLE_TIMEOUT_SECONDS'],
    [{ WORKER_MAX_CACHED_WORKFLOWS: '0' }, 'WORKER_MAX_CACHED_WORKFLOWS'],
    [{ PUBLIC_CACHE_SECONDS: 'ten' }, 'PUBLIC_CACHE_SECONDS'],
    [{ PUBLIC_RATE_LIMIT_PER_MINUTE: '0' }, 'PUBLIC_RATE_LIMIT_PER_MINUTE'],
    [{ TOKEN_RATE_LIMIT_PER_MINUTE: 'many' }, 'TOKEN_RATE_LIMIT_PER_MINUTE'],
    [{ TRUST_PROXY: 'proxy; rm -rf' }, 'TRUST_PROXY'],
  ])('refuses %p with an error naming %s', (override, name) => {
    expect(() => loadConfig({ ...minimal, ...override })).toThrow(ConfigError);
    expect(() => loadConfig({ ...minimal, ...override })).toThrow(name);
  });
});
