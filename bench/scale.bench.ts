/**
 * `npm run bench -- scale [milestones]` (default 25000): many milestone workflows on one worker and
 * one Temporal dev server, as when every OGP Local and national plan is activated at once (issue #12).
 *
 * The pieces are the production ones: a Temporal dev server of its own (in memory, free loopback
 * port), a throwaway database on DATABASE_URL's server, the built worker (`npm run build` first,
 * unless BENCH_SKIP_BUILD=1) as its own process (`node dist/apps/worker/src/main.js`, default
 * settings) so its memory is its own, and a loopback SMTP sink that notes when each message arrives.
 * Plans, commitments and milestones are written with SQL (setup speed); the workflows are started
 * as activation starts them: SyncPlanWorkflows (scope `all`) for every plan at once, one hand-over
 * after the other within a plan (signal-with-start of the commitment's workflow, which starts the
 * milestone's as its child).
 *
 * 1. No-op: as many workflows that do nothing (bench/scale-noop.workflow.ts, a worker of its own in
 *    this process), started with signal-with-start in the same number of lanes as there are plans.
 * 2. Milestones: every milestone of every plan. Started = the milestone's workflow exists (the
 *    commitment's has started it as its child; compared with the no-op rate), and past its first
 *    activity (status `open` in the database). Their evidence requests fall due after
 *    BENCH_START_BUDGET_SECONDS, spread over BENCH_SPREAD_SECONDS.
 * 3. Probes: with all those workflows live and waiting, BENCH_PROBES more milestones whose evidence
 *    requests fall due one by one over BENCH_PROBE_WINDOW_SECONDS. Deadline → email = the sink's
 *    receipt minus the request's due instant (due date − lead time, from the stored policy); each
 *    email is known by its Message-ID (from its idempotency key).
 * 4. The burst: every request falls due, the first reminder BENCH_REMINDER_SECONDS after each.
 *    Measured: when all of them have passed their first reminder, or, when BENCH_BURST_MAX_SECONDS
 *    runs out first, the emails sent by then (the sustained rate) and the projected time.
 *
 * The worker's peak RSS is VmHWM of its process (VmRSS sampled every 250 ms for the timeline).
 * BENCH_CPU_PROF=<dir>: the worker writes a V8 CPU profile there when it stops.
 */
import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { evidenceEmailKey, type MonitoringPolicy } from '../libs/domain/src';
import { AGENCY_ID_ATTRIBUTE, COMMITMENT_ID_ATTRIBUTE, COMMITMENT_STATUS_ATTRIBUTE, PLAN_ID_ATTRIBUTE } from '../workflows/src/search-attributes';
import { dropDatabase, ensureDatabase } from '../infra/dev-stack/embedded-postgres';
import { startTemporalDevServer } from '../infra/dev-stack/temporal-dev-server';
import { noopFollowSignal } from './scale-noop.workflow';

const ROOT = path.resolve(__dirname, '..');
const COMMITMENTS_PER_PLAN = 20;
const MILESTONES_PER_COMMITMENT = 5;
const AGENCIES_PER_PLAN = 5;
const LEAD_SECONDS = 3600;
const REMINDER_SECONDS = Number(process.env.BENCH_REMINDER_SECONDS ?? 60);
const SPREAD_SECONDS = Number(process.env.BENCH_SPREAD_SECONDS ?? 60);
const PROBES = Number(process.env.BENCH_PROBES ?? 100);
const PROBE_WINDOW_SECONDS = Number(process.env.BENCH_PROBE_WINDOW_SECONDS ?? 50);
const NOOP_TASK_QUEUE = 'bench-scale-noop';
const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => loadavg().map((l) => l.toFixed(1)).join(', ');

/** The stored policy: the request an hour before the due date, one reminder, nothing else within the run. */
const POLICY: Partial<MonitoringPolicy> = {
  evidenceRequestLeadSeconds: LEAD_SECONDS,
  reminderIntervalSeconds: REMINDER_SECONDS,
  maxReminders: 1,
  escalationGraceSeconds: 3600,
  secondLevelEscalationSeconds: 7200,
  uploadLinkValidityAfterDueSeconds: 600,
  resubmissionSeconds: 600,
};

