/**
 * `npm start`: runs the whole system on one machine. Starts what is missing (Temporal dev server,
 * embedded PostgreSQL, Mailpit or else the built-in mail sink), then the API (which migrates) and the
 * worker as child processes, loads the demo plan once, and prints where everything is. Ctrl-C stops
 * it all.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Runtime } from '@temporalio/worker';
import { DemoTokens, loadDemoPlan } from './demo/load-demo-plan';
import { loadOrCreateDevSecrets } from './dev-stack/dev-secrets';
import { ensureDatabase, startEmbeddedPostgres } from './dev-stack/embedded-postgres';
import { MailSink } from './dev-stack/mail-sink';
import { resolveMailpit, startMailpit } from './dev-stack/mailpit';
import { startTemporalDevServer, TemporalDevServer } from './dev-stack/temporal-dev-server';

const log = (message: string) => console.log(`[start] ${message}`);
const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  // This process owns Ctrl-C: the SDK's own handlers would exit before the dev server is stopped.
  Runtime.install({ shutdownSignals: [] });
  const env = { ...process.env };
  const dataDir = path.resolve(env.DATA_DIR ?? path.join(ROOT, '.data'));
  mkdirSync(dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const children: ChildProcess[] = [];
  let stopping = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('Stopping...');
    await Promise.all(children.map((child) => stopChild(child)));
    for (const stop of stops.reverse()) await stop().catch((error) => log(`while stopping: ${String(error)}`));
    log('Stopped.');
    process.exit(code);
  };
  const onSignal = () => void stopAll(0);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const secrets = loadOrCreateDevSecrets(dataDir);
    env.UPLOAD_LINK_SECRET ??= secrets.uploadLinkSecret;
    env.ADMIN_TOKEN ??= secrets.adminToken;
    env.PORT ??= '3000';

    let temporalUi: string | null = null;
    if (!env.TEMPORAL_ADDRESS) {
      const port = Number(env.TEMPORAL_PORT ?? 7233);
      log(`Starting the Temporal dev server on 127.0.0.1:${port} (state in ${path.join(dataDir, 'temporal.db')})...`);
      const temporal: TemporalDevServer = await startTemporalDevServer({
        port,
        uiPort: Number(env.TEMPORAL_UI_PORT ?? 8233),
        dbFilename: path.join(dataDir, 'temporal.db'),
        log,
      });
      stops.push(() => temporal.stop());
      env.TEMPORAL_ADDRESS = temporal.address;
      temporalUi = temporal.uiUrl;
    }

    if (!env.DATABASE_URL) {
      const port = Number(env.EMBEDDED_POSTGRES_PORT ?? 54329);
      log(`Starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${path.join(dataDir, 'postgres')})...`);
      const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port, log });
      stops.push(() => database.stop());
      await ensureDatabase(database.serverUrl, 'ogp_monitor');
      env.DATABASE_URL = `${database.serverUrl}/ogp_monitor`;
    }

    let mailViewer: string | null = null;
    if (!env.SMTP_URL) {
      const smtpPort = Number(env.MAIL_SINK_SMTP_PORT ?? 1025);
      const viewerPort = Number(env.MAIL_VIEWER_PORT ?? 1080);
      // Mailpit shows each email as a client renders it (HTML); the built-in sink only its text.
      const mailpit = await resolveMailpit(log, env);
      if ('path' in mailpit) {
        const databaseFile = path.join(dataDir, 'mailpit.db');
        log(`Starting Mailpit (${mailpit.origin}: ${mailpit.path}) on 127.0.0.1:${smtpPort}, web UI on ${viewerPort} (mail kept in ${databaseFile})...`);
        const server = await startMailpit({ binary: mailpit.path, smtpPort, uiPort: viewerPort, databaseFile });
        stops.push(() => server.stop());
        env.SMTP_URL = server.smtpUrl;
        mailViewer = `${server.uiUrl}   (Mailpit)`;
      } else {
        log(`Mailpit is not available (${mailpit.unavailable}); starting the built-in mail sink on 127.0.0.1:${smtpPort} instead (text only; mail kept in ${path.join(dataDir, 'mail')}).`);
        const sink = new MailSink();
        const smtp = await sink.start({ port: smtpPort, storeDir: path.join(dataDir, 'mail') });
        mailViewer = `${await sink.startViewer(viewerPort)}   (built-in mail sink)`;
        stops.push(() => sink.stop());
        env.SMTP_URL = smtp.url;
      }
    }

    const apiUrl = `http://127.0.0.1:${env.PORT}`;
    env.PUBLIC_BASE_URL ??= `http://localhost:${env.PORT}`;
    env.EVIDENCE_DIR ??= path.join(dataDir, 'evidence');
    children.push(startChild('api', path.join(ROOT, 'dist/apps/api/src/main.js'), env, stopAll));
    await waitForHealth(apiUrl, 90_000);
    children.push(startChild('worker', path.join(ROOT, 'dist/apps/worker/src/main.js'), env, stopAll));

    let demoTokens: DemoTokens | null = null;
    if (env.DEMO_PLAN !== 'false') {
      const demo = await loadDemoPlan(apiUrl, env.ADMIN_TOKEN!);
      const tokensFile = path.join(dataDir, 'demo-tokens.json');
      if (demo.tokens) writeFileSync(tokensFile, JSON.stringify(demo.tokens, null, 2), { mode: 0o600 });
      demoTokens = demo.tokens ?? (existsSync(tokensFile) ? (JSON.parse(readFileSync(tokensFile, 'utf8')) as DemoTokens) : null);
      log(demo.loaded ? `Loaded the Rosario demo plan: ${demo.milestones} milestones handed to their commitment workflows.` : 'The Rosario demo plan was loaded by an earlier run; reusing it.');
    }

    console.log(
      [
        '',
        'OGP Local Monitor is running:',
        `  API                ${apiUrl}`,
        `  Public pages       ${apiUrl}/p/${env.DEMO_PLAN !== 'false' ? 'rosario' : '<jurisdiction slug>'}   (open data: /public/..., see /docs)`,
        `  API docs           ${apiUrl}/docs   (OpenAPI JSON: ${apiUrl}/docs-json)`,
        `  Health             ${apiUrl}/health`,
        `  Temporal           ${env.TEMPORAL_ADDRESS}${temporalUi ? `   UI: ${temporalUi}` : ''}`,
        mailViewer ? `  Mail viewer        ${mailViewer}` : `  Mail               ${env.SMTP_URL}`,
        `  Admin token        ${env.ADMIN_TOKEN}   (Authorization: Bearer <token>)`,
        ...(demoTokens ? [`  Demo coordinator   ${demoTokens.coordinator}`, `  Demo IMB           ${demoTokens.imb}`, `  Agency tokens      ${path.join(dataDir, 'demo-tokens.json')}`] : []),
        '',
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
  } catch (error) {
    console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

function startChild(name: string, script: string, env: NodeJS.ProcessEnv, onUnexpectedExit: (code: number) => Promise<void>): ChildProcess {
  const child = spawn(process.execPath, [script], { env, stdio: 'inherit' });
  child.once('exit', (code, signal) => {
    (child as ChildProcess & { exited?: boolean }).exited = true;
    if (signal !== 'SIGTERM' && signal !== 'SIGINT') {
      log(`${name} exited unexpectedly (code ${code}, signal ${signal}).`);
      void onUnexpectedExit(1);
    }
  });
  return child;
}

/** Asks a child to stop and waits for it; it drains its work first (graceful shutdown). */
function stopChild(child: ChildProcess): Promise<void> {
  if ((child as ChildProcess & { exited?: boolean }).exited) return Promise.resolve();
  return new Promise((resolve) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitForHealth(apiUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${apiUrl}/health`);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`The API did not become healthy within ${timeoutMs / 1000} s: ${last}`);
}

void main();
