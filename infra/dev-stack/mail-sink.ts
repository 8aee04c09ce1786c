import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import * as path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  id: number;
  receivedAt: Date;
  envelopeTo: string[];
  parsed: ParsedMail;
}

/**
 * A real SMTP server on loopback that keeps every message it receives, parsed. `npm start` uses it
 * when no SMTP_URL is given (with a page listing the mail); the tests use it to assert on what was sent.
 */
export class MailSink {
  readonly messages: ReceivedMail[] = [];
  private readonly waiters = new Set<() => void>();
  private smtp?: SMTPServer;
  private http?: HttpServer;
  /** Recipients the server refuses with a permanent 550 (to test bad addresses). */
  readonly rejectRecipients = new Set<string>();
  /** Each recipient refused by `rejectRecipients`, once per attempt (tests count the attempts). */
  readonly refusals: string[] = [];
  /**
   * While above 0, each recipient is answered `421 4.7.0 Try again later` (a relay throttling) and
   * the count goes down by one: tests of retries with backoff.
   */
  throttleRecipients = 0;
  /**
   * While set, every recipient is answered with this temporary code (e.g. `451 4.3.0`), however many
   * times it is tried: a relay failing for a while. Each answer is kept in `deferrals` (tests count the attempts).
   */
  deferRecipients?: { code: number; message: string };
  readonly deferrals: string[] = [];
  /** Where the SMTP server listens, kept so `restartSmtp` opens the same port again. */
  private listening?: { port: number; host: string; storeDir?: string };
  private readonly sockets = new Set<Socket>();
  /**
   * Runs after a message is stored and before the server answers 250 (tests use it to kill the
   * sender at the worst moment: the message has arrived, the sender has not heard so).
   */
  beforeAccept?: (mail: ReceivedMail) => Promise<void>;

  /**
   * `storeDir`: keep each message as `<id>.eml` plus `<id>.json` (envelope), and load the ones kept
   * by earlier runs, so the viewer still lists them after a restart.
   */
  async start(options: { port?: number; host?: string; storeDir?: string } = {}): Promise<{ port: number; url: string }> {
    const host = options.host ?? '127.0.0.1';
    if (options.storeDir) await this.loadStored(options.storeDir);
    const port = await this.listenSmtp(options.port ?? 0, host, options.storeDir);
    return { port, url: `smtp://${host}:${port}` };
  }

  /**
   * The relay goes down: the SMTP port is closed and open connections (a client's idle pool) are cut
   * at once rather than drained, so clients see refused connections until `restartSmtp`.
   */
  async stopSmtp(): Promise<void> {
    const smtp = this.smtp;
    this.smtp = undefined;
    if (!smtp) return;
    const closed = new Promise<void>((resolve) => smtp.close(() => resolve()));
    this.sockets.forEach((socket) => socket.destroy());
    await closed;
  }

  /** The relay is back: the SMTP server listens again on the port it had; the mail received so far is kept. */
  async restartSmtp(): Promise<void> {
    if (!this.listening) throw new Error('The mail sink was never started');
    if (this.smtp) return;
    const { port, host, storeDir } = this.listening;
    await this.listenSmtp(port, host, storeDir);
  }

