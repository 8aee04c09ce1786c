/**
 * Every setting of the system, read once from environment variables. The defaults are what a
 * developer's machine needs; the README's configuration table lists the same names and defaults.
 */
export interface AppConfig {
  port: number;
  /** Origin used in links inside emails (upload links). */
  publicBaseUrl: string;
  databaseUrl: string;
  /** Apply pending migrations when the API starts. */
  runMigrations: boolean;
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    /** How long the API waits for Temporal to take a signal before it gives up (and saves nothing). */
    signalTimeoutSeconds: number;
    /**
     * How long the API waits for a workflow to answer an Update (evidence, review, the IMB's acts).
     * Evidence not answered by then is kept and answered 202 (delivery pending): housekeeping delivers it.
     */
    updateTimeoutSeconds?: number;
    /**
     * The worker's workflow code, bundled beforehand (WORKFLOW_BUNDLE_PATH): the worker loads it
     * instead of bundling workflows/src itself, which makes it start faster. Unset: it bundles.
     */
    workflowBundlePath?: string;
    /**
     * Worker only: how many workflow runs it keeps in memory between their tasks (WORKER_MAX_CACHED_WORKFLOWS).
     * A run not kept is rebuilt from its history on its next task (a milestone's is short). Bounds the
     * worker's memory whatever the number of live workflows: about 0.5 MiB each. Unset: DEFAULT_MAX_CACHED_WORKFLOWS.
     */
    maxCachedWorkflows?: number;
  };
  smtpUrl: string;
  mailFrom: string;
  /** Secret that signs agencies' upload links. */
  uploadLinkSecret: string;
  /**
   * Bearer token of the deployment's administrator: creates jurisdictions and their first
   * coordinator tokens. Everyone else uses API tokens stored (hashed) in the database.
   */
  adminToken: string;
  /** Directory where the bytes of evidence files are stored. */
  evidenceDir: string;
  /** Largest evidence file accepted, in bytes (each file of an upload). */
  maxEvidenceFileBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  housekeeping: HousekeepingConfig;
  /** Digest subscribers (double opt-in, signed links, abuse limits). Unset: SUBSCRIBER_DEFAULTS, links signed with uploadLinkSecret. */
  subscribers?: SubscriberConfig;
  /**
   * Seconds a public read (plan JSON, open data, public pages) is served from the API's in-process
   * cache before it is loaded again (PUBLIC_CACHE_SECONDS; 0 disables the cache). Unset: 10.
   */
  publicCacheSeconds?: number;
  /** Per-client limits of the routes anyone may call without a token. Unset: RATE_LIMIT_DEFAULTS. */
  rateLimits?: RateLimitConfig;
  /**
   * Express `trust proxy` (TRUST_PROXY): which proxies' X-Forwarded-For is believed, so the client's
   * own address is the one rate limits count. Unset: false (the peer's address: no proxy in front).
   */
  trustProxy?: boolean | number | string;
  /**
   * How long (ms) a request body may send nothing before it is cut off with a 408
   * (BODY_IDLE_TIMEOUT_SECONDS); unset: DEFAULT_BODY_IDLE_TIMEOUT_MS. See bodyIdleTimeoutMs.
   */
  bodyIdleTimeoutMs?: number;
}

/** Requests one client (IP address; IPv6 by /64) may make per minute, in fixed one-minute windows; more get 429 with Retry-After. */
export interface RateLimitConfig {
  /** Routes that need no token: /public/** (JSON, open data, feeds), the /p/ pages (PUBLIC_RATE_LIMIT_PER_MINUTE). */
  publicPerMinute: number;
  /** Routes reached through a signed link (a `:token` in the path: subscribers' links, agencies' upload links) (TOKEN_RATE_LIMIT_PER_MINUTE). */
  tokenPerMinute: number;
}

/** Subscribers of the monthly digest. */
export interface SubscriberConfig {
  /** Signs confirmation, preferences and unsubscribe links (SUBSCRIBER_LINK_SECRET; defaults to UPLOAD_LINK_SECRET). */
  linkSecret: string;
  /** Hours a confirmation link stays valid. */
  confirmationHours: number;
  /** Unconfirmed subscribers are purged once older than this many days. */
  unconfirmedRetentionDays: number;
  /** Subscription requests one client (IP address) may make per minute; more get 429 with Retry-After. */
  subscribeLimitPerMinute: number;
}

