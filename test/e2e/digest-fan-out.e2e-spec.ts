/**
 * The monthly digest's fan-out through real SMTP with the real worker binary (dist/) as a child
 * process: killed twice mid-send and started again, every confirmed subscriber has exactly one
 * digest; a relay answering 421 for a while loses nobody; a subscriber who unsubscribes during the
 * send is skipped; the received message carries List-Unsubscribe and List-Unsubscribe-Post; an
 * address refused three times (5xx) gets nothing more.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { SMTP_POOL } from '../../libs/mail/src/mail-transport';
import { digestWorkflowId, type DigestResult } from '../../workflows/src/messages';
import { createPlanFixture, eventually, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';
import { workflowBundle } from '../support/workflow-bundle';

const WORKER = path.resolve(__dirname, '../../dist/apps/worker/src/main.js');

describe('digest fan-out', () => {
  let system: TestSystem;
  let db: DataSource;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npm run build\` first (npm test does).`);
    system = await startTestSystem({ worker: false });
    db = system.api.get(DataSource);
  });

  afterAll(async () => {
    await stopWorker('SIGTERM');
    await system?.close();
  });

  function startWorker(): void {
    const { config } = system;
    worker = spawn(process.execPath, [WORKER], {
      env: {
        ...process.env,
        DATABASE_URL: config.databaseUrl,
        TEMPORAL_ADDRESS: config.temporal.address,
        TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
        WORKFLOW_BUNDLE_PATH: workflowBundle().codePath,
        SMTP_URL: config.smtpUrl,
        UPLOAD_LINK_SECRET: config.uploadLinkSecret,
        ADMIN_TOKEN: config.adminToken,
        PUBLIC_BASE_URL: config.publicBaseUrl,
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }

  function stopWorker(signal: NodeJS.Signals): Promise<void> {
    const child = worker;
    worker = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** The digest's subject names the plan (its title is unique per fixture) and the month, in the reader's language. */
  async function digestSubjectOf(fixture: PlanFixture): Promise<(subject: string) => boolean> {
    const [{ title }] = (await db.query(`SELECT title FROM action_plan WHERE id = $1`, [fixture.planId])) as { title: string }[];
    return (subject: string) => subject.startsWith(`${title}:`);
  }

  async function subscribe(fixture: PlanFixture, count: number, tag: string): Promise<{ id: string; email: string }[]> {
    return db.query(
      `INSERT INTO subscriber (plan_id, email, language, status, consent_source, consented_at, confirmed_at)
       SELECT $1, $2 || '-' || g || '@sub.example', CASE WHEN g % 2 = 0 THEN 'es' ELSE 'en' END, 'confirmed', 'import', now(), now() FROM generate_series(1, $3) g
       RETURNING id, email`,
      [fixture.planId, tag, count],
    );
  }

  /** Copies received per address of `emails`, and the spread (how many got 0, 1, 2+). */
  function copies(subject: (s: string) => boolean, emails: string[]) {
    const per = new Map(emails.map((e) => [e.toLowerCase(), 0]));
    for (const m of system.mail.messages) {
      if (!subject(m.parsed.subject ?? '')) continue;
      for (const to of m.envelopeTo) if (per.has(to.toLowerCase())) per.set(to.toLowerCase(), per.get(to.toLowerCase())! + 1);
    }
    const values = [...per.values()];
    return { per, none: values.filter((v) => v === 0).length, once: values.filter((v) => v === 1).length, twice: values.filter((v) => v > 1).length };
  }

  async function outboxOf(planId: string, month: string): Promise<Record<string, number>> {
    const rows: { status: string; n: number }[] = await db.query(`SELECT status, count(*)::int AS n FROM outbox_message WHERE idempotency_key LIKE $1 GROUP BY status`, [`digest:${planId}:${month}:%`]);
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  it('sends every confirmed subscriber exactly one digest with the worker killed twice mid-send', async () => {
    const fixture = await createPlanFixture(system, { language: 'en' });
    const month = '2031-01';
    const subscribers = await subscribe(fixture, 1000, `crash-${fixture.planId.slice(0, 8)}`);
    const emails = subscribers.map((s) => s.email);
    const isDigest = await digestSubjectOf(fixture);

    // Killed by the sink at the worst moment: a message stored, its 250 not yet given.
    const killAt = [250, 600];
    let kills = 0;
    let received = 0;
    system.mail.beforeAccept = async (mail) => {
      if (isDigest(mail.parsed.subject ?? '')) received++;
      if (kills < killAt.length && received >= killAt[kills]!) {
        kills++;
        await stopWorker('SIGKILL');
        setTimeout(startWorker, 500);
      }
    };
    startWorker();
    const handle = await system.temporal.workflow.start('digestWorkflow', {
      workflowId: digestWorkflowId(fixture.planId, month),
      taskQueue: system.config.temporal.taskQueue,
      args: [{ planId: fixture.planId, month, batchSize: 100, batchesPerRun: 3 }],
    });
    const result = await handle.result() as DigestResult;
    system.mail.beforeAccept = undefined;
    expect(kills).toBe(2);

    const seen = copies(isDigest, emails);
    const outbox = await outboxOf(fixture.planId, month);
    // eslint-disable-next-line no-console
    console.log(`digest to 1000 subscribers, worker killed ${kills}x: result ${JSON.stringify(result)}; received once ${seen.once}, twice or more ${seen.twice}, none ${seen.none}; outbox ${JSON.stringify(outbox)}`);
    expect(seen.twice).toBe(0);
    expect(result).toMatchObject({ status: 'completed', total: 1000 });
    expect(result.sent + result.failed + result.skipped).toBe(1000);

    // Only messages marked `sending` when the worker died are `unconfirmed` (never sent again): those
    // whose envelope the server had accepted (one per SMTP connection) and those sent whose result
    // was not yet written (a few milliseconds' worth), per kill. The rest were dropped by the server
    // unfinished, or never handed over, and were sent again.
    const unconfirmed: { id: string; to: string }[] = await db.query(`SELECT id, to_address AS "to" FROM outbox_message WHERE idempotency_key LIKE $1 AND status = 'unconfirmed'`, [`digest:${fixture.planId}:${month}:%`]);
    expect(unconfirmed.length).toBeLessThanOrEqual(kills * 2 * SMTP_POOL.maxConnections);
    const missing = unconfirmed.filter((u) => seen.per.get(u.to.toLowerCase()) === 0);
    // Nobody is missing but an unconfirmed one; the coordinator checks those and resends what the
    // recipient did not get (POST /outbox/{id}/resend).
    expect(seen.none).toBe(missing.length);
    for (const row of missing) await system.http().post(`/outbox/${row.id}/resend`).set(fixture.coordinator).expect(200);
    const after = copies(isDigest, emails);
    // eslint-disable-next-line no-console
    console.log(`unconfirmed after the kills: ${unconfirmed.length} (${unconfirmed.length - missing.length} had arrived, ${missing.length} resent by the coordinator); now once ${after.once}, twice ${after.twice}, none ${after.none}`);
    expect(after).toMatchObject({ once: 1000, twice: 0, none: 0 });
    const progress = await system.http().get(`/plans/${fixture.planId}/digests/${month}`).set(fixture.coordinator);
    if (progress.status === 200) expect(progress.body).toMatchObject({ status: 'completed', total: 1000 });
  }, 300_000);

  it('loses nobody while the relay answers 421 for a while, skips who unsubscribes meanwhile, and sends List-Unsubscribe', async () => {
    const fixture = await createPlanFixture(system, { language: 'en' });
    const month = '2031-02';
    const subscribers = await subscribe(fixture, 200, `throttle-${fixture.planId.slice(0, 8)}`);
    const isDigest = await digestSubjectOf(fixture);
    // The last subscriber (in id order) leaves while the relay throttles.
    const [last] = await db.query(`SELECT id, email FROM subscriber WHERE plan_id = $1 ORDER BY id DESC LIMIT 1`, [fixture.planId]);
    system.mail.throttleRecipients = 40;
    if (!worker) startWorker();
    const handle = await system.temporal.workflow.start('digestWorkflow', {
      workflowId: digestWorkflowId(fixture.planId, month),
      taskQueue: system.config.temporal.taskQueue,
      args: [{ planId: fixture.planId, month, batchSize: 50 }],
    });
    await eventually(async () => system.mail.throttleRecipients, (n) => n < 40, 30_000, 50);
    await db.query(`UPDATE subscriber SET status = 'unsubscribed', unsubscribed_at = now() WHERE id = $1`, [last.id]);
    const result = (await handle.result()) as DigestResult;
    const seen = copies(isDigest, subscribers.map((s) => s.email));
    // eslint-disable-next-line no-console
    console.log(`digest to 200 subscribers through 40 answers of 421: result ${JSON.stringify(result)}; received once ${seen.once}, twice ${seen.twice}, none ${seen.none}`);
    expect(system.mail.throttleRecipients).toBe(0);
    expect(result).toMatchObject({ status: 'completed', sent: 199, skipped: 1, failed: 0, total: 200 });
    expect(seen.twice).toBe(0);
    expect(seen.per.get(last.email.toLowerCase())).toBe(0);
    expect(seen.once).toBe(199);

    // Any subscriber but the one who left (ids are random: the first inserted may be the last by id).
    const stayed = subscribers.find((s) => s.id !== last.id)!;
    const message = system.mail.to(stayed.email).find((m) => isDigest(m.parsed.subject ?? ''))!;
    const header = (name: string) => message.parsed.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n[ \t]+/g, ' ');
    expect(header('list-unsubscribe')).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1\/subscriptions\/unsubscribe\/[^>]+>$/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(message.parsed.text).toContain('/subscriptions/unsubscribe/');
  }, 300_000);

  it('stops mailing an address the relay refused permanently three times (BOUNCE_THRESHOLD), and keeps it out of the next audience', async () => {
    const fixture = await createPlanFixture(system, { language: 'en' });
    const subscribers = await subscribe(fixture, 3, `bounce-${fixture.planId.slice(0, 8)}`);
    const bad = subscribers[0];
    system.mail.rejectRecipients.add(bad.email.toLowerCase());
    const isDigest = await digestSubjectOf(fixture);
    if (!worker) startWorker();
    const refusalsOfBad = () => system.mail.refusals.filter((a) => a === bad.email.toLowerCase()).length;
    const runMonth = async (month: string) =>
      (await (
        await system.temporal.workflow.start('digestWorkflow', {
          workflowId: digestWorkflowId(fixture.planId, month),
          taskQueue: system.config.temporal.taskQueue,
          args: [{ planId: fixture.planId, month, batchSize: 50 }],
        })
      ).result()) as DigestResult;
    const subscriberRow = async () => ((await db.query(`SELECT status, bounce_count AS "bounceCount" FROM subscriber WHERE id = $1`, [bad.id])) as { status: string; bounceCount: number }[])[0];

    const months = ['2031-03', '2031-04', '2031-05'];
    for (const [n, month] of months.entries()) {
      const result = await runMonth(month);
      expect(result).toMatchObject({ status: 'completed', total: 3, sent: 2, failed: 1, skipped: 0 });
      expect(refusalsOfBad()).toBe(n + 1);
      expect(await subscriberRow()).toEqual({ status: n + 1 < 3 ? 'confirmed' : 'bounced', bounceCount: n + 1 });
    }
    const outbox = await db.query(`SELECT status, last_error AS "lastError" FROM outbox_message WHERE idempotency_key = $1`, [`digest:${fixture.planId}:2031-05:${bad.id}`]);
    expect(outbox[0]).toMatchObject({ status: 'failed' });
    expect(outbox[0].lastError).toContain('550');

    // The fourth month: the bounced address is not in the audience; nobody tries it.
    const fourth = await runMonth('2031-06');
    expect(fourth).toMatchObject({ status: 'completed', total: 2, sent: 2, failed: 0 });
    expect(refusalsOfBad()).toBe(3);
    const others = copies(isDigest, subscribers.slice(1).map((s) => s.email));
    expect(others).toMatchObject({ once: 0, twice: 2, none: 0 }); // two subscribers, four months each: counted as "twice or more"
    expect([...others.per.values()]).toEqual([4, 4]);
    // eslint-disable-next-line no-console
    console.log(`hard bounces: refused ${refusalsOfBad()} times over four months; subscriber ${JSON.stringify(await subscriberRow())}`);
  }, 300_000);
});
