/**
 * Addresses and signed-link tokens never reach the logs (issue #10): the API's own JSON logger
 * (libs/config/src/json-logger.ts, at debug level) is captured while a person subscribes, confirms,
 * changes preferences, unsubscribes, and a coordinator exports and erases them; a relay that quotes
 * the refused recipient in its answer is logged with `[address]` instead.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { jsonLogger } from '../../libs/config/src';
import { MailTransport, type BeforeFinalDot, type OutgoingEmail } from '../../libs/mail/src';
import { OutboxMessageEntity, OutboxStatus, SubscriberEntity } from '../../libs/persistence/src';
import { subscriberLinks } from '../../libs/security/src';
import { createPlanFixture, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

describe('subscriber logs', () => {
  let system: TestSystem;
  let fixture: PlanFixture;
  let db: DataSource;
  const secret = randomBytes(24).toString('base64url');
  const logs: string[] = [];
  const writes: jest.SpyInstance[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ worker: false, config: { subscribers: { linkSecret: secret, confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: 100 } } });
    fixture = await createPlanFixture(system);
    db = system.api.get(DataSource);
    // A relay that names the refused recipient in its answer, as Postfix does.
    const transport = system.api.get(MailTransport);
    const send = transport.send.bind(transport);
    jest.spyOn(transport, 'send').mockImplementation((email: OutgoingEmail, deadlineMs?: number, beforeFinalDot?: BeforeFinalDot) =>
      email.to.startsWith('refused-') ? Promise.reject(Object.assign(new Error(`550 5.1.1 <${email.to}>: Recipient address rejected: User unknown in virtual mailbox table`), { responseCode: 550 })) : send(email, deadlineMs, beforeFinalDot),
    );
    // From here on, the API logs as in production (JSON lines), at its most talkative level.
    system.api.useLogger(jsonLogger('api', 'debug'));
    for (const stream of [process.stdout, process.stderr]) {
      writes.push(
        jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
          logs.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
          return true;
        }),
      );
    }
  });

  afterAll(async () => {
    for (const write of writes) write.mockRestore();
    await system?.close();
  });

  const address = (name: string) => `${name}-${randomBytes(4).toString('hex')}@Vecinos.Example`;
  const pathOf = (url: string) => new URL(url).pathname;
  const subscriberOf = (email: string) => db.getRepository(SubscriberEntity).createQueryBuilder('s').where('s.plan_id = :planId AND lower(s.email) = lower(:email)', { planId: fixture.planId, email }).getOneOrFail();
  const tokenOf = (url: string) => pathOf(url).split('/').pop()!;

  it('logs requests and outbox failures without the address or the token', async () => {
    const ana = address('ana');
    await system.http().post(`/public/plans/${fixture.planId}/subscriptions`).send({ email: ana, language: 'es' }).expect(202);
    const mail = await system.mail.waitFor((m) => m.envelopeTo.includes(ana.toLowerCase()));
    const confirmUrl = /https?:\/\/\S+\/subscriptions\/confirm\/[\w.-]+/.exec(mail.parsed.text!)![0];
    await system.http().get(pathOf(confirmUrl)).expect(200);
    await system.http().get(pathOf(confirmUrl)).expect(200);
    const row = await subscriberOf(ana);
    const { preferencesUrl, unsubscribeUrl } = subscriberLinks(system.config.publicBaseUrl, row.id, secret, null);
    await system.http().get(pathOf(preferencesUrl)).expect(200);
    await system.http().post(pathOf(preferencesUrl)).send({ language: 'en' }).expect(200);
    await system.http().post(`/public/plans/${fixture.planId}/subscriptions`).send({ email: ana, language: 'es' }).expect(202); // already subscribed
    await system.http().get(pathOf(unsubscribeUrl)).expect(200);
    await system.http().post(pathOf(unsubscribeUrl)).type('form').send('List-Unsubscribe=One-Click').expect(200);
    await system.mail.waitFor((m) => m.envelopeTo.includes(ana.toLowerCase()) && /unsubscribed/i.test(m.parsed.subject ?? ''));
    await system.http().post(`/plans/${fixture.planId}/subscribers/export`).set(fixture.coordinator).send({ email: ana }).expect(200);
    await system.http().post(`/plans/${fixture.planId}/subscribers/erase`).set(fixture.coordinator).send({ email: ana }).expect(200);

    // An address the relay refuses, quoting it.
    const refused = address('refused');
    await system.http().post(`/public/plans/${fixture.planId}/subscriptions`).send({ email: refused, language: 'en' }).expect(202);
    const refusedRow = await subscriberOf(refused);
    const outbox = db.getRepository(OutboxMessageEntity);
    const deadline = Date.now() + 10_000;
    while ((await outbox.findOneBy({ idempotencyKey: `subscription-confirmation:${refusedRow.id}:1` }))?.status !== OutboxStatus.Failed) {
      if (Date.now() > deadline) throw new Error('the refused confirmation was not marked failed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const stored = await outbox.findOneByOrFail({ idempotencyKey: `subscription-confirmation:${refusedRow.id}:1` });
    expect(stored.lastError).toContain('550 5.1.1 <[address]>: Recipient address rejected');
    const refusedLinks = subscriberLinks(system.config.publicBaseUrl, refusedRow.id, secret, null);
    await system.http().get(pathOf(refusedLinks.unsubscribeUrl)).expect(200);

    const output = logs.join('');
    const lines = output.split('\n').filter((line) => line.trim());
    // The capture saw the API's JSON logs: each request, the outbox's refusal.
    expect(lines.length).toBeGreaterThan(10);
    expect(output).toContain('/subscriptions/confirm/:token');
    expect(output).toContain('/subscriptions/manage/:token');
    expect(output).toContain('/subscriptions/unsubscribe/:token');
    expect(output).toContain('subscriber erased');
    expect(lines.some((line) => line.includes('email refused permanently') && line.includes('<[address]>: Recipient address rejected'))).toBe(true);
    // Never the address (in any case, or its local part), nor any of the links' tokens.
    for (const email of [ana, refused]) {
      expect(output.toLowerCase()).not.toContain(email.toLowerCase());
      expect(output.toLowerCase()).not.toContain(email.split('@')[0].toLowerCase());
    }
    for (const url of [confirmUrl, preferencesUrl, unsubscribeUrl, refusedLinks.preferencesUrl, refusedLinks.unsubscribeUrl]) expect(output).not.toContain(tokenOf(url));
    expect(output).not.toMatch(/[\w.+-]+@vecinos\.example/i);
  });
});
