import * as path from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { APP_CONFIG, AppConfig, DEFAULT_MAX_CACHED_WORKFLOWS } from '@app/config';
import { ensureSearchAttributes, Schedules } from '@app/temporal';
import { CheckInActivities } from '../activities/check-in.activities';
import { DigestActivities } from '../activities/digest.activities';
import { HousekeepingActivities } from '../activities/housekeeping.activities';
import { MilestoneActivities } from '../activities/milestone.activities';
import { ensureHousekeepingSchedule } from './housekeeping-schedule';

/** The workflow bundle's entry: workflows/src/index.ts (or its compiled twin under dist/). */
export const WORKFLOWS_PATH = require.resolve(path.join(__dirname, '../../../../workflows/src'));

/**
 * Owns the Temporal Worker: creates it when the application starts, keeps its run promise, and on
 * shutdown lets in-flight tasks finish before the connection closes. Before the worker starts, it
 * makes sure the housekeeping schedule exists (a failure there leaves no worker running).
 */
@Injectable()
export class TemporalWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TemporalWorkerService.name);
  private connection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly milestoneActivities: MilestoneActivities,
    private readonly housekeepingActivities: HousekeepingActivities,
    private readonly checkInActivities: CheckInActivities,
    private readonly digestActivities: DigestActivities,
    private readonly schedules: Schedules,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const added = await ensureSearchAttributes(this.config.temporal.address, this.config.temporal.namespace);
    if (added.length > 0) this.logger.log({ msg: 'registered search attributes', added });
    await this.ensureHousekeepingSchedule();
    this.connection = await NativeConnection.connect({ address: this.config.temporal.address });
    this.worker = await Worker.create({
      connection: this.connection,
      namespace: this.config.temporal.namespace,
      taskQueue: this.config.temporal.taskQueue,
      // A prebuilt bundle (WORKFLOW_BUNDLE_PATH, e.g. the one the tests build once per run) skips bundling at start.
      ...(this.config.temporal.workflowBundlePath ? { workflowBundle: { codePath: this.config.temporal.workflowBundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
      // Bounded so the worker's memory does not grow with the number of live workflows (see BENCHMARKS.md, scale).
      maxCachedWorkflows: this.config.temporal.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
      activities: { ...bindActivities(this.milestoneActivities), ...bindActivities(this.housekeepingActivities), ...bindActivities(this.checkInActivities), ...bindActivities(this.digestActivities) },
    });
    this.running = this.worker.run();
    // A worker that stops on its own (fatal error) must take the process down, not idle silently.
    this.running.catch((error) => {
      this.logger.error({ msg: 'Temporal worker stopped with an error', error: String(error) });
      process.exitCode = 1;
    });
    this.logger.log({ msg: 'Temporal worker running', taskQueue: this.config.temporal.taskQueue, address: this.config.temporal.address });
  }

  private async ensureHousekeepingSchedule(): Promise<void> {
    const { intervalMinutes } = this.config.housekeeping;
    const outcome = await ensureHousekeepingSchedule(this.schedules, { taskQueue: this.config.temporal.taskQueue, intervalMinutes });
    this.logger.log({ msg: `housekeeping schedule ${outcome}`, intervalMinutes });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.connection?.close();
    this.logger.log({ msg: 'Temporal worker stopped' });
  }
}

/** Temporal calls activities as plain functions: bind each public method of the provider. */
function bindActivities<T extends object>(provider: T): Record<string, (...args: unknown[]) => unknown> {
  const prototype = Object.getPrototypeOf(provider);
  return Object.fromEntries(
    Object.getOwnPropertyNames(prototype)
      .filter((name) => name !== 'constructor' && typeof prototype[name] === 'function')
      .map((name) => [name, prototype[name].bind(provider)]),
  );
}
