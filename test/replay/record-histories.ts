/** `npm run record-histories`: runs each scenario on a fresh dev server and saves its history. */
import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveTemporalCli } from '../../infra/dev-stack/temporal-cli';
import { startTemporalDevServer } from '../../infra/dev-stack/temporal-dev-server';
import { SCENARIOS, scenarioActivities } from './milestone-scenarios';

async function record(): Promise<void> {
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
      activities: scenarioActivities,
    });
    await worker.runUntil(async () => {
      for (const scenario of SCENARIOS) {
        const workflowId = await scenario.run(client, taskQueue);
        // The CLI writes the JSON form that historyFromJSON reads back.
        const json = execFileSync(cli, ['workflow', 'show', '--workflow-id', workflowId, '--address', server.address, '--output', 'json'], { encoding: 'utf8' });
        const file = path.join(__dirname, 'histories', `${scenario.name}.json`);
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
