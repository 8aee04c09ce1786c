import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { AppConfig } from '../../libs/config/src';
import { workflowBundle } from './workflow-bundle';

/** The real worker binary, built by `npm run build` (npm test builds it first). */
export const WORKER_MAIN = path.resolve(__dirname, '../../dist/apps/worker/src/main.js');

/** The line the worker logs once it polls its task queue (apps/worker/src/temporal/temporal-worker.service.ts). */
const RUNNING_LINE = 'Temporal worker running';

/**
 * The real worker (dist/) as a child process of a test, on a test system's settings: started,
 * killed (SIGKILL: no drain, no goodbye) and started again. One process at a time.
 */
export class WorkerProcess {
  private child?: ChildProcess;
  /** How many processes were started, for the logs of a test. */
  starts = 0;

  constructor(private readonly config: AppConfig) {
    if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run \`npm run build\` first (npm test does).`);
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Spawns the worker. Resolves once it logs that it polls its task queue (it loads the run's workflow
   * bundle, so no bundling at start); rejects when it exits first or takes longer than `timeoutMs`.
   */
  start(timeoutMs = 60_000): Promise<void> {
    if (this.running) throw new Error('A worker process is already running');
    const { config } = this;
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: config.databaseUrl,
        TEMPORAL_ADDRESS: config.temporal.address,
        TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
        WORKFLOW_BUNDLE_PATH: config.temporal.workflowBundlePath ?? workflowBundle().codePath,
        SMTP_URL: config.smtpUrl,
        UPLOAD_LINK_SECRET: config.uploadLinkSecret,
        ADMIN_TOKEN: config.adminToken,
        PUBLIC_BASE_URL: config.publicBaseUrl,
        // `info` writes the readiness line to stdout (read here, not shown); warnings and errors go to the test's stderr.
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    this.starts++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => settle(new Error(`The worker process did not report running within ${timeoutMs} ms`)), timeoutMs);
      const lines = createInterface({ input: child.stdout! });
      const settle = (error?: Error) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        // Keep draining stdout so the child never blocks on a full pipe.
        lines.removeListener('line', onLine);
        if (error) reject(error);
        else resolve();
      };
      const onLine = (line: string) => {
        if (line.includes(RUNNING_LINE)) settle();
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => settle(new Error(`The worker process ended (${code ?? signal}) before it reported running`));
      lines.on('line', onLine);
      child.once('exit', onExit);
    });
  }

  /** Sends `signal` and resolves once the process has exited (at once when none runs). */
  stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
