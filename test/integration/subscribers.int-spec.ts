/**
 * Subscribers through real emails (issue #10): the double opt-in link followed from the received
 * message, the same answer for a known address, expired links refused, preferences and one-click
 * unsubscribe pages, subject access and erasure, the CSV import, and the rate limit.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PurgeUnconfirmedSubscribers, PurgeUnconfirmedSubscribersCommand } from '../../libs/application/src';
import { OutboxMessageEntity, SubscriberEntity } from '../../libs/persistence/src';
import { signSubscriberToken, subscriberLinks } from '../../libs/security/src';
import { createPlanFixture, PlanFixture } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const RATE_LIMIT = 40;

describe('subscribers', () => {
  let system: TestSystem;
  let fixture: PlanFixture;
  let db: DataSource;
  const secret = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    system = await startTestSystem({ worker: false, config: { subscribers: { linkSecret: secret, confirmationHours: 48, unconfirmedRetentionDays: 7, subscribeLimitPerMinute: RATE_LIMIT } } });
    fixture = await createPlanFixture(system);
    db = system.api.get(DataSource);
  });

  afterAll(async () => {
    await system?.close();
  });

  const address = (name: string) => `${name}-${randomBytes(4).toString('hex')}@vecinos.example`;
  const subscribe = (email: string, language: string, extra: Record<string, unknown> = {}) => system.http().post(`/public/plans/${fixture.planId}/subscriptions`).send({ email, language, ...extra });
  const pathOf = (url: string) => new URL(url).pathname;
  const linkIn = (text: string, kind: 'confirm' | 'manage' | 'unsubscribe') => {
    const match = new RegExp(`https?://\\S+/subscriptions/${kind}/[\\w.-]+`).exec(text);
    if (!match) throw new Error(`No ${kind} link in: ${text}`);
    return match[0];
  };
  const subscriberOf = (email: string) => db.getRepository(SubscriberEntity).createQueryBuilder('s').where('s.plan_id = :planId AND lower(s.email) = lower(:email)', { planId: fixture.planId, email }).getOne();

  async function confirmed(email: string, language: 'es' | 'en'): Promise<SubscriberEntity> {
    await subscribe(email, language).expect(202);
    const mail = await system.mail.waitFor((m) => m.envelopeTo.includes(email));
    await system.http().get(pathOf(linkIn(mail.parsed.text!, 'confirm'))).expect(200);
    return (await subscriberOf(email))!;
  }

  it('confirms a Spanish subscriber by the link in the Spanish email, an English one in English', async () => {
    const ana = address('ana');
    const accepted = await subscribe(ana, 'es').expect(202);
    expect(accepted.body).toEqual({ status: 'accepted', detail: expect.any(String) });
    const mail = await system.mail.waitFor((m) => m.envelopeTo.includes(ana));
    expect(mail.parsed.subject).toMatch(/^Confirme su suscripción: Action plan /);
    expect(mail.parsed.text).toContain('Para confirmar, abra este enlace:');
    expect(mail.parsed.text).toContain('todo el plan');
    expect((await subscriberOf(ana))!.status).toBe('pending');

    const page = await system.http().get(pathOf(linkIn(mail.parsed.text!, 'confirm'))).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain('<html lang="es">');
    expect(page.text).toContain('Suscripción confirmada');
    const row = (await subscriberOf(ana))!;
    expect(row).toMatchObject({ status: 'confirmed', consentSource: 'form', language: 'es', commitmentIds: [] });
    expect(row.confirmedAt).toBeInstanceOf(Date);
    const key = await db.getRepository(OutboxMessageEntity).findOneByOrFail({ idempotencyKey: `subscription-confirmation:${row.id}:1` });
    expect(key.status).toBe('sent');
    // Following it again changes nothing.
    expect((await system.http().get(pathOf(linkIn(mail.parsed.text!, 'confirm'))).expect(200)).text).toContain('Ya estaba confirmada');

    const john = address('john');
    await subscribe(john, 'en', { commitmentIds: [fixture.commitmentId] }).expect(202);
    const english = await system.mail.waitFor((m) => m.envelopeTo.includes(john));
    expect(english.parsed.subject).toMatch(/^Confirm your subscription: Action plan /);
    expect(english.parsed.text).toContain('Topics: Dynamic and evaluable citizen-participation tools');
    const confirmedPage = await system.http().get(pathOf(linkIn(english.parsed.text!, 'confirm'))).expect(200);
    expect(confirmedPage.text).toContain('Subscription confirmed');
    expect(await subscriberOf(john)).toMatchObject({ status: 'confirmed', language: 'en', commitmentIds: [fixture.commitmentId] });
  });

  it('answers the same for a known address and a new one; the confirmed one gets its links, not a second confirmation', async () => {
    const known = address('known');
    await confirmed(known, 'en');
    const before = system.mail.to(known).length;
    const again = await subscribe(known.toUpperCase(), 'es').expect(202);
    const fresh = await subscribe(address('fresh'), 'es').expect(202);
    expect(again.body).toEqual(fresh.body);
    expect(again.headers['content-type']).toBe(fresh.headers['content-type']);
    const notice = await system.mail.waitFor((m) => m.envelopeTo.includes(known) && /already subscribed/.test(m.parsed.subject ?? ''));
    expect(notice.parsed.text).toContain('/subscriptions/manage/');
    expect(notice.parsed.text).toContain('/subscriptions/unsubscribe/');
    expect(system.mail.to(known).length).toBe(before + 1);
    // Nothing about the stored subscription changed (language stays English).
    expect(await subscriberOf(known)).toMatchObject({ status: 'confirmed', language: 'en' });
  });

  it('refuses an expired confirmation link (410) and a forged one (404), leaving the subscriber pending', async () => {
    const late = address('late');
    await subscribe(late, 'en').expect(202);
    const mail = await system.mail.waitFor((m) => m.envelopeTo.includes(late));
    const row = (await subscriberOf(late))!;
    await db.getRepository(SubscriberEntity).update({ id: row.id }, { confirmExpiresAt: new Date(Date.now() - 1000) });
    const expired = await system.http().get(pathOf(linkIn(mail.parsed.text!, 'confirm'))).expect(410);
    expect(expired.text).toContain('This link has expired');
    // A token whose own expiry has passed is refused before the database is asked.
    const old = signSubscriberToken({ subscriberId: row.id, purpose: 'confirm', expiresAt: new Date(Date.now() - 1000) }, secret);
    await system.http().get(`/subscriptions/confirm/${old}`).expect(410);
    const forged = signSubscriberToken({ subscriberId: row.id, purpose: 'confirm', expiresAt: new Date(Date.now() + 3_600_000) }, 'another-secret-of-some-length');
    expect((await system.http().get(`/subscriptions/confirm/${forged}`).set('Accept-Language', 'es').expect(404)).text).toContain('Este enlace no es válido');
    // A manage token does not confirm.
    const manage = subscriberLinks('http://x', row.id, secret, null).preferencesUrl.split('/').pop();
    await system.http().get(`/subscriptions/confirm/${manage}`).expect(404);
    expect((await subscriberOf(late))!.status).toBe('pending');
  });

  it('changes language and topics on the preferences page without a password', async () => {
    const maria = address('maria');
    const row = await confirmed(maria, 'es');
    const { preferencesUrl } = subscriberLinks(system.config.publicBaseUrl, row.id, secret, null);
    const page = await system.http().get(pathOf(preferencesUrl)).expect(200);
    expect(page.text).toContain('Su suscripción');
    expect(page.text).toContain(`name="commitmentIds" value="${fixture.commitmentId}"`);
    expect(page.text).toContain('name="language" value="en"');
    expect(page.text).not.toContain(maria);

    const saved = await system.http().post(pathOf(preferencesUrl)).type('form').send(`language=en&commitmentIds=${fixture.commitmentId}`).expect(200);
    expect(saved.text).toContain('<html lang="en">');
    expect(saved.text).toContain('Your preferences are saved.');
    expect(saved.text).toMatch(new RegExp(`value="${fixture.commitmentId}" checked`));
    expect(await subscriberOf(maria)).toMatchObject({ language: 'en', commitmentIds: [fixture.commitmentId] });
    // A written confirmation of the change, in the language now chosen, naming the topic, with the links.
    const changed = await system.mail.waitFor((m) => m.envelopeTo.includes(maria) && (m.parsed.subject ?? '').startsWith('Your preferences were saved'));
    expect(changed.parsed.text).toContain('in English, about: ');
    expect(changed.parsed.text).toContain('/subscriptions/manage/');
    expect(changed.parsed.text).toContain('/subscriptions/unsubscribe/');

    // Unchecking every commitment means the whole plan.
    await system.http().post(pathOf(preferencesUrl)).type('form').send('language=es').expect(200);
    expect(await subscriberOf(maria)).toMatchObject({ language: 'es', commitmentIds: [] });
    const cambio = await system.mail.waitFor((m) => m.envelopeTo.includes(maria) && (m.parsed.subject ?? '').startsWith('Guardamos sus preferencias'));
    expect(cambio.parsed.text).toContain('en español, sobre: todo el plan');

    const refused = await system.http().post(pathOf(preferencesUrl)).type('form').send('language=xx').expect(400);
    expect(refused.body.errors).toEqual([{ field: 'language', message: expect.any(String) }]);
    await system.http().post(pathOf(preferencesUrl)).type('form').send(`language=es&commitmentIds=${randomUuid()}`).expect(422);
  });

  it('shows a button on GET and unsubscribes on the RFC 8058 one-click POST', async () => {
    const pedro = address('pedro');
    const row = await confirmed(pedro, 'es');
    const { unsubscribeUrl } = subscriberLinks(system.config.publicBaseUrl, row.id, secret, null);
    const page = await system.http().get(pathOf(unsubscribeUrl)).expect(200);
    expect(page.text).toMatch(/<form method="post">[\s\S]*<button type="submit">Cancelar la suscripción<\/button>[\s\S]*<\/form>/);
    expect((await subscriberOf(pedro))!.status).toBe('confirmed');

    const done = await system.http().post(pathOf(unsubscribeUrl)).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(done.text).toContain('Canceló su suscripción');
    const after = (await subscriberOf(pedro))!;
    expect(after.status).toBe('unsubscribed');
    expect(after.unsubscribedAt).toBeInstanceOf(Date);
    await system.mail.waitFor((m) => m.envelopeTo.includes(pedro) && /^Canceló su suscripción/.test(m.parsed.subject ?? ''));
    // Repeating it (a client retrying) answers the same and sends nothing more.
    await system.http().post(pathOf(unsubscribeUrl)).type('form').send('List-Unsubscribe=One-Click').expect(200);
    await system.http().post(pathOf(unsubscribeUrl)).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(system.mail.to(pedro).filter((m) => /^Canceló/.test(m.parsed.subject ?? ''))).toHaveLength(1);
    // Subscribing again starts a new double opt-in.
    await subscribe(pedro, 'es').expect(202);
    expect(await subscriberOf(pedro)).toMatchObject({ status: 'pending', confirmationsSent: 2 });
  });

  it("exports one person's data and erases it, outbox recipients included, keeping only a hash in the audit trail", async () => {
    const lucia = address('lucia');
    const row = await confirmed(lucia, 'es');
    const exported = await system.http().post(`/plans/${fixture.planId}/subscribers/export`).set(fixture.coordinator).send({ email: lucia.toUpperCase() }).expect(200);
    expect(exported.body.subscriber).toMatchObject({ id: row.id, email: lucia, language: 'es', status: 'confirmed', consentSource: 'form', commitments: [] });
    expect(exported.body.emails).toEqual([expect.objectContaining({ idempotencyKey: `subscription-confirmation:${row.id}:1`, status: 'sent' })]);

    const erased = await system.http().post(`/plans/${fixture.planId}/subscribers/erase`).set(fixture.coordinator).send({ email: lucia }).expect(200);
    expect(erased.body).toEqual({ planId: fixture.planId, erased: true, outboxMessagesRedacted: 1 });
    expect(await subscriberOf(lucia)).toBeNull();
    expect(await db.getRepository(OutboxMessageEntity).findOneByOrFail({ idempotencyKey: `subscription-confirmation:${row.id}:1` })).toMatchObject({ toAddress: 'erased@invalid' });
    expect(await db.query(`SELECT count(*)::int AS n FROM outbox_message WHERE lower(to_address) = $1`, [lucia])).toEqual([{ n: 0 }]);
    const audit = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/audit-events`).query({ entityId: row.id }).set(fixture.coordinator).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['subscriber.confirmed', 'subscriber.exported', 'subscriber.erased']));
    expect(JSON.stringify(audit.body)).not.toContain(lucia);
    expect(JSON.stringify(audit.body)).toMatch(/"emailHash":"[0-9a-f]{32}"/);
    await system.http().post(`/plans/${fixture.planId}/subscribers/export`).set(fixture.coordinator).send({ email: lucia }).expect(404);
    // The links in old emails lead nowhere now.
    const { unsubscribeUrl } = subscriberLinks(system.config.publicBaseUrl, row.id, secret, null);
    await system.http().post(pathOf(unsubscribeUrl)).expect(404);
  });

  it('imports consenting subscribers from CSV: a dry run reports every row, a wrong file writes nothing', async () => {
    const commitment = await system.http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).expect(200);
    if (commitment.body.externalId !== 'C1') await system.http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).set('If-Match', commitment.headers.etag).send({ externalId: 'C1' }).expect(200);
    const [a, b, c] = [address('imp-a'), address('imp-b'), address('imp-c')];
    const wrong = ['email;language;commitment_external_ids;consented_at', `${a};es;C1;2024-05-01`, 'not-an-address;es;;2024-05-01', `${b};xx;;2024-05-01`, `${c};en;C9;2024-05-01`, `${a};en;;2024-05-01`, `${address('future')};en;;2999-01-01`].join('\n');
    const dry = await system.http().post(`/plans/${fixture.planId}/subscribers/import`).query({ dryRun: 'true' }).set(fixture.coordinator).type('text/csv').send(wrong).expect(200);
    expect(dry.body).toMatchObject({ dryRun: true, valid: false });
    expect(dry.body.errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([
      [3, 'email'],
      [4, 'language'],
      [5, 'commitment_external_ids'],
      [6, 'email'],
      [7, 'consented_at'],
    ]);
    expect(JSON.stringify(dry.body)).not.toContain(a);
    const refused = await system.http().post(`/plans/${fixture.planId}/subscribers/import`).set(fixture.coordinator).type('text/csv').send(wrong).expect(422);
    expect(refused.body.errors).toHaveLength(5);
    expect(await subscriberOf(a)).toBeNull();

    const good = ['email;language;commitment_external_ids;consented_at', `${a};es;C1;2024-05-01`, `${b};en;;2024-06-01T10:00:00-03:00`].join('\n');
    const checked = await system.http().post(`/plans/${fixture.planId}/subscribers/import`).query({ dryRun: 'true' }).set(fixture.coordinator).type('text/csv').send(good).expect(200);
    expect(checked.body).toMatchObject({ dryRun: true, valid: true, errors: [], summary: { created: 2 } });
    expect(await subscriberOf(a)).toBeNull();
    const imported = await system.http().post(`/plans/${fixture.planId}/subscribers/import`).set(fixture.coordinator).type('text/csv').send(good).expect(200);
    expect(imported.body).toMatchObject({ dryRun: false, valid: true, summary: { created: 2 } });
    expect(await subscriberOf(a)).toMatchObject({ status: 'confirmed', consentSource: 'import', language: 'es', commitmentIds: [fixture.commitmentId], consentedAt: new Date('2024-05-01T00:00:00Z') });
    expect(await subscriberOf(b)).toMatchObject({ status: 'confirmed', consentSource: 'import', consentedAt: new Date('2024-06-01T13:00:00Z') });
    expect(system.mail.to(a)).toHaveLength(0);
  });

  it('counts subscribers without showing an address', async () => {
    const summary = await system.http().get(`/plans/${fixture.planId}/subscribers/summary`).set(fixture.coordinator).expect(200);
    expect(summary.body).toMatchObject({ planId: fixture.planId, byStatus: { pending: expect.any(Number), confirmed: expect.any(Number), unsubscribed: expect.any(Number), bounced: 0 } });
    expect(summary.body.byStatus.confirmed).toBeGreaterThanOrEqual(5);
    expect(summary.body.byLanguage.es).toBeGreaterThanOrEqual(1);
    expect(summary.body.byLanguage.en).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(summary.body)).not.toContain('@');
  });

  it('purges subscribers who never confirmed once the retention has passed, with their addresses in the outbox', async () => {
    const [stale, young, kept] = [address('stale'), address('young'), address('kept')];
    for (const email of [stale, young]) {
      await subscribe(email, 'es').expect(202);
      await system.mail.waitFor((m) => m.envelopeTo.includes(email));
    }
    await confirmed(kept, 'es');
    const repo = db.getRepository(SubscriberEntity);
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
    const staleRow = (await subscriberOf(stale))!;
    await repo.update({ id: staleRow.id }, { confirmationSentAt: eightDaysAgo, createdAt: eightDaysAgo });
    await repo.update({ id: (await subscriberOf(kept))!.id }, { createdAt: eightDaysAgo, confirmationSentAt: eightDaysAgo });

    const purge = system.api.get(PurgeUnconfirmedSubscribers);
    const result = await purge.execute(PurgeUnconfirmedSubscribersCommand.create({ now: new Date(), retentionDays: 7, limit: 1000 }));
    expect(result.purged).toBeGreaterThanOrEqual(1);
    expect(await subscriberOf(stale)).toBeNull();
    expect((await subscriberOf(young))!.status).toBe('pending');
    expect((await subscriberOf(kept))!.status).toBe('confirmed');
    expect(await db.getRepository(OutboxMessageEntity).findOneByOrFail({ idempotencyKey: `subscription-confirmation:${staleRow.id}:1` })).toMatchObject({ toAddress: 'erased@invalid' });
    // Repeating it finds nothing more of these.
    await purge.execute(PurgeUnconfirmedSubscribersCommand.create({ now: new Date(), retentionDays: 7, limit: 1000 }));
    expect((await subscriberOf(young))!.status).toBe('pending');
  });

  it('limits subscription requests per client: 429 problem+json with Retry-After', async () => {
    let answer = await subscribe(address('flood'), 'es');
    for (let i = 0; i < RATE_LIMIT + 1 && answer.status !== 429; i++) answer = await subscribe(address('flood'), 'es');
    expect(answer.status).toBe(429);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
  });
});

function randomUuid(): string {
  return '6f1c2f4e-2b7a-4c1e-9d0a-' + randomBytes(6).toString('hex');
}
