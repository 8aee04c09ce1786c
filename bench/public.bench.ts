/**
 * `npm run bench -- public [seconds]` (default 5 s per target, after 5 s of warm-up: BENCH_WARMUP_SECONDS): public reads
 * against a bare NestJS route, autocannon with 20 connections, in the same run.
 *
 * The whole stack runs on this machine as in production: a Temporal dev server (in memory), a
 * throwaway database on DATABASE_URL's server, a mail sink, and the built API (`npm run build`
 * first, unless BENCH_SKIP_BUILD=1) as its own Node process with the Rosario demo plan loaded through
 * its API (infra/demo). The bare route is a minimal Nest application (one controller, GET returns a
 * small JSON) in another Node process. Measured, one after the other: the bare route, GET
 * /public/plans/{id} (JSON) and the plan page /p/rosario/plans/{id} (HTML); requests/s, p50/p99
 * latency, and each one's ratio to the bare route. The public rate limit is raised for the run
 * (one client makes every request). PUBLIC_CACHE_SECONDS is the default (10) unless set.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { loadDemoPlan } from '../infra/demo/load-demo-plan';
import { DEMO_JURISDICTION_SLUG } from '../infra/demo/rosario-plan';
import { dropDatabase, ensureDatabase } from '../infra/dev-stack/embedded-postgres';
import { MailSink } from '../infra/dev-stack/mail-sink';
import { startTemporalDevServer } from '../infra/dev-stack/temporal-dev-server';
import { freePort } from '../test/support/free-port';

const ROOT = path.resolve(__dirname, '..');
const CONNECTIONS = 20;
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const log = (message: string) => console.log(`[bench] ${message}`);

interface Figures {
  name: string;
  url: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) console.error(`[bench] ${name} exited with ${code}:\n${stderr}`);
  });
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}

/** Polls `url` until it answers 200 (bounded: fails loudly). */
async function until200(url: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (${last})`);
}

async function measure(name: string, url: string, seconds: number, headers: Record<string, string> = {}): Promise<Figures> {
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_SECONDS, headers });
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  return { name, url, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5);
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('Set DATABASE_URL to a PostgreSQL server (a throwaway database is created on it).');
  if (!process.env.BENCH_SKIP_BUILD) {
    log('Building (npm run build)...');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }
  const stops: (() => Promise<void>)[] = [];
  try {
    const temporal = await startTemporalDevServer({ log });
    stops.push(() => temporal.stop());
    const sink = new MailSink();
    const smtp = await sink.start({ port: 0 });
    stops.push(() => sink.stop());
    const server = new URL(serverUrl);
    server.pathname = '';
    const dbName = `ogp_bench_public_${Date.now()}`;
    await ensureDatabase(server.toString().replace(/\/$/, ''), dbName);
    stops.push(() => dropDatabase(server.toString().replace(/\/$/, ''), dbName));
    const dbUrl = new URL(serverUrl);
    dbUrl.pathname = `/${dbName}`;

    const apiPort = await freePort();
    const adminToken = randomBytes(24).toString('base64url');
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    // BENCH_CPU_PROF=<dir>: the API writes a V8 CPU profile there when it stops.
    const profileArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
    const api = startProcess('api', [...profileArgs, 'dist/apps/api/src/main.js'], {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(apiPort),
      PUBLIC_BASE_URL: apiUrl,
      DATABASE_URL: dbUrl.toString(),
      TEMPORAL_ADDRESS: temporal.address,
      SMTP_URL: smtp.url,
      UPLOAD_LINK_SECRET: randomBytes(24).toString('base64url'),
      ADMIN_TOKEN: adminToken,
      EVIDENCE_DIR: mkdtempSync(path.join(tmpdir(), 'ogp-bench-evidence-')),
      // One client makes every request of the run.
      PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000000',
      TOKEN_RATE_LIMIT_PER_MINUTE: '1000000000',
    });
    stops.push(() => stopProcess(api));
    const barePort = await freePort();
    const bare = startProcess('bare', ['--import', 'tsx', 'bench/bare-nest-app.ts'], { ...process.env, PORT: String(barePort) });
    stops.push(() => stopProcess(bare));
    await until200(`${apiUrl}/public/jurisdictions`);
    await until200(`http://127.0.0.1:${barePort}/`);

    log('Loading the Rosario demo plan through the API...');
    const demo = await loadDemoPlan(apiUrl, adminToken);
    const plans = (await (await fetch(`${apiUrl}/public/jurisdictions/${DEMO_JURISDICTION_SLUG}/plans`)).json()) as { id: string }[];
    const planId = plans[0]?.id;
    if (!planId) throw new Error('The demo plan is not published');
    log(`Demo plan ${planId}: ${demo.milestones} milestones. ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${seconds} s per target.`);
    const pageUrl = `${apiUrl}/p/${DEMO_JURISDICTION_SLUG}/plans/${planId}`;
    const page = await fetch(pageUrl);
    const json = await fetch(`${apiUrl}/public/plans/${planId}`);
    log(`Bodies: plan JSON ${(await json.arrayBuffer()).byteLength} bytes, plan page ${(await page.clone().arrayBuffer()).byteLength} bytes.`);
    const targets: [string, string, Record<string, string>?][] = [
      ['bare NestJS route', `http://127.0.0.1:${barePort}/`],
      ['GET /public/plans/{id}', `${apiUrl}/public/plans/${planId}`],
      ...(page.status === 200 ? [['plan page /p/rosario/plans/{id}', pageUrl, { 'accept-language': 'es' }] as [string, string, Record<string, string>]] : []),
    ];
    if (page.status !== 200) log(`The plan page answered ${page.status}: not measured.`);
    // BENCH_ONLY=<text>: only the targets whose name contains it (e.g. while profiling one route).
    if (process.env.BENCH_ONLY) targets.splice(0, targets.length, ...targets.filter(([name]) => name.includes(process.env.BENCH_ONLY!)));
    const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
    log(`Load average before measuring: ${load()} (1, 5, 15 min; 2 cores)`);
    const results: Figures[] = [];
    for (const [name, url, headers] of targets) {
      const figures = await measure(name, url, seconds, headers);
      log(`${name}: ${figures.rps.toFixed(0)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms${figures.non2xx || figures.errors ? ` (non-2xx ${figures.non2xx}, errors ${figures.errors})` : ''}`);
      results.push(figures);
    }
    log(`Load average after measuring: ${load()}`);
    const bareRps = results[0].rps;
    console.log(
      [
        '',
        `| target | requests/s | p50 | p99 | ratio to bare |`,
        '|---|---|---|---|---|',
        ...results.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} ms | ${r.p99} ms | ${(r.rps / bareRps).toFixed(2)}× |`),
      ].join('\n'),
    );
    const failed = results.filter((r) => r.non2xx > 0 || r.errors > 0);
    if (failed.length) throw new Error(`Some requests failed: ${failed.map((r) => `${r.name} (non-2xx ${r.non2xx}, errors ${r.errors})`).join(', ')}`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error) => log(`while stopping: ${String(error)}`));
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
