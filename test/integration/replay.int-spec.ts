/**
 * Replays recorded histories (test/replay/histories) against today's workflow code. A change that
 * would break workflows already running in production (a different command order, a removed timer)
 * fails here. See test/replay/milestone-scenarios.ts for how the histories were made.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { WORKFLOWS_PATH } from '../../apps/worker/src/temporal/temporal-worker.service';

const HISTORIES = path.join(__dirname, '..', 'replay', 'histories');
const files = readdirSync(HISTORIES).filter((name) => name.endsWith('.json'));

describe('workflow replay of recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(files).toEqual(expect.arrayContaining(['milestone-evidence-on-time.json', 'milestone-reminders-overdue-late-evidence.json']));
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history, file)).resolves.toBeUndefined();
  });
});
