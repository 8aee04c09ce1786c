import { Test, TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { DataSource } from 'typeorm';
import { MailSink } from '../../infra/dev-stack/mail-sink';
import { APP_CONFIG, AppConfigModule } from '../../libs/config/src';
import { MailModule, OutboxService, TransientMailError } from '../../libs/mail/src';
import { OutboxMessageEntity, OutboxStatus, PersistenceModule } from '../../libs/persistence/src';
import { testConfig } from '../support/test-system';

describe(OutboxService.name, () => {
  let sink: MailSink;
  let moduleRef: TestingModule;
  let outbox: OutboxService;
  let db: DataSource;

  beforeAll(async () => {
    sink = new MailSink();
    const smtp = await sink.start();
    moduleRef = await Test.createTestingModule({ imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: false }), MailModule] })
      .overrideProvider(APP_CONFIG)
      .useValue(testConfig(smtp.url))
      .compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    outbox = moduleRef.get(OutboxService);
    db = moduleRef.get(DataSource);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await sink?.stop();
  });

  const email = (to: string) => ({
    idempotencyKey: `test:${randomBytes(6).toString('hex')}`,
    to,
    subject: 'Evidence requested: inventory',
    text: 'Plain text part',
    html: '<p>HTML part</p>',
  });
  const row = (key: string) => db.getRepository(OutboxMessageEntity).findOneByOrFail({ idempotencyKey: key });

  describe('send', () => {
    it('sends a message once and records it as sent, with both parts and a Message-ID from the key', async () => {
      const message = email('once@test.example');
      await expect(outbox.send(message)).resolves.toBe('sent');
      await expect(outbox.send(message)).resolves.toBe('already_sent');

      const received = sink.to('once@test.example');
      expect(received).toHaveLength(1);
      expect(received[0].parsed.text?.trim()).toBe('Plain text part');
      expect(received[0].parsed.html).toContain('<p>HTML part</p>');
      const stored = await row(message.idempotencyKey);
      expect(stored).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
      expect(received[0].parsed.messageId).toBe(stored.messageId);
    });

    it('sends one email when the same key is sent many times at once', async () => {
      const message = email('concurrent@test.example');
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => outbox.send(message)));
      expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'already_sent')).toHaveLength(4);
      expect(sink.to('concurrent@test.example')).toHaveLength(1);
    });

    it('sends many keys at once, more than the database pool has connections (each send holds one for its lock)', async () => {
      const messages = Array.from({ length: 40 }, (_, i) => email(`crowd-${i}@test.example`));
      await expect(Promise.all(messages.map((m) => outbox.send(m)))).resolves.toEqual(messages.map(() => 'sent'));
      for (const m of messages) expect(sink.to(m.to)).toHaveLength(1);
    });

    it('records a permanently refused address as failed and does not try it again', async () => {
      sink.rejectRecipients.add('nobody@test.example');
      const message = email('nobody@test.example');
      // Refused at RCPT: the message was never read by the connection, so it was never marked `sending`.
      const markSending = jest.spyOn(outbox as unknown as { markSending: (id: string) => Promise<void> }, 'markSending');
      try {
        await expect(outbox.send(message)).resolves.toBe('failed_permanently');
        expect(markSending).not.toHaveBeenCalled();
      } finally {
        markSending.mockRestore();
      }
      await expect(outbox.send(message)).resolves.toBe('failed_permanently');
      const stored = await row(message.idempotencyKey);
      expect(stored.status).toBe('failed');
      expect(stored.attempts).toBe(1);
      expect(stored.lastError).toContain('550');
    });
  });

  describe('send after an attempt died mid-send', () => {
    it('does not send again, marks the message unconfirmed, and sends it once more only when a coordinator resends it', async () => {
      const message = email('crashed@test.example');
      // What a worker killed after handing the message to the server leaves behind: a committed `sending` row.
      await db.getRepository(OutboxMessageEntity).insert({
        idempotencyKey: message.idempotencyKey,
        toAddress: message.to,
        subject: message.subject,
        textBody: message.text,
        htmlBody: message.html,
        status: OutboxStatus.Sending,
        attempts: 1,
        messageId: '<crashed@ogp-monitor>',
      });
      await expect(outbox.send(message)).resolves.toBe('unconfirmed');
      await expect(outbox.send(message)).resolves.toBe('unconfirmed');
      expect(sink.to('crashed@test.example')).toHaveLength(0);
      const stored = await row(message.idempotencyKey);
      expect(stored.status).toBe('unconfirmed');
      expect(stored.lastError).toContain('may or may not');

      await expect(outbox.resend(stored.id)).resolves.toBe('sent');
      expect(sink.to('crashed@test.example')).toHaveLength(1);
      await expect(outbox.resend(stored.id)).resolves.toBeNull();
    });
  });

  describe('the commit point: the final dot', () => {
    it('holds the end of the message until the `sending` mark is committed; a send stopped before it was not delivered and goes once on the next attempt', async () => {
      const message = email('unfinished@test.example');
      // The process "dies" at the commit point: the mark is not written, the message is never finished.
      const markSending = jest.spyOn(outbox as unknown as { markSending: (id: string) => Promise<void> }, 'markSending').mockRejectedValueOnce(new Error('worker died here'));
      try {
        await expect(outbox.send(message)).rejects.toBeInstanceOf(TransientMailError);
      } finally {
        markSending.mockRestore();
      }
      // The server had the whole message but no final dot: it dropped it.
      expect(sink.to('unfinished@test.example')).toHaveLength(0);
      await expect(row(message.idempotencyKey)).resolves.toMatchObject({ status: 'pending', attempts: 1 });

      await expect(outbox.send(message)).resolves.toBe('sent');
      expect(sink.to('unfinished@test.example')).toHaveLength(1);
      await expect(row(message.idempotencyKey)).resolves.toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('records a message the relay took but never answered (connection lost after the final dot) as unconfirmed, and does not send it again', async () => {
      const relay = await silentRelay();
      const silentModule = await Test.createTestingModule({ imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: false }), MailModule] })
        .overrideProvider(APP_CONFIG)
        .useValue(testConfig(relay.url))
        .compile();
      silentModule.useLogger(false);
      await silentModule.init();
      try {
        const message = email('lost-reply@test.example');
        const silentOutbox = silentModule.get(OutboxService);
        await expect(silentOutbox.send(message)).resolves.toBe('unconfirmed');
        await expect(silentOutbox.send(message)).resolves.toBe('unconfirmed');
        expect(relay.finishedMessages()).toBe(1);
        const stored = await row(message.idempotencyKey);
        expect(stored).toMatchObject({ status: 'unconfirmed', attempts: 1 });
        expect(stored.lastError).toContain('may or may not');
      } finally {
        await silentModule.close();
        await relay.close();
      }
    });
  });

  describe('a relay throttling (421)', () => {
    // nodemailer's pool sends a message refused with 421 on a reused connection again over a new
    // one, and builds the message again for it: the commit point is asked for a second time.
    it('sends a message once when its first attempt was throttled on a reused connection', async () => {
      await expect(outbox.send(email('warm-up@test.example'))).resolves.toBe('sent');
      const message = email('throttled@test.example');
      sink.throttleRecipients = 1;
      const outcome = await outbox.send(message).catch((error: unknown) => error);
      expect(sink.throttleRecipients).toBe(0);
      // Sent over the pool's new connection, or left pending for the caller's retry; never "unknown".
      if (outcome instanceof TransientMailError) await expect(outbox.send(message)).resolves.toBe('sent');
      else expect(outcome).toBe('sent');
      expect(sink.to('throttled@test.example')).toHaveLength(1);
      await expect(row(message.idempotencyKey)).resolves.toMatchObject({ status: 'sent' });
    });

    it('loses nobody of a batch: every message throttled is sent on a later try, once, and none is left unconfirmed', async () => {
      const issueId = await digestIssueIn(db);
      const emails = Array.from({ length: 60 }, (_, i) => ({
        idempotencyKey: `test-batch:${randomBytes(6).toString('hex')}`,
        to: `batch-${i}@throttle.example`,
        subject: 'Monthly digest',
        template: { digestIssueId: issueId, values: { name: `reader ${i}` } },
      }));
      await expect(outbox.send(email('warm-up-batch@test.example'))).resolves.toBe('sent');
      sink.throttleRecipients = 10;
      const tries: string[][] = [];
      for (let attempt = 0; attempt < 30; attempt++) {
        // One at a time: the first message goes over the connection the warm-up used.
        const result = await outbox.sendBatch(emails, { concurrency: 1 });
        tries.push(result.outcomes);
        if (result.transientError === null) break;
      }
      const last = tries.at(-1)!;
      expect(sink.throttleRecipients).toBe(0);
      expect(last.filter((o) => o !== 'sent' && o !== 'already_sent')).toEqual([]);
      for (const e of emails) expect(sink.to(e.to)).toHaveLength(1);
      const statuses: { status: string; n: number }[] = await db.query(`SELECT status, count(*)::int AS n FROM outbox_message WHERE idempotency_key = ANY($1) GROUP BY status`, [emails.map((e) => e.idempotencyKey)]);
      expect(statuses).toEqual([{ status: 'sent', n: 60 }]);
    });
  });

  describe('send while the SMTP server is down', () => {
    it('raises a retryable error and keeps the message pending with its attempt counted', async () => {
      const downSink = new MailSink();
      const smtp = await downSink.start();
      await downSink.stop();
      const downModule = await Test.createTestingModule({ imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: false }), MailModule] })
        .overrideProvider(APP_CONFIG)
        .useValue(testConfig(smtp.url))
        .compile();
      downModule.useLogger(false);
      await downModule.init();
      try {
        const message = email('later@test.example');
        await expect(downModule.get(OutboxService).send(message)).rejects.toBeInstanceOf(TransientMailError);
        const stored = await row(message.idempotencyKey);
        expect(stored).toMatchObject({ status: 'pending', attempts: 1 });
        expect(stored.lastError).toMatch(/ECONNREFUSED|connect/i);
        // The server is back: the retry sends it, once.
        await expect(outbox.send(message)).resolves.toBe('sent');
        expect(sink.to('later@test.example')).toHaveLength(1);
      } finally {
        await downModule.close();
      }
    });
  });
});

