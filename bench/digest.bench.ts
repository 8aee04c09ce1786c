/**
 * `npm run bench -- digest [sizes...]` (default 10000 100000): the digest's send path against raw
 * pooled nodemailer, both to the same loopback SMTP sink that discards, in the same run.
 *
 * "Ours" is what sendDigestBatch does for each batch of 500 minus Temporal: read the next confirmed
 * subscribers after the cursor, build each one's links and List-Unsubscribe headers, and hand the
 * batch to OutboxService.sendBatch (one INSERT ... ON CONFLICT DO NOTHING, claims a group at a time,
 * 20 messages with the 10-connection pool, results written in bulk). "Raw" is nodemailer with the same
 * pool and 20 messages in flight, the same bodies and headers, no database. Needs DATABASE_URL (a
 * PostgreSQL server where a throwaway database is created and dropped).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../libs/config/src';
import { composeDigest, MilestoneStatus } from '../libs/domain/src';
import { MailTransport, SMTP_POOL, SMTP_TIMEOUTS } from '../libs/mail/src/mail-transport';
import { OUTBOX_BATCH_CONCURRENCY, OutboxService, fillTemplate, type BatchEmail } from '../libs/mail/src/outbox.service';
import { MIGRATIONS } from '../libs/persistence/src/migrations';
import { subscriberLinks } from '../libs/security/src/subscriber-token';
import { DIGEST_LINK_MARKERS } from '../apps/worker/src/activities/digest.mail';
import { renderDigestEmail } from '../libs/mail/src';

const BATCH = 500;

async function startSink(): Promise<{ url: string; received: () => number; stop: () => Promise<void> }> {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        count++;
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, received: () => count, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== 'digest');
  const sizes = args.length ? args.map(Number) : [10_000, 100_000];
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('Set DATABASE_URL to a PostgreSQL server (a throwaway database is created on it).');
  const dbName = `ogp_bench_${Date.now()}`;
  const admin = new DataSource({ type: 'postgres', url: base });
  await admin.initialize();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  const db = new DataSource({ type: 'postgres', url: url.toString(), migrations: MIGRATIONS, migrationsTransactionMode: 'each', extra: { max: 10 } });
  await db.initialize();
  await db.runMigrations();
  const sink = await startSink();
  const config = { smtpUrl: sink.url, mailFrom: 'OGP Local Monitor <monitor@bench.example>' } as AppConfig;
  const transport = new MailTransport(config);
  const outbox = new OutboxService(db, transport);
  // BENCH_PROFILE=1: time spent in database statements and in the SMTP hand-over.
  const profile = { db: 0, dbCalls: 0, smtp: 0 };
  if (process.env.BENCH_PROFILE) {
    const query = db.query.bind(db);
    (db as { query: unknown }).query = async (...args: Parameters<typeof query>) => {
      const t = process.hrtime.bigint();
      try {
        return await query(...args);
      } finally {
        profile.db += Number(process.hrtime.bigint() - t) / 1e6;
        profile.dbCalls++;
      }
    };
  }
  const secret = randomBytes(24).toString('base64url');
  const results: string[] = [];

  try {
    const [j] = await db.query(`INSERT INTO jurisdiction (slug, name, country, time_zone, default_language, office_contacts) VALUES ('bench', 'Rosario', 'AR', 'America/Argentina/Cordoba', 'es', '[]') RETURNING id`);
    for (const size of sizes) {
      const [plan] = await db.query(
        `INSERT INTO action_plan (jurisdiction_id, title, period_start, period_end, term_end, status, policy, imb_contacts, endorsing_stakeholders)
         VALUES ($1, $2, '2026-01-01', '2027-12-31', '2027-12-31', 'active', '{}', '[]', '{}') RETURNING id`,
        [j.id, `Bench plan ${size}`],
      );
      const content = composeDigest(
        {
          planId: plan.id,
          planTitle: 'Plan de Acción de Gobierno Abierto de Rosario',
          jurisdictionName: 'Rosario',
          commitments: Array.from({ length: 5 }, (_, c) => ({
            id: `c-${c}`,
            title: `Compromiso ${c + 1}: datos abiertos y participación ciudadana`,
            cancelled: false,
            milestones: Array.from({ length: 4 }, (_, m) => ({ id: `m-${c}-${m}`, title: `Hito ${m + 1}`, status: MilestoneStatus.Open, dueAt: new Date(`2026-0${m + 3}-15T12:00:00Z`), weight: null, completion: null, cancelled: false, verifiable: true, completedAt: null, evidenceLinks: [] })),
            replannings: [],
            escalations: [],
          })),
          checkIns: [],
          nextCheckInAt: null,
        },
        { month: '2026-03', timeZone: 'America/Argentina/Cordoba' },
      );
      const rendered = renderDigestEmail('es', content, { planTitle: 'Plan de Acción de Gobierno Abierto', jurisdictionName: 'Rosario', unsubscribeUrl: DIGEST_LINK_MARKERS.unsubscribeUrl, preferencesUrl: DIGEST_LINK_MARKERS.preferencesUrl, archiveUrl: 'http://localhost:3000/public/plans/bench' });
      const [issue] = await db.query(`INSERT INTO digest_issue (plan_id, month, language, subject, html, text, content) VALUES ($1, '2026-03', 'es', $2, $3, $4, $5) RETURNING id`, [plan.id, rendered.subject, rendered.html, rendered.text, JSON.stringify(content)]);
      await db.query(
        `INSERT INTO subscriber (plan_id, email, language, status, consent_source, confirmed_at) SELECT $1, 'sub-' || g || '@bench.example', 'es', 'confirmed', 'import', now() FROM generate_series(1, $2) g`,
        [plan.id, size],
      );
      const base = 'http://localhost:3000';

      // Ours: batches of 500 through the outbox, as sendDigestBatch runs them.
      let rss = rssSampler();
      let started = process.hrtime.bigint();
      let cursor: string | null = null;
      let sent = 0;
      for (;;) {
        const rows: { id: string; email: string }[] = await db.query(`SELECT id, email FROM subscriber WHERE plan_id = $1 AND status = 'confirmed' AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3`, [plan.id, cursor, BATCH]);
        if (!rows.length) break;
        const emails: BatchEmail[] = rows.map((s) => {
          const links = subscriberLinks(base, s.id, secret, null);
          return {
            idempotencyKey: `digest:${plan.id}:2026-03:${s.id}`,
            to: s.email,
            subject: rendered.subject,
            jurisdictionId: j.id,
            headers: { 'List-Unsubscribe': `<${links.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
            template: { digestIssueId: issue.id, values: { preferencesUrl: links.preferencesUrl, unsubscribeUrl: links.unsubscribeUrl } },
          };
        });
        const result = await outbox.sendBatch(emails);
        if (result.transientError) throw new Error(result.transientError);
        sent += result.outcomes.filter((o) => o === 'sent').length;
        cursor = rows[rows.length - 1]!.id;
      }
      const oursSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (process.env.BENCH_PROFILE) console.log(`ours: ${profile.dbCalls} statements, ${(profile.db / 1000).toFixed(1)} s summed over concurrent statements`);
      const oursPeak = rss.stop();
      if (sent !== size) throw new Error(`ours sent ${sent} of ${size}`);

      // Raw: pooled nodemailer, the same messages and concurrency, no database.
      const raw = createTransport({ url: sink.url, pool: true, ...SMTP_POOL, ...SMTP_TIMEOUTS });
      const links = subscriberLinks(base, '00000000-0000-4000-8000-000000000000', secret, null);
      const text = fillTemplate(rendered.text, { ...links });
      const html = fillTemplate(rendered.html, { ...links });
      rss = rssSampler();
      started = process.hrtime.bigint();
      let next = 0;
      await Promise.all(
        Array.from({ length: OUTBOX_BATCH_CONCURRENCY }, async () => {
          while (next < size) {
            const i = next++;
            await raw.sendMail({ from: config.mailFrom, to: `raw-${i}@bench.example`, subject: rendered.subject, text, html, messageId: `<raw-${i}@bench>`, headers: { 'List-Unsubscribe': `<${links.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } });
          }
        }),
      );
      const rawSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rawPeak = rss.stop();
      raw.close();
      const ours = size / oursSeconds;
      const rawRate = size / rawSeconds;
      const line = `| ${size.toLocaleString('en')} | ${ours.toFixed(0)}/s (${oursSeconds.toFixed(1)} s) | ${rawRate.toFixed(0)}/s (${rawSeconds.toFixed(1)} s) | ${(ours / rawRate).toFixed(2)}× | ${mb(oursPeak)} | ${mb(rawPeak)} |`;
      results.push(line);
      console.log(line);
    }
  } finally {
    transport.onApplicationShutdown();
    await sink.stop();
    await db.destroy();
    await admin.query(`DROP DATABASE ${dbName}`);
    await admin.destroy();
  }
  console.log(['', '| subscribers | ours (outbox, batched) | raw pooled nodemailer | ratio | peak RSS ours | peak RSS raw |', '|---|---|---|---|---|---|', ...results].join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
