/**
 * What a test of workflows alone needs: the workflow bundle (built once per run), a client and a
 * worker connection to the shared test dev server, and workers on task queues of their own.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { MilestoneActivities } from '../../workflows/src/messages';
import { ActivityCall, fakeMilestoneActivities } from './fake-milestone-activities';
import { workflowBundle } from './workflow-bundle';

export interface WorkflowTestEnv {
  client: Client;
  /** Runs `run` while a worker with recorded fake activities polls `taskQueue` (default: a fresh one). */
  withWorker<T>(calls: ActivityCall[], run: (taskQueue: string) => Promise<T>, taskQueue?: string): Promise<T>;
  close(): Promise<void>;
}

export async function startWorkflowTestEnv(activities: (calls: ActivityCall[]) => MilestoneActivities = fakeMilestoneActivities): Promise<WorkflowTestEnv> {
  const bundle = workflowBundle();
  const address = process.env.TEST_TEMPORAL_ADDRESS!;
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  return {
    client: new Client({ connection }),
    async withWorker(calls, run, taskQueue = `wf-${randomUUID()}`) {
      const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: bundle, activities: activities(calls) });
      return worker.runUntil(run(taskQueue));
    },
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}