/** The worker's periodic clean-up (the `ogp-housekeeping` Temporal Schedule). */
export interface HousekeepingConfig {
  /** Minutes between two runs of the schedule. */
  intervalMinutes: number;
  /**
   * Stored evidence bytes that no evidence_file row references are removed once older than this:
   * an upload stores its bytes a moment before it commits its rows, so a young orphan may be one in flight.
   */
  orphanedEvidenceGraceMinutes: number;
  /** Idempotency records older than this are removed: a retry after that runs the request again. */
  idempotencyRetentionHours: number;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const DEFAULT_MAX_EVIDENCE_FILE_BYTES = 20 * 1024 * 1024;
/** Hourly runs; an hour's grace for uploads in flight; idempotency keys honoured for 7 days. */
export const HOUSEKEEPING_DEFAULTS: Readonly<HousekeepingConfig> = { intervalMinutes: 60, orphanedEvidenceGraceMinutes: 60, idempotencyRetentionHours: 168 };
/** A confirmation link lives 48 hours; unconfirmed subscribers are purged after 7 days; 10 subscription requests a minute per client. */
export const SUBSCRIBER_DEFAULTS: Readonly<Omit<SubscriberConfig, 'linkSecret'>> = { confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: 10 };
/** Public reads may be up to 10 s stale. */
export const DEFAULT_PUBLIC_CACHE_SECONDS = 10;
/**
 * 600 public requests a minute per client (10 a second: far above a person reading pages or a feed
 * reader, below a scraper's flood); 120 signed-link requests (people clicking links in emails, an
 * agency uploading evidence). A load test from one address must raise them (PUBLIC_RATE_LIMIT_PER_MINUTE).
 */
export const RATE_LIMIT_DEFAULTS: Readonly<RateLimitConfig> = { publicPerMinute: 600, tokenPerMinute: 120 };
/**
 * A body that sends nothing for 30 s is cut off: a client that sends the headers and part of a
 * body, then stalls, would otherwise hold the connection and what was buffered for Node's
 * requestTimeout (300 s).
 */
export const DEFAULT_BODY_IDLE_TIMEOUT_MS = 30_000;
/** Workflow runs a worker keeps in memory: the SDK's default grows with the heap (about 2,300 on a 4 GiB heap), too many for a 1 GiB worker. */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 250;
/** File sizes are stored as PostgreSQL `int`. */
const MAX_INT4 = 2_147_483_647;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, got "${env.PORT}"`);
  const logLevel = (env.LOG_LEVEL ?? 'info') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const maxEvidenceFileBytes = Number(env.MAX_EVIDENCE_FILE_BYTES ?? DEFAULT_MAX_EVIDENCE_FILE_BYTES);
  if (!Number.isInteger(maxEvidenceFileBytes) || maxEvidenceFileBytes < 1 || maxEvidenceFileBytes > MAX_INT4) {
    throw new ConfigError(`MAX_EVIDENCE_FILE_BYTES must be a whole number of bytes up to ${MAX_INT4}, got "${env.MAX_EVIDENCE_FILE_BYTES}"`);
  }
  const housekeeping: HousekeepingConfig = {
    intervalMinutes: positiveInteger(env, 'HOUSEKEEPING_INTERVAL_MINUTES', HOUSEKEEPING_DEFAULTS.intervalMinutes),
    orphanedEvidenceGraceMinutes: positiveInteger(env, 'EVIDENCE_ORPHAN_GRACE_MINUTES', HOUSEKEEPING_DEFAULTS.orphanedEvidenceGraceMinutes),
    idempotencyRetentionHours: positiveInteger(env, 'IDEMPOTENCY_RETENTION_HOURS', HOUSEKEEPING_DEFAULTS.idempotencyRetentionHours),
  };
  const uploadLinkSecret = requiredSecret(env, 'UPLOAD_LINK_SECRET');
  const subscribers: SubscriberConfig = {
    linkSecret: env.SUBSCRIBER_LINK_SECRET ? requiredSecret(env, 'SUBSCRIBER_LINK_SECRET') : uploadLinkSecret,
    confirmationHours: positiveInteger(env, 'SUBSCRIBER_CONFIRMATION_HOURS', SUBSCRIBER_DEFAULTS.confirmationHours),
    unconfirmedRetentionDays: positiveInteger(env, 'SUBSCRIBER_UNCONFIRMED_RETENTION_DAYS', SUBSCRIBER_DEFAULTS.unconfirmedRetentionDays),
    subscribeLimitPerMinute: positiveInteger(env, 'SUBSCRIBE_RATE_LIMIT_PER_MINUTE', SUBSCRIBER_DEFAULTS.subscribeLimitPerMinute),
  };
  return {
    port,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    databaseUrl: required(env, 'DATABASE_URL'),
    runMigrations: (env.RUN_MIGRATIONS ?? 'true') !== 'false',
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      namespace: env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'ogp-monitor',
      signalTimeoutSeconds: positiveInteger(env, 'TEMPORAL_SIGNAL_TIMEOUT_SECONDS', 10),
      updateTimeoutSeconds: positiveInteger(env, 'TEMPORAL_UPDATE_TIMEOUT_SECONDS', 15),
      workflowBundlePath: env.WORKFLOW_BUNDLE_PATH || undefined,
      maxCachedWorkflows: positiveInteger(env, 'WORKER_MAX_CACHED_WORKFLOWS', DEFAULT_MAX_CACHED_WORKFLOWS),
    },
    smtpUrl: required(env, 'SMTP_URL'),
    mailFrom: env.MAIL_FROM ?? 'OGP Local Monitor <monitor@localhost>',
    uploadLinkSecret,
    adminToken: requiredSecret(env, 'ADMIN_TOKEN'),
    evidenceDir: env.EVIDENCE_DIR || './.data/evidence',
    maxEvidenceFileBytes,
    logLevel,
    housekeeping,
    subscribers,
    publicCacheSeconds: nonNegativeInteger(env, 'PUBLIC_CACHE_SECONDS', DEFAULT_PUBLIC_CACHE_SECONDS),
    rateLimits: {
      publicPerMinute: positiveInteger(env, 'PUBLIC_RATE_LIMIT_PER_MINUTE', RATE_LIMIT_DEFAULTS.publicPerMinute),
      tokenPerMinute: positiveInteger(env, 'TOKEN_RATE_LIMIT_PER_MINUTE', RATE_LIMIT_DEFAULTS.tokenPerMinute),
    },
    trustProxy: trustProxy(env.TRUST_PROXY),
    bodyIdleTimeoutMs: positiveInteger(env, 'BODY_IDLE_TIMEOUT_SECONDS', DEFAULT_BODY_IDLE_TIMEOUT_MS / 1000) * 1000,
  };
}

/** TRUST_PROXY as Express reads `trust proxy`: true/false, a number of hops, or addresses/subnets/`loopback` separated by commas. */
function trustProxy(text: string | undefined): boolean | number | string {
  if (text === undefined || text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[\w.:/, -]+$/.test(text)) throw new ConfigError(`TRUST_PROXY must be true, false, a number of proxies or a list of addresses, subnets or loopback/linklocal/uniquelocal, got "${text}"`);
  return text;
}

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigError(`${name} must be a whole number of at least 0, got "${text}"`);
  return value;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`${name} must be a whole number of at least 1, got "${text}"`);
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set (npm start sets it for local runs; see the README's configuration table)`);
  return value;
}

function requiredSecret(env: NodeJS.ProcessEnv, name: string): string {
  const value = required(env, name);
  if (value.length < 16) throw new ConfigError(`${name} must be at least 16 characters long`);
  return value;
}

/** The subscriber settings of a configuration (defaults when unset; links signed with the upload-link secret). */
export function subscriberConfig(config: Pick<AppConfig, 'subscribers' | 'uploadLinkSecret'>): SubscriberConfig {
  return config.subscribers ?? { ...SUBSCRIBER_DEFAULTS, linkSecret: config.uploadLinkSecret };
}

/** The rate limits of a configuration (RATE_LIMIT_DEFAULTS when unset). */
/** The body idle timeout in ms (DEFAULT_BODY_IDLE_TIMEOUT_MS when the config leaves it out). */
export function bodyIdleTimeoutMs(config: Pick<AppConfig, 'bodyIdleTimeoutMs'>): number {
  return config.bodyIdleTimeoutMs ?? DEFAULT_BODY_IDLE_TIMEOUT_MS;
}

export function rateLimitConfig(config: Pick<AppConfig, 'rateLimits'>): RateLimitConfig {
  return config.rateLimits ?? { ...RATE_LIMIT_DEFAULTS };
}