function messageIdOf(idempotencyKey: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@ogp-monitor>`;
}

/** A loopback SMTP server that notes when each message (by Message-ID) has arrived in full. */
async function startSink() {
  const received = new Map<string, number>();
  let total = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 16_384 && !head.includes('\r\n\r\n')) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const at = Date.now();
        total++;
        const id = /^message-id:\s*(<[^>]+>)/im.exec(head)?.[1];
        if (id && !received.has(id)) received.set(id, at);
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, received, total: () => total, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The worker process's resident set: VmRSS every 250 ms, VmHWM (its peak, kept by the kernel). */
function memoryOf(pid: number) {
  const read = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, read('VmRSS'));
    } catch {
      // the process has gone
    }
  }, 250);
  return {
    now: () => read('VmRSS'),
    peak: () => {
      try {
        return Math.max(peak, read('VmHWM'));
      } catch {
        return peak;
      }
    },
    stop: () => clearInterval(timer),
  };
}

const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function delays(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `n=${sorted.length}, p50 ${(percentile(sorted, 50) / 1000).toFixed(2)} s, p99 ${(percentile(sorted, 99) / 1000).toFixed(2)} s, max ${(sorted[sorted.length - 1]! / 1000).toFixed(2)} s`;
}

/** Polls until `done()` (bounded: fails loudly, saying how far it got). */
async function until(what: string, timeoutMs: number, progress: () => Promise<number>, target: number, everyMs = 1000): Promise<number> {
  const started = Date.now();
  let last = -1;
  let lastLog = 0;
  while (Date.now() - started < timeoutMs) {
    last = await progress();
    if (last >= target) return Date.now();
    if (Date.now() - lastLog > 15_000) {
      log(`  ${what}: ${last}/${target} (load ${load()})`);
      lastLog = Date.now();
    }
    await sleep(everyMs);
  }
  throw new Error(`${what}: only ${last} of ${target} after ${Math.round(timeoutMs / 1000)} s`);
}

/** Runs `count` jobs in `lanes` lanes, each lane one job after the other. */
async function inLanes(count: number, lanes: number, job: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, count) }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

/**
 * The application's modules as the API and the worker run them: the built ones (dist/), since Nest's
 * injection needs the decorator metadata tsc emits (tsx does not).
 */
function built() {
  const load = <T>(file: string): T => require(path.join(ROOT, 'dist', file));
  const application = load<typeof import('../libs/application/src')>('libs/application/src');
  const { AppConfigModule } = load<typeof import('../libs/config/src')>('libs/config/src');
  const { MailModule } = load<typeof import('../libs/mail/src')>('libs/mail/src');
  const { PersistenceModule } = load<typeof import('../libs/persistence/src')>('libs/persistence/src');
  const { TEMPORAL_CLIENT, TemporalClientModule } = load<typeof import('../libs/temporal/src')>('libs/temporal/src');
  @Module({ imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: true }), TemporalClientModule, application.ApplicationModule, MailModule] })
  class BenchModule {}
  return { BenchModule, TEMPORAL_CLIENT, SyncPlanWorkflows: application.SyncPlanWorkflows, SyncPlanWorkflowsCommand: application.SyncPlanWorkflowsCommand };
}

/** Plans of 20 commitments × 5 milestones, each in a jurisdiction of its own with 5 agencies; all active, milestones not started. */
async function seed(db: DataSource, plans: number, prefix: string): Promise<string[]> {
  return db.transaction(async (m) => {
    const ids: string[] = [];
    for (let p = 0; p < plans; p++) {
      const [j] = await m.query(
        `INSERT INTO jurisdiction (slug, name, country, time_zone, default_language, office_contacts) VALUES ($1, $2, 'AR', 'America/Argentina/Cordoba', 'es', '[]') RETURNING id`,
        [`${prefix}-${p}`, `Ciudad ${prefix} ${p}`],
      );
      await m.query(
        `INSERT INTO agency (jurisdiction_id, name, language, contacts) SELECT $1, 'Secretaría ' || g, 'es', jsonb_build_array(jsonb_build_object('name', 'Enlace ' || g, 'email', 'agencia-' || g || '-' || $2 || '@bench.example')) FROM generate_series(1, ${AGENCIES_PER_PLAN}) g`,
        [j.id, `${prefix}-${p}`],
      );
      const [plan] = await m.query(
        `INSERT INTO action_plan (jurisdiction_id, title, period_start, period_end, term_end, status, policy, imb_contacts, endorsing_stakeholders) VALUES ($1, $2, '2026-01-01', '2027-12-31', '2027-12-31', 'active', $3, '[]', '{}') RETURNING id`,
        [j.id, `Plan de Acción ${prefix} ${p}`, JSON.stringify(POLICY)],
      );
      await m.query(
        `INSERT INTO commitment (plan_id, title, lead_agency_id)
         SELECT $1, 'Compromiso ' || g, (SELECT id FROM agency WHERE jurisdiction_id = $2 ORDER BY name OFFSET (g % ${AGENCIES_PER_PLAN}) LIMIT 1) FROM generate_series(1, ${COMMITMENTS_PER_PLAN}) g`,
        [plan.id, j.id],
      );
      await m.query(
        `INSERT INTO milestone (commitment_id, title, expected_output, start_at, due_at, original_due_at, responsible_agency_id, status)
         SELECT c.id, 'Hito ' || g, 'Informe publicado', now() - interval '1 day', now() + interval '1 year', now() + interval '1 year', c.lead_agency_id, 'not_started'
         FROM commitment c, generate_series(1, ${MILESTONES_PER_COMMITMENT}) g WHERE c.plan_id = $1`,
        [plan.id],
      );
      ids.push(plan.id);
    }
    return ids;
  });
}

/**
 * Sets the due dates so the evidence requests of these plans' milestones fall due from `from`,
 * spread evenly over `spreadMs`; returns each milestone's request instant.
 */
async function scheduleRequests(db: DataSource, planIds: string[], from: number, spreadMs: number): Promise<Map<string, number>> {
  const rows: { id: string }[] = await db.query(`SELECT m.id FROM milestone m JOIN commitment c ON c.id = m.commitment_id WHERE c.plan_id = ANY($1) ORDER BY m.id`, [planIds]);
  const at = new Map(rows.map((r, i) => [r.id, from + Math.floor((spreadMs * i) / Math.max(1, rows.length - 1 || 1))]));
  const ids = [...at.keys()];
  const dues = ids.map((id) => new Date(at.get(id)! + LEAD_SECONDS * 1000).toISOString());
  await db.query(`UPDATE milestone m SET due_at = v.due::timestamptz, original_due_at = v.due::timestamptz FROM unnest($1::uuid[], $2::text[]) AS v(id, due) WHERE m.id = v.id`, [ids, dues]);
  return at;
}

function startWorker(env: NodeJS.ProcessEnv): ChildProcess {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const child = spawn(process.execPath, [...profile, 'dist/apps/worker/src/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) console.error(`[bench] the worker exited with ${code}:\n${stderr}`);
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}

/** Waits until a worker polls the task queue (the worker is up). */
async function untilPolled(client: Client, taskQueue: string, timeoutMs = 120_000): Promise<void> {
  await until(
    `a worker polling ${taskQueue}`,
    timeoutMs,
    async () => {
      const answer = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1 });
      return answer.pollers?.length ?? 0;
    },
    1,
    500,
  );
}

async function main(): Promise<void> {
  const count = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 25_000);
  const plans = Math.ceil(count / (COMMITMENTS_PER_PLAN * MILESTONES_PER_COMMITMENT));
  const milestones = plans * COMMITMENTS_PER_PLAN * MILESTONES_PER_COMMITMENT;
  const startBudgetSeconds = Number(process.env.BENCH_START_BUDGET_SECONDS ?? Math.max(30, Math.ceil(milestones / 40)));
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('Set DATABASE_URL to a PostgreSQL server (a throwaway database is created on it).');
  const benchStarted = Date.now();
  if (!process.env.BENCH_SKIP_BUILD) {
    log('Building (npm run build)...');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }
  const stops: (() => Promise<void>)[] = [];
  const lines: string[] = [];
  const result = (line: string) => (log(line), lines.push(line));
  try {
    const temporal = await startTemporalDevServer({ log });
    stops.push(() => temporal.stop());
    const sink = await startSink();
    stops.push(() => sink.stop());
    const server = new URL(serverUrl);
    server.pathname = '';
    const serverBase = server.toString().replace(/\/$/, '');
    const dbName = `ogp_bench_scale_${Date.now()}`;
    await ensureDatabase(serverBase, dbName);
    stops.push(() => dropDatabase(serverBase, dbName));
    const dbUrl = new URL(serverUrl);
    dbUrl.pathname = `/${dbName}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: dbUrl.toString(),
      TEMPORAL_ADDRESS: temporal.address,
      SMTP_URL: sink.url,
      UPLOAD_LINK_SECRET: randomBytes(24).toString('base64url'),
      ADMIN_TOKEN: randomBytes(24).toString('base64url'),
      EVIDENCE_DIR: mkdtempSync(path.join(tmpdir(), 'ogp-bench-scale-evidence-')),
      PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
    };
    Object.assign(process.env, env);
    const { BenchModule, TEMPORAL_CLIENT, SyncPlanWorkflows, SyncPlanWorkflowsCommand } = built();
    const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
    stops.push(() => app.close());
    const db = app.get(DataSource);
    const sync = app.get(SyncPlanWorkflows);
    const activate = (planId: string) => sync.execute(SyncPlanWorkflowsCommand.create({ planId, scope: 'all' }));
    const client = app.get<Client>(TEMPORAL_CLIENT);

    let t = Date.now();
    const planIds = await seed(db, plans, 'scale');
    const [probePlan] = PROBES > 0 ? await seed(db, 1, 'probe') : [];
    if (probePlan) await db.query(`DELETE FROM milestone WHERE id IN (SELECT m.id FROM milestone m JOIN commitment c ON c.id = m.commitment_id WHERE c.plan_id = $1 ORDER BY m.id OFFSET $2)`, [probePlan, PROBES]);
    log(`Seeded ${plans} plans × ${COMMITMENTS_PER_PLAN} commitments × ${MILESTONES_PER_COMMITMENT} milestones = ${milestones} milestones (+ ${PROBES} probes) in ${((Date.now() - t) / 1000).toFixed(1)} s.`);

    const worker = startWorker(env);
    stops.push(() => stopWorker(worker));
    const memory = memoryOf(worker.pid!);
    stops.push(async () => memory.stop());
    await untilPolled(client, env.TEMPORAL_TASK_QUEUE ?? 'ogp-monitor');
    log(`Worker ${worker.pid} polling (RSS ${mib(memory.now())}). Load average ${load()} (1, 5, 15 min; 2 cores).`);

    // 1. No-op workflows: same server, same signal-with-start, same lanes (one per plan). BENCH_SKIP_NOOP=1 skips them.
    let noopCalls = NaN;
    let noopSeconds = NaN;
    if (!process.env.BENCH_SKIP_NOOP) {
      const noopConnection = await NativeConnection.connect({ address: temporal.address });
      const noopWorker = await Worker.create({ connection: noopConnection, taskQueue: NOOP_TASK_QUEUE, workflowsPath: require.resolve('./scale-noop.workflow') });
      const noopRunning = noopWorker.run();
      const followPayload = { milestoneId: '', startAt: new Date().toISOString(), dueAt: new Date().toISOString(), status: 'not_started', responsibleAgencyId: planIds[0], policy: POLICY };
      t = Date.now();
      await inLanes(milestones, plans, async (i) => {
        await client.workflow.signalWithStart('scaleNoopWorkflow', {
          workflowId: `noop-${i}`,
          taskQueue: NOOP_TASK_QUEUE,
          args: [{ commitmentId: `c-${i}`, planId: planIds[0], leadAgencyId: planIds[0] }],
          signal: noopFollowSignal,
          signalArgs: [{ ...followPayload, milestoneId: `m-${i}` }],
          typedSearchAttributes: [
            { key: PLAN_ID_ATTRIBUTE, value: planIds[0]! },
            { key: COMMITMENT_ID_ATTRIBUTE, value: `c-${i}` },
            { key: AGENCY_ID_ATTRIBUTE, value: planIds[0]! },
            { key: COMMITMENT_STATUS_ATTRIBUTE, value: 'active' },
          ],
        });
      });
      noopCalls = (Date.now() - t) / 1000;
      const noopDone = await until('no-op workflows completed', 1_800_000, async () => (await client.workflow.count(`WorkflowType = "scaleNoopWorkflow" AND ExecutionStatus = "Completed"`)).count, milestones);
      noopSeconds = (noopDone - t) / 1000;
      noopWorker.shutdown();
      await noopRunning;
      await noopConnection.close();
      result(`No-op: ${milestones} started in ${noopCalls.toFixed(1)} s (${(milestones / noopCalls).toFixed(0)}/s signal-with-start calls), all completed after ${noopSeconds.toFixed(1)} s (${(milestones / noopSeconds).toFixed(0)}/s).`);
    }

    // 2. Milestone workflows: every plan activated at once.
    const requestFrom = Date.now() + startBudgetSeconds * 1000;
    const requestAt = await scheduleRequests(db, planIds, requestFrom, SPREAD_SECONDS * 1000);
    log(`Evidence requests fall due from +${startBudgetSeconds} s, over ${SPREAD_SECONDS} s; first reminders ${REMINDER_SECONDS} s after each. Load average ${load()}.`);
    const startedAt = Date.now();
    await Promise.all(planIds.map(activate));
    const callsSeconds = (Date.now() - startedAt) / 1000;
    const countOpen = async () => Number((await db.query(`SELECT count(*)::int AS n FROM milestone m JOIN commitment c ON c.id = m.commitment_id WHERE c.plan_id = ANY($1) AND m.status <> 'not_started'`, [planIds]))[0].n);
    // Started in Temporal's sense (the commitment's workflow has started the milestone's as its child), and
    // started in the product's (the milestone's workflow has run its first activity: status `open`).
    // The bench's server holds no other milestone workflow yet (the probes' plan is activated later).
    const countStarted = async () => (await client.workflow.count(`WorkflowType = "milestoneWorkflow"`)).count;
    const [runningDone, openDone] = await Promise.all([
      until('milestone workflows started (children running)', 1_800_000, countStarted, milestones, 2000),
      until('milestone workflows past their first activity (status open)', 1_800_000, countOpen, milestones),
    ]);
    const runningSeconds = (runningDone - startedAt) / 1000;
    const startSeconds = (openDone - startedAt) / 1000;
    const rssAfterStart = memory.now();
    result(
      `Milestones: ${milestones} handed over in ${callsSeconds.toFixed(1)} s (${(milestones / callsSeconds).toFixed(0)}/s); all workflows started after ${runningSeconds.toFixed(1)} s (${(milestones / runningSeconds).toFixed(0)}/s, ${(noopSeconds / runningSeconds).toFixed(2)}× the no-op rate${process.env.BENCH_SKIP_NOOP ? ', none measured: BENCH_SKIP_NOOP' : ''}); all past their first activity after ${startSeconds.toFixed(1)} s (${(milestones / startSeconds).toFixed(0)}/s, ${(noopSeconds / startSeconds).toFixed(2)}×); calls ${(noopCalls / callsSeconds).toFixed(2)}× the no-op's. Worker RSS ${mib(rssAfterStart)}.`,
    );
    if (openDone > requestFrom) log(`  note: the start phase ran ${((openDone - requestFrom) / 1000).toFixed(0)} s past the first request's due instant (raise BENCH_START_BUDGET_SECONDS).`);

    /** The closing figures, then every result line again as one block to copy. */
    const finish = () => {
      result(`Worker peak RSS (VmHWM): ${mib(memory.peak())}. Emails received: ${sink.total()}. Load average at the end ${load()}. Bench ran ${((Date.now() - benchStarted) / 60_000).toFixed(1)} min.`);
      console.log(['', ...lines].join('\n'));
    };
    const countReceived = (ids: Map<string, string>) => async () => [...ids.values()].filter((id) => sink.received.has(id)).length;
    // 3. Probes, with every milestone workflow live and waiting (their requests fall due after the start budget).
    if (probePlan) {
      const probeFrom = Date.now() + 15_000;
      const probeAt = await scheduleRequests(db, [probePlan], probeFrom, PROBE_WINDOW_SECONDS * 1000);
      await activate(probePlan);
      const probeRequestId = new Map([...probeAt.keys()].map((id) => [id, messageIdOf(evidenceEmailKey(id, 1, 0))]));
      const probeReminderId = new Map([...probeAt.keys()].map((id) => [id, messageIdOf(evidenceEmailKey(id, 1, 1))]));
      await until('probe requests and reminders received', PROBE_WINDOW_SECONDS * 1000 + REMINDER_SECONDS * 1000 + 300_000, async () => (await countReceived(probeRequestId)()) + (await countReceived(probeReminderId)()), 2 * probeAt.size);
      const probeDelays = [...probeAt].map(([id, at]) => sink.received.get(probeRequestId.get(id)!)! - at);
      const probeReminderDelays = [...probeAt.keys()].map((id) => sink.received.get(probeReminderId.get(id)!)! - (sink.received.get(probeRequestId.get(id)!)! + REMINDER_SECONDS * 1000));
      result(`Probes (${probeAt.size} requests due one every ${((PROBE_WINDOW_SECONDS * 1000) / probeAt.size).toFixed(0)} ms, ${milestones} milestone workflows live), request due → email: ${delays(probeDelays)}`);
      result(`  probe reminders (≥ request email + ${REMINDER_SECONDS} s) → email: ${delays(probeReminderDelays)}`);
    }

    // 4. The burst: every request falls due within BENCH_SPREAD_SECONDS, each first reminder BENCH_REMINDER_SECONDS later.
    const requestId = new Map([...requestAt.keys()].map((id) => [id, messageIdOf(evidenceEmailKey(id, 1, 0))]));
    const reminderId = new Map([...requestAt.keys()].map((id) => [id, messageIdOf(evidenceEmailKey(id, 1, 1))]));
    const lastRequestDue = requestFrom + SPREAD_SECONDS * 1000;
    if (Date.now() > requestFrom) log(`  note: the probes ran ${((Date.now() - requestFrom) / 1000).toFixed(0)} s into the burst (raise BENCH_START_BUDGET_SECONDS).`);
    // BENCH_BURST_MAX_SECONDS bounds the wait: the emails sent by then give the sustained rate and the projected time.
    const burstMaxMs = process.env.BENCH_BURST_MAX_SECONDS ? Number(process.env.BENCH_BURST_MAX_SECONDS) * 1000 : Math.max(600_000, milestones * 60);
    const emailsBefore = sink.total();
    await sleep(Math.max(0, requestFrom - Date.now()));
    const timeoutMs = lastRequestDue + REMINDER_SECONDS * 1000 + burstMaxMs - Date.now();
    const allReminded = await until('first reminders received', timeoutMs, countReceived(reminderId), milestones, 2000).catch(async (error: Error) => {
      const seconds = (Date.now() - requestFrom) / 1000;
      const sent = sink.total() - emailsBefore;
      const reminded = await countReceived(reminderId)();
      const rate = sent / seconds;
      result(`Burst not over after ${seconds.toFixed(0)} s (BENCH_BURST_MAX_SECONDS): ${sent} emails received (${rate.toFixed(1)}/s sustained), ${await countReceived(requestId)()} of ${milestones} requests and ${reminded} reminders; at that rate all ${2 * milestones} emails take ${((2 * milestones) / rate / 60).toFixed(0)} min. Worker RSS ${mib(memory.now())}.`);
      log(error.message);
      return undefined;
    });
    if (allReminded === undefined) {
      return finish();
    }
    const rssAfterReminders = memory.now();
    const requestDelays = [...requestAt].map(([id, at]) => sink.received.get(requestId.get(id)!)! - at);
    const reminderDelays = [...requestAt.keys()].map((id) => sink.received.get(reminderId.get(id)!)! - (sink.received.get(requestId.get(id)!)! + REMINDER_SECONDS * 1000));
    result(`All ${milestones} passed their first reminder ${((allReminded - startedAt) / 1000).toFixed(1)} s after the first hand-over, ${((allReminded - lastRequestDue - REMINDER_SECONDS * 1000) / 1000).toFixed(1)} s after the last one was due (requests due over ${SPREAD_SECONDS} s: ${(milestones / SPREAD_SECONDS).toFixed(0)}/s). Worker RSS ${mib(rssAfterReminders)}.`);
    result(`  burst, request due → email: ${delays(requestDelays)}`);
    result(`  burst, reminder (≥ request email + ${REMINDER_SECONDS} s) → email: ${delays(reminderDelays)}`);

    finish();
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