/** A digest issue to send batches of (its plan and jurisdiction made for it): sendBatch sends bodies by reference. */
async function digestIssueIn(db: DataSource): Promise<string> {
  const tag = randomBytes(6).toString('hex');
  const [jurisdiction] = await db.query(`INSERT INTO jurisdiction (slug, name, country, time_zone, default_language) VALUES ($1, 'Outbox test', 'XX', 'UTC', 'en') RETURNING id`, [`outbox-${tag}`]);
  const [plan] = await db.query(
    `INSERT INTO action_plan (jurisdiction_id, title, period_start, period_end, term_end, status, policy) VALUES ($1, $2, '2031-01-01', '2032-12-31', '2032-12-31', 'draft', '{}') RETURNING id`,
    [jurisdiction.id, `Outbox test ${tag}`],
  );
  const [issue] = await db.query(
    `INSERT INTO digest_issue (plan_id, month, language, subject, html, text, content) VALUES ($1, '2031-01', 'en', 'Monthly digest', '<p>Hello %%name%%</p>', 'Hello %%name%%', '{}') RETURNING id`,
    [plan.id],
  );
  return issue.id;
}

/**
 * An SMTP server that takes a whole message, final dot included, and then closes the connection
 * without its 250: what a relay that crashes (or a network that breaks) at that moment looks like.
 */
async function silentRelay(): Promise<{ url: string; finishedMessages: () => number; close: () => Promise<void> }> {
  let finished = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let inData = false;
    let buffer = '';
    socket.write('220 silent.test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          finished++;
          socket.destroy();
          return;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol).toUpperCase();
        buffer = buffer.slice(eol + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 silent.test\r\n');
        else if (line === 'DATA') {
          inData = true;
          buffer = '\r\n' + buffer;
          socket.write('354 go ahead\r\n');
        } else if (line === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    finishedMessages: () => finished,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
