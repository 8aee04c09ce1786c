/**
 * Secrets never reach the logs (issue #12). The real API and worker binaries (dist/, built by
 * `npm test`) run at LOG_LEVEL=debug with every secret set, through a whole run: tokens created,
 * used, revoked and expired, a milestone whose evidence request email carries an upload link, the
 * evidence uploaded through it (and forged and expired links refused), a subscriber who confirms,
 * opens the preferences and unsubscribes, wrong tokens and bad requests. Everything both processes
 * write to stdout and stderr is kept, and none of the secrets may appear in it.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { signUploadLink } from '../../libs/security/src';
import { MailSink } from '../../infra/dev-stack/mail-sink';
import { createPlanFixture, eventually, secondsPolicy, uploadTokenFrom } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { testConfig, TestSystem } from '../support/test-system';

const API = path.resolve(__dirname, '../../dist/apps/api/src/main.js');
const WORKER = path.resolve(__dirname, '../../dist/apps/worker/src/main.js');
const CSV = Buffer.from('indicador;valor\nformularios digitalizados;42\n');

interface Captured {
  name: string;
  child: ChildProcess;
  output: string[];
}

describe('secrets in the logs of a full run', () => {
  const mail = new MailSink();
  const processes: Captured[] = [];
  const subscriberLinkSecret = randomBytes(24).toString('base64url');
  const databasePassword = `db-${randomBytes(12).toString('hex')}`;
  let config: ReturnType<typeof testConfig>;
  let databaseUrl: string;
  let baseUrl: string;

  const http = () => request(baseUrl);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const allOutput = () => processes.map((p) => p.output.join('')).join('\n');

  function start(name: string, script: string, env: Record<string, string>): Captured {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const captured: Captured = { name, child, output: [] };
    child.stdout!.on('data', (chunk: Buffer) => captured.output.push(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => captured.output.push(chunk.toString('utf8')));
    processes.push(captured);
    return captured;
  }

  function stop(captured: Captured): Promise<void> {
    const { child } = captured;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  beforeAll(async () => {
    for (const binary of [API, WORKER]) if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`npm run build\` first (npm test does).`);
    const smtp = await mail.start();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    config = testConfig(smtp.url, { publicBaseUrl: baseUrl });
    // The test server trusts loopback, so any password is taken: a URL with one shows whether it is logged.
    const url = new URL(config.databaseUrl);
    if (!url.password) {
      url.username ||= 'postgres';
      url.password = databasePassword;
    }
    databaseUrl = url.toString();
    const env = {
      DATABASE_URL: databaseUrl,
      RUN_MIGRATIONS: 'false',
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
      WORKFLOW_BUNDLE_PATH: config.temporal.workflowBundlePath!,
      SMTP_URL: config.smtpUrl,
      UPLOAD_LINK_SECRET: config.uploadLinkSecret,
      SUBSCRIBER_LINK_SECRET: subscriberLinkSecret,
      ADMIN_TOKEN: config.adminToken,
      PUBLIC_BASE_URL: baseUrl,
      EVIDENCE_DIR: config.evidenceDir,
      PUBLIC_CACHE_SECONDS: '0',
      LOG_LEVEL: 'debug',
    };
    start('api', API, { ...env, PORT: String(port) });
    const worker = start('worker', WORKER, env);
    await eventually(() => http().get('/health'), (response) => response.status === 200, { timeoutMs: 60_000, description: 'the API to answer /health' });
    await eventually(async () => worker.output.join(''), (text) => text.includes('Temporal worker running'), { timeoutMs: 60_000, description: 'the worker to run' });
  }, 150_000);

  afterAll(async () => {
    await Promise.all(processes.map(stop));
    await mail.stop();
    if (config) rmSync(config.evidenceDir, { recursive: true, force: true });
  });

  it('never logs a token, a signed link, a secret or the database password', async () => {
    const system = { http: () => request.agent(baseUrl), adminAuth: bearer(config.adminToken) } as unknown as TestSystem;
    const fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 600, reminderIntervalSeconds: 3600, maxReminders: 0, escalationGraceSeconds: 3600 }) });
    const coordinatorToken = fixture.coordinator.Authorization.slice('Bearer '.length);
    const tokens = [coordinatorToken];
    const createToken = async (body: Record<string, unknown>) => {
      const created = await http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send(body).expect(201);
      tokens.push(created.body.token);
      return created.body as { id: string; token: string };
    };

    // Tokens: an agency's, an IMB's that expires, one revoked and then used, wrong ones.
    const agency = await createToken({ role: 'agency', label: 'Modernization', agencyId: fixture.agencyId });
    const imb = await createToken({ role: 'imb', label: 'PoliLab', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    await http().get(`/jurisdictions/${fixture.jurisdictionId}`).set(bearer(imb.token)).expect(200);
    const revoked = await createToken({ role: 'coordinator', label: 'Leaving' });
    await http().delete(`/tokens/${revoked.id}`).set(fixture.coordinator).expect(200);
    await http().get(`/jurisdictions/${fixture.jurisdictionId}`).set(bearer(revoked.token)).expect(401);
    await http().get('/jurisdictions').set(bearer(`${config.adminToken.slice(0, -1)}x`)).expect(401);
    await http().get('/jurisdictions').set(bearer(`ogp_${randomBytes(32).toString('base64url')}`)).expect(401);
    await http().get('/jurisdictions').set({ Authorization: `Basic ${Buffer.from(`admin:${config.adminToken}`).toString('base64')}` }).expect(401);

    // Bad requests, one carrying the admin token in an unknown field and one in the query.
    await http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'coordinator', label: 'x', token: config.adminToken }).expect(400);
    await http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'coordinator', label: 'Past', expiresAt: '2020-01-01T00:00:00Z' }).expect(400);
    await http().get(`/plans/${fixture.planId}?token=${encodeURIComponent(config.adminToken)}`).set(fixture.coordinator);

    // A milestone whose evidence request email carries the upload link; evidence through it.
    const title = `Participation tools evaluated ${randomBytes(3).toString('hex')}`;
    const now = Date.now();
    await http()
      .post(`/commitments/${fixture.commitmentId}/milestones`)
      .set(fixture.coordinator)
      .send({ title, startAt: new Date(now).toISOString(), dueAt: new Date(now + 600_000).toISOString(), responsibleAgencyId: fixture.agencyId })
      .expect(201);
    const requestMail = await mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail) && (m.parsed.subject ?? '').includes(title), 60_000);
    const uploadToken = uploadTokenFrom(requestMail.parsed.text!);
    await http().get(`/evidence-uploads/${uploadToken}`).expect(200);
    const [payload, signature] = uploadToken.split('.');
    await http().get(`/evidence-uploads/${payload}.${signature.slice(1)}`).expect(401);
    const expiredToken = signUploadLink({ evidenceRequestId: '00000000-0000-4000-8000-000000000000', expiresAt: new Date(Date.now() - 1_000) }, config.uploadLinkSecret);
    await http().get(`/evidence-uploads/${expiredToken}`).expect(410);
    await http().post(`/evidence-uploads/${uploadToken}?token=${uploadToken}`).field('narrative', 'Evaluation report').field('claimedCompletion', 'complete').attach('files', CSV, { filename: 'indicators.csv', contentType: 'text/csv' }).expect(201);
    await http().post(`/evidence-uploads/${uploadToken}`).send({ narrative: 'Again', claimedCompletion: 'complete' }).expect(409);
    await http().get(`/jurisdictions/${fixture.jurisdictionId}/agencies`).set(bearer(agency.token)).expect(200);

    // A subscriber who confirms, subscribes again (the notice carries the manage and unsubscribe
    // links), opens the preferences and unsubscribes.
    const email = `vecina-${randomBytes(4).toString('hex')}@vecinos.example`;
    const linkIn = (text: string, kind: string) => {
      const match = new RegExp(`https?://\\S+/subscriptions/${kind}/([\\w.-]+)`).exec(text);
      if (!match) throw new Error(`no ${kind} link in the email: ${text}`);
      return match[1];
    };
    await http().post(`/public/plans/${fixture.planId}/subscriptions`).send({ email, language: 'en' }).expect(202);
    const confirmation = await mail.waitFor((m) => m.envelopeTo.includes(email), 30_000);
    const confirmToken = linkIn(confirmation.parsed.text!, 'confirm');
    await http().get(`/subscriptions/confirm/${confirmToken}`).expect(200);
    await http().post(`/public/plans/${fixture.planId}/subscriptions`).send({ email, language: 'en' }).expect(202);
    const notice = await mail.waitFor((m) => m.envelopeTo.includes(email) && /already subscribed/.test(m.parsed.subject ?? ''), 30_000);
    const subscriberTokens = { confirm: confirmToken, manage: linkIn(notice.parsed.text!, 'manage'), unsubscribe: linkIn(notice.parsed.text!, 'unsubscribe') };
    await http().get(`/subscriptions/manage/${subscriberTokens.manage}`).expect(200);
    await http().post(`/subscriptions/unsubscribe/${subscriberTokens.unsubscribe}`).type('form').send('List-Unsubscribe=One-Click').expect(200);

    // Everything the processes wrote, once they have stopped (nothing left in a buffer).
    await Promise.all(processes.map(stop));
    const output = allOutput();
    const lines = output.split('\n').filter((line) => line.trim());

    // The capture saw the flows, so a leak would have shown: requests of each kind, the sent email.
    expect(lines.length).toBeGreaterThan(30);
    expect(output).toContain('/evidence-uploads/:token');
    expect(output).toContain('/subscriptions/confirm/:token');
    expect(output).toContain('/subscriptions/unsubscribe/:token');
    expect(output).toContain('"status":401');
    expect(output).toContain('"status":400');
    expect(output).toContain('"status":410');
    expect(output).toContain('email sent');
    expect(output).toContain('Temporal worker running');

    const secrets: Record<string, string> = {
      ADMIN_TOKEN: config.adminToken,
      UPLOAD_LINK_SECRET: config.uploadLinkSecret,
      SUBSCRIBER_LINK_SECRET: subscriberLinkSecret,
      'upload link token': uploadToken,
      'upload link signature': signature,
      'expired upload link': expiredToken,
      'subscriber confirm token': subscriberTokens.confirm,
      'subscriber manage token': subscriberTokens.manage,
      'subscriber unsubscribe token': subscriberTokens.unsubscribe,
      'database password': new URL(databaseUrl).password,
      'subscriber address': email,
    };
    tokens.forEach((token, i) => {
      secrets[`API token ${i}`] = token;
      secrets[`API token ${i} without its prefix`] = token.slice('ogp_'.length);
    });
    const leaked = Object.entries(secrets).filter(([, value]) => output.includes(value) || output.includes(encodeURIComponent(value)));
    expect(leaked.map(([name]) => name)).toEqual([]);
  }, 240_000);
});
