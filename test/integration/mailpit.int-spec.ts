/**
 * Issue #10, point 6: `npm start` shows the mail in Mailpit, so an HTML email is seen as a client
 * renders it. Here the Mailpit that `npm start` would use (MAILPIT_PATH, `mailpit` on PATH or the
 * cached build; this test never builds it) runs on free loopback ports: nodemailer sends an HTML
 * email through an SMTP_URL with credentials, the HTTP API gives it back with its HTML part, the web
 * UI's bundle is served, the mail survives a restart on the same database, and a taken port fails in
 * one sentence. Without a Mailpit binary the test fails and says how to build one (.ci/run builds it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createTransport } from 'nodemailer';
import { cachedMailpitPath, findMailpit, MailpitServer, startMailpit } from '../../infra/dev-stack/mailpit';
import { freePort } from '../support/free-port';

const binary = findMailpit();
const NO_MAILPIT = `No Mailpit binary (MAILPIT_PATH, \`mailpit\` on PATH, or ${cachedMailpitPath()}): build it once with \`npx tsx infra/dev-stack/ensure-mailpit.ts\` (Go 1.26+), as .ci/run does`;

interface MessageSummary {
  ID: string;
  Subject: string;
  To: { Address: string }[];
}

describe('Mailpit as the dev mail viewer', () => {
  let dir: string;
  const servers: MailpitServer[] = [];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ogp-mailpit-'));
  });

  afterAll(async () => {
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (smtpPort?: number, uiPort?: number) => {
    const server = await startMailpit({ binary: binary!.path, smtpPort: smtpPort ?? (await freePort()), uiPort: uiPort ?? (await freePort()), databaseFile: path.join(dir, 'mailpit.db') });
    servers.push(server);
    return server;
  };
  const json = async <T>(url: string): Promise<T> => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  it(`receives an HTML email over SMTP and serves it through its API and web UI (${binary?.origin}: ${binary?.path})`, async () => {
    if (!binary) throw new Error(NO_MAILPIT);
    const mailpit = await start();
    const smtp = new URL(mailpit.smtpUrl);
    smtp.username = 'any-user'; // credentials in SMTP_URL are accepted, as none are
    smtp.password = 'any-password';
    const transport = createTransport({ url: smtp.toString() });
    const html = '<html><body><h1 style="color:#0b5394">Monthly digest</h1><p>Three milestones <b>completed</b>.</p></body></html>';
    await transport.sendMail({ from: 'OGP Local Monitor <monitor@localhost>', to: 'reader@example.org', subject: 'Digest: June', text: 'Monthly digest. Three milestones completed.', html });
    transport.close();

    const list = await json<{ total: number; messages: MessageSummary[] }>(`${mailpit.uiUrl}/api/v1/messages`);
    expect(list.total).toBe(1);
    expect(list.messages[0]).toMatchObject({ Subject: 'Digest: June', To: [{ Address: 'reader@example.org' }] });
    const message = await json<{ HTML: string; Text: string; Subject: string }>(`${mailpit.uiUrl}/api/v1/message/${list.messages[0].ID}`);
    expect(message.HTML).toContain('<h1 style="color:#0b5394">Monthly digest</h1>');
    expect(message.Text).toContain('Three milestones completed.');

    // The web UI is there (a plain `go install` of Mailpit serves an empty page: no UI bundle).
    const bundle = await fetch(`${mailpit.uiUrl}/dist/app.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(10_000);

    // The mail survives a restart on the same database file (npm start keeps it under DATA_DIR).
    await mailpit.stop();
    const again = await start();
    expect((await json<{ total: number }>(`${again.uiUrl}/api/v1/messages`)).total).toBe(1);

    // A taken port: one sentence saying what to do, and nothing left running.
    const smtpTaken = Number(new URL(again.smtpUrl).port);
    await expect(
      startMailpit({ binary: binary!.path, smtpPort: smtpTaken, uiPort: await freePort(), databaseFile: path.join(dir, 'other.db'), timeoutMs: 5_000 }),
    ).rejects.toThrow(/^Mailpit did not start on 127\.0\.0\.1:\d+ \(SMTP\) and 127\.0\.0\.1:\d+ \(web UI\) \(.+\); free those ports or set MAIL_SINK_SMTP_PORT and MAIL_VIEWER_PORT/);
  });
});