  private async listenSmtp(requestedPort: number, host: string, storeDir: string | undefined): Promise<number> {
    this.smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.rejectRecipients.has(address.address.toLowerCase())) {
          this.refusals.push(address.address.toLowerCase());
          return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        }
        if (this.deferRecipients) {
          this.deferrals.push(address.address.toLowerCase());
          return callback(Object.assign(new Error(this.deferRecipients.message), { responseCode: this.deferRecipients.code }));
        }
        if (this.throttleRecipients > 0) {
          this.throttleRecipients--;
          return callback(Object.assign(new Error('4.7.0 Try again later'), { responseCode: 421 }));
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', callback);
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((parsed) => {
              const mail: ReceivedMail = { id: this.messages.length + 1, receivedAt: new Date(), envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed };
              if (storeDir) {
                writeFileSync(path.join(storeDir, `${mail.id}.eml`), raw);
                writeFileSync(path.join(storeDir, `${mail.id}.json`), JSON.stringify({ receivedAt: mail.receivedAt, envelopeTo: mail.envelopeTo }));
              }
              this.messages.push(mail);
              this.waiters.forEach((wake) => wake());
              return this.beforeAccept?.(mail);
            })
            .then(() => {
              callback();
            })
            .catch(callback);
        });
      },
    });
    const smtp = this.smtp;
    await new Promise<void>((resolve, reject) => {
      smtp.once('error', reject);
      smtp.listen(requestedPort, host, () => resolve());
    });
    // A client that dies mid-session (a killed worker) resets its socket: that ends its session, not the sink.
    smtp.on('error', () => undefined);
    smtp.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    const port = (smtp.server.address() as AddressInfo).port;
    this.listening = { port, host, storeDir };
    return port;
  }

  private async loadStored(storeDir: string): Promise<void> {
    mkdirSync(storeDir, { recursive: true });
    const ids = readdirSync(storeDir)
      .filter((name) => name.endsWith('.eml'))
      .map((name) => Number(name.slice(0, -4)))
      .filter((id) => Number.isInteger(id) && existsSync(path.join(storeDir, `${id}.json`)))
      .sort((a, b) => a - b);
    for (const id of ids) {
      const envelope = JSON.parse(readFileSync(path.join(storeDir, `${id}.json`), 'utf8')) as { receivedAt: string; envelopeTo: string[] };
      const parsed = await simpleParser(readFileSync(path.join(storeDir, `${id}.eml`)));
      this.messages.push({ id, receivedAt: new Date(envelope.receivedAt), envelopeTo: envelope.envelopeTo, parsed });
    }
  }

  /** Mail addressed to `to`, in arrival order. */
  to(to: string): ReceivedMail[] {
    return this.messages.filter((m) => m.envelopeTo.some((r) => r.toLowerCase() === to.toLowerCase()));
  }

  /** Resolves with the first message matching `predicate`, waiting up to `timeoutMs` for it. */
  async waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs = 20_000): Promise<ReceivedMail> {
    const found = () => this.messages.find(predicate);
    const deadline = Date.now() + timeoutMs;
    while (!found()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`No matching mail within ${timeoutMs} ms; received: ${this.messages.map((m) => m.parsed.subject).join(' | ') || 'nothing'}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.waiters.add(wake);
      });
    }
    return found()!;
  }

  /** A page listing the received mail, newest first, and each message at /messages/<id>. */
  async startViewer(port: number, host = '127.0.0.1'): Promise<string> {
    this.http = createServer((req, res) => this.serveViewer(req, res));
    await new Promise<void>((resolve, reject) => {
      this.http!.once('error', reject);
      this.http!.listen(port, host, () => resolve());
    });
    return `http://${host}:${(this.http.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await Promise.all([
      this.smtp && new Promise<void>((resolve) => this.smtp!.close(() => resolve())),
      this.http && new Promise<void>((resolve) => this.http!.close(() => resolve())),
    ]);
  }

  private serveViewer(req: IncomingMessage, res: ServerResponse): void {
    const match = /^\/messages\/(\d+)$/.exec(req.url ?? '');
    if (match) {
      const mail = this.messages.find((m) => m.id === Number(match[1]));
      if (!mail) return void res.writeHead(404).end('Not found');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(page(escape(mail.parsed.subject ?? ''), `
        <p><a href="/">&larr; all mail</a></p>
        <p><b>To:</b> ${escape(mail.envelopeTo.join(', '))}<br><b>From:</b> ${escape(mail.parsed.from?.text ?? '')}<br><b>Received:</b> ${mail.receivedAt.toISOString()}</p>
        <pre style="white-space:pre-wrap;border:1px solid #ccc;padding:1em">${escape(mail.parsed.text ?? '')}</pre>`));
    }
    if (req.url === '/messages.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(this.messages.map((m) => ({ id: m.id, receivedAt: m.receivedAt, to: m.envelopeTo, subject: m.parsed.subject, text: m.parsed.text }))));
    }
    const rows = [...this.messages]
      .reverse()
      .map((m) => `<tr><td>${m.receivedAt.toISOString()}</td><td>${escape(m.envelopeTo.join(', '))}</td><td><a href="/messages/${m.id}">${escape(m.parsed.subject ?? '(no subject)')}</a></td></tr>`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(`Mail sink: ${this.messages.length} message(s)`, `<p>Refresh to see new mail. JSON: <a href="/messages.json">/messages.json</a></p>
      <table border="1" cellpadding="4" style="border-collapse:collapse"><tr><th>Received (UTC)</th><th>To</th><th>Subject</th></tr>${rows}</table>`));
  }
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif"><h1>${title}</h1>${body}</body></html>`;
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
