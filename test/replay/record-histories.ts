/**
 * `npm run record-histories`: runs each scenario that has no history yet on a fresh dev server and
 * saves its history next to the old ones, which stay as recorded (running workflows of their time
 * must keep replaying). `npm run record-histories -- <name>...` records the named scenarios again,
 * existing or not.
 */
import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveTemporalCli } from '../../infra/dev-stack/temporal-cli';
import { startTemporalDevServer } from '../../infra/dev-stack/temporal-dev-server';
import { CHECK_IN_SCENARIOS, checkInScenarioActivities } from './check-in-scenarios';
import { SCENARIOS, scenarioActivities } from './milestone-scenarios';

const historyFile = (name: string) => path.join(__dirname, 'histories', `${name}.json`);

/** The scenarios to record: those named on the command line, else those with no history yet. */
function chosen() {
  const all = [...SCENARIOS, ...CHECK_IN_SCENARIOS];
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length) throw new Error(`No scenario named ${unknown.join(', ')} (known: ${all.map((s) => s.name).join(', ')})`);
  return names.length ? all.filter((s) => names.includes(s.name)) : all.filter((s) => !existsSync(historyFile(s.name)));
}

async function record(): Promise<void> {
  const scenarios = chosen();
  if (!scenarios.length) {
    console.log('every scenario has its history; name scenarios to record them again');
    return;
  }
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
  const source = await resolveTemporalCli(console.log);
  if (source.kind !== 'path') throw new Error('Recording needs the Temporal CLI (see the README).');
  const cli = source.path;
  const server = await startTemporalDevServer({ log: console.log });
  try {
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const taskQueue = 'record-histories';
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      taskQueue,
      workflowsPath: require.resolve('../../workflows/src'),
      activities: { ...scenarioActivities, ...checkInScenarioActivities },
    });
    await worker.runUntil(async () => {
      for (const scenario of scenarios) {
        const workflowId = await scenario.run(client, taskQueue);
        // The CLI writes the JSON form that historyFromJSON reads back.
        const json = execFileSync(cli, ['workflow', 'show', '--workflow-id', workflowId, '--address', server.address, '--output', 'json'], { encoding: 'utf8' });
        const file = historyFile(scenario.name);
        writeFileSync(file, json);
        console.log(`recorded ${scenario.name}: ${JSON.parse(json).events.length} events -> ${path.relative(process.cwd(), file)}`);
      }
    });
    await connection.close();
  } finally {
    await server.stop();
  }
}

record().catch((error) => {
  console.error(error);
  process.exit(1);
});
