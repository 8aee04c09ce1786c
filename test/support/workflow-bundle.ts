/**
 * The workflow code bundled once per `jest` run. Bundling (webpack) takes a second or more of CPU
 * each time; global setup does it once, from the current sources, into a temporary file, and every
 * worker of the run (test workers, the system's worker, replay) loads that file.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** Where global setup wrote this run's bundle; read by the tests' workers. */
export const TEST_WORKFLOW_BUNDLE_ENV = 'TEST_WORKFLOW_BUNDLE_PATH';

/** The workflow bundle's entry, as the worker's WORKFLOWS_PATH: workflows/src/index.ts. */
const WORKFLOWS_ENTRY = require.resolve(path.join(__dirname, '../../workflows/src'));

const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface RunWorkflowBundle {
  codePath: string;
  bytes: number;
  tookMs: number;
  /** Deletes the bundle's temporary folder (global teardown). */
  remove(): void;
}

/**
 * Bundles the workflow code as the worker would (same entry, default options) into a fresh
 * temporary folder. Global setup calls it at the start of each run, so a bundle never outlives the
 * sources it was made from.
 */
export async function bundleWorkflowsForRun(): Promise<RunWorkflowBundle> {
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'ogp-monitor-test-workflows-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_ENTRY, logger: quiet });
    const codePath = path.join(dir, 'workflow-bundle.js');
    writeFileSync(codePath, code);
    return { codePath, bytes: Buffer.byteLength(code), tookMs: Date.now() - started, remove };
  } catch (error) {
    remove();
    throw new Error(`Bundling the workflow code (${WORKFLOWS_ENTRY}) failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** This run's workflow bundle, for `Worker.create({ workflowBundle })` and `Worker.runReplayHistory`. */
export function workflowBundle(): { codePath: string } {
  const codePath = process.env[TEST_WORKFLOW_BUNDLE_ENV];
  if (!codePath) throw new Error(`${TEST_WORKFLOW_BUNDLE_ENV} is not set: run these tests through jest (global setup bundles the workflows).`);
  return { codePath };
}
