import { Test, TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
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

    it('records a permanently refused address as failed and does not try it again', async () => {
      sink.rejectRecipients.add('nobody@test.example');
      const message = email('nobody@test.example');
      await expect(outbox.send(message)).resolves.toBe('failed_permanently');
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
