/**
 * The public pages (issue #11) as HTML over HTTP: a fixture plan's pages in two languages, the
 * language switch keeping the page, 404 pages in the reader's language, conditional GETs, the
 * subscription form answering the same for a new and a known address (the confirmation email
 * arrives at the SMTP sink, the subscriber row appears), and no draft plan anywhere.
 */
import { DataSource } from 'typeorm';
import { SubscriberEntity } from '../../libs/persistence/src';
import { createPublicPagesFixture, type PublicPagesFixture } from '../browser/public-pages-fixture';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('public pages', () => {
  let system: TestSystem;
  let f: PublicPagesFixture;
  let plan: string;

  beforeAll(async () => {
    system = await startTestSystem();
    f = await createPublicPagesFixture(system);
    plan = `/p/${f.slug}/plans/${f.planId}`;
  });

  afterAll(async () => {
    await system?.close();
  });

  const get = (path: string, language?: string) => {
    const request = system.http().get(path);
    return language ? request.set('Accept-Language', language) : request;
  };
  const expectNoPersonalData = (html: string) => {
    for (const value of f.personal) expect(html).not.toContain(value);
  };

  it('shows the plan in Spanish by default and in English from Accept-Language, with progress and its text equivalent', async () => {
    const es = await get(plan).expect(200);
    expect(es.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(es.headers['vary']).toMatch(/Accept-Language/);
    expect(es.text).toContain('<html lang="es">');
    expect(es.text).toContain(f.planTitle);
    expect(es.text).toContain('Avance del plan');
    expect(es.text).toContain('Saltar al contenido principal');
    // The first commitment: 1 of 2 milestones complete; the second: no evidence yet, not 0 %.
    expect(es.text).toMatch(/Sustancial: 50\s?%/);
    expect(es.text).toContain('1 de 2 hitos cumplidos');
    expect(es.text).toMatch(/<progress id="commitment-1-progress" max="100" value="50" aria-label="Avance de Dynamic and evaluable citizen-participation tools"/);
    expect(es.text).toContain('<span class="no-evidence">Todavía sin evidencia</span>');
    expect(es.text).not.toContain('id="commitment-2-progress"');
    expect(es.text).toContain(`href="${plan}/commitments/${f.commitmentId}?lang=es"`);
    expect(es.text).toContain(`href="${plan}/subscribe?lang=es"`);
    expect(es.text).not.toMatch(/<script|style=|<style/);
    expectNoPersonalData(es.text);

    const en = await get(plan, 'en-GB,en;q=0.9').expect(200);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Progress of the plan');
    expect(en.text).toContain('1 of 2 milestones complete');
    expect(en.text).toContain('No evidence yet');
    expect(en.headers['content-language']).toBe('en');
  });

  it('keeps the page when switching language: every language link points at the same page', async () => {
    const commitment = `${plan}/commitments/${f.commitmentId}`;
    const page = await get(`${commitment}?lang=es`).expect(200);
    for (const lang of ['es', 'en', 'fr', 'pt']) expect(page.text).toContain(`href="${commitment}?lang=${lang}" lang="${lang}" hreflang="${lang}"`);
    expect(page.text).toContain(`href="${commitment}?lang=es" lang="es" hreflang="es" aria-current="true"`);
    const fr = await get(`${commitment}?lang=fr`, 'es').expect(200);
    expect(fr.text).toContain('<html lang="fr">');
    expect(fr.text).toContain('Historique des reports');
    const pt = await get(`${commitment}?lang=pt`).expect(200);
    expect(pt.text).toContain('Histórico de reprogramações');
  });

  it('shows a commitment: milestones, replanning (original date, new date, reason), public evidence, both assessments and the committee without names', async () => {
    const page = await get(`${plan}/commitments/${f.commitmentId}?lang=en`).expect(200);
    expect(page.text).toContain('Participation platform launched');
    expect(page.text).toContain('Replanning history');
    expect(page.text).toContain(f.replanReason);
    expect(page.text).toMatch(/<th scope="col">Original date<\/th><th scope="col">New date<\/th><th scope="col">Reason<\/th>/);
    expect(page.text).toContain(`href="${f.evidenceLink}"`);
    expect(page.text).toContain('Evidence 1: Participation platform launched');
    expect(page.text).not.toContain('javascript:');
    expect(page.text).toContain("Government&#39;s self-assessment");
    expect(page.text).toContain("Independent Monitoring Body&#39;s assessment");
    expect(page.text).toContain('The platform is live and two participation cycles ran.');
    expect(page.text).toContain('Participation is open, but its results are not yet evaluated.');
    expect(page.text).toContain('Secretariat of Modernization and Proximity (Government referent)');
    expect(page.text).toContain('Rosario Transparente (civil association) (Dialogue Board member)');
    expectNoPersonalData(page.text);
    const es = await get(`${plan}/commitments/${f.commitmentId}?lang=es`).expect(200);
    expect(es.text).toContain('Autoevaluación del gobierno');
    expect(es.text).toContain('Referente de gobierno');
  });

  it('shows check-ins and a check-in with its approved minutes, decisions and open action items (titles only)', async () => {
    const list = await get(`${plan}/check-ins?lang=en`).expect(200);
    expect(list.text).toContain(`${plan}/check-ins/${f.checkInId}?lang=en`);
    expect(list.text).toContain('Minutes published');
    expect(list.text).toContain(`/public/plans/${f.planId}/check-ins.ics`);
    const page = await get(`${plan}/check-ins/${f.checkInId}?lang=en`).expect(200);
    expect(page.text).toContain('Dialogue Board check-in of');
    expect(page.text).toContain(f.minutes);
    expect(page.text).toContain(f.decision);
    expect(page.text).toContain(f.actionItemTitle);
    expect(page.text).toContain('Replannings since the last check-in');
    expectNoPersonalData(page.text);
    const es = await get(`${plan}/check-ins/${f.checkInId}?lang=es`).expect(200);
    expect(es.text).toContain('Tareas pendientes');
  });

  it('shows the digest archive and a month from its stored content, in the page language, never the stored email HTML', async () => {
    const list = await get(`${plan}/digests?lang=en`).expect(200);
    expect(list.text).toContain(`${plan}/digests/${f.month}?lang=en`);
    const en = await get(`${plan}/digests/${f.month}?lang=en`).expect(200);
    expect(en.text).toMatch(/<h1>Monthly summary, \w+ \d{4}<\/h1>/);
    expect(en.text).toContain('Milestones completed this month');
    expect(en.text).toContain(`href="${f.evidenceLink}"`);
    const fr = await get(`${plan}/digests/${f.month}?lang=fr`).expect(200);
    expect(fr.text).toContain('<html lang="fr">');
    expect(fr.text).toMatch(/<h1>Bilan mensuel, \S+ \d{4}<\/h1>/);
    expectNoPersonalData(en.text + fr.text);
    await get(`${plan}/digests/1999-01?lang=en`).expect(404);
    await get(`${plan}/digests/not-a-month?lang=en`).expect(404);
  });

  it('documents the open data of the plans on a page, with the OpenAPI link', async () => {
    const page = await get(`/p/${f.slug}/open-data?lang=en`).expect(200);
    for (const file of ['plan.csv', 'decidim-results.csv', 'feed.atom', 'check-ins.ics']) expect(page.text).toContain(`/public/plans/${f.planId}/${file}`);
    expect(page.text).toContain('href="/docs"');
    expect(page.text).not.toContain(f.draftPlanId);
  });

  it('answers 404 pages in HTML, in the reader language, for an unknown slug, plan, commitment or check-in and for a draft plan', async () => {
    const unknownSlug = await get('/p/no-such-city-here', 'en').expect(404);
    expect(unknownSlug.headers['content-type']).toMatch(/^text\/html/);
    expect(unknownSlug.text).toContain('<html lang="en">');
    expect(unknownSlug.text).toContain('Page not found');
    const unknownPlan = await get(`/p/${f.slug}/plans/00000000-0000-4000-8000-000000000000?lang=fr`).expect(404);
    expect(unknownPlan.text).toContain('Page introuvable');
    expect(unknownPlan.text).toContain(`href="/p/${f.slug}?lang=fr"`);
    await get(`/p/${f.slug}/plans/not-a-uuid`).expect(404);
    await get(`${plan}/commitments/00000000-0000-4000-8000-000000000000`).expect(404);
    await get(`${plan}/check-ins/${f.planId}`).expect(404);
    const draft = await get(`/p/${f.slug}/plans/${f.draftPlanId}`, 'es').expect(404);
    expect(draft.text).toContain('Página no encontrada');
    expect(draft.text).not.toContain(f.draftTitle);
    const plans = await get(`/p/${f.slug}?lang=en`).expect(200);
    expect(plans.text).toContain(f.planTitle);
    expect(plans.text).not.toContain(f.draftTitle);
    expect(plans.text).not.toContain(f.draftPlanId);
  });

  it('answers a conditional GET with 304 and serves the stylesheet as a cacheable file', async () => {
    const first = await get(`${plan}?lang=en`).expect(200);
    expect(first.headers.etag).toBeDefined();
    expect(first.headers['cache-control']).toMatch(/public/);
    await get(`${plan}?lang=en`).set('If-None-Match', first.headers.etag).expect(304);
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(first.text)![1];
    const css = await get(href).expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['cache-control']).toContain('immutable');
    expect(css.text).toContain(':focus-visible');
  });

  it('subscribes through the form: the same page for a new and a known address, a pending subscriber and a confirmation email', async () => {
    const db = system.api.get(DataSource);
    const form = await get(`${plan}/subscribe?lang=es`).expect(200);
    expect(form.text).toContain(`<form method="post" action="${plan}/subscribe?lang=es" novalidate>`);
    expect(form.text).toContain('<label for="email">Dirección de correo electrónico</label>');
    const email = `vecina-${Date.now()}@barrio.example`;
    const post = (body: string) => system.http().post(`${plan}/subscribe?lang=es`).type('form').send(body);

    const fresh = await post(`email=${encodeURIComponent(email)}&language=en&commitmentIds=${f.commitmentId}`).expect(200);
    expect(fresh.text).toContain('<h1>Revise su correo</h1>');
    expect(fresh.headers['cache-control']).toBe('no-store');
    const mail = await system.mail.waitFor((m) => m.envelopeTo.includes(email));
    expect(mail.parsed.subject).toMatch(/^Confirm your subscription: /);
    const row = await db.getRepository(SubscriberEntity).findOneByOrFail({ planId: f.planId, email });
    expect(row).toMatchObject({ status: 'pending', language: 'en', commitmentIds: [f.commitmentId], consentSource: 'form' });

    const again = await post(`email=${encodeURIComponent(email.toUpperCase())}&language=es`).expect(200);
    const other = await post(`email=${encodeURIComponent(`otra-${Date.now()}@barrio.example`)}&language=es`).expect(200);
    const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)![0];
    expect(main(again.text)).toBe(main(fresh.text));
    expect(main(other.text)).toBe(main(fresh.text));
    expect(again.text).not.toContain(email);
  });

  it('shows the form again with the invalid fields named, keeping what was typed, and writes nothing', async () => {
    const db = system.api.get(DataSource);
    const before = await db.getRepository(SubscriberEntity).countBy({ planId: f.planId });
    const bad = await system.http().post(`${plan}/subscribe?lang=en`).type('form').send('email=not-an-address&language=xx&commitmentIds=00000000-0000-4000-8000-000000000000').expect(400);
    expect(bad.text).toContain('<div class="error-summary" role="alert"');
    expect(bad.text).toContain('<a href="#email">Enter a valid email address, such as name@example.org.</a>');
    expect(bad.text).toContain('Choose one of the languages.');
    expect(bad.text).toContain('aria-invalid="true"');
    expect(bad.text).toContain('value="not-an-address"');
    const foreign = await system.http().post(`${plan}/subscribe?lang=en`).type('form').send('email=someone@barrio.example&language=en&commitmentIds=00000000-0000-4000-8000-000000000000').expect(400);
    expect(foreign.text).toContain('Choose only commitments of this plan.');
    expect(await db.getRepository(SubscriberEntity).countBy({ planId: f.planId })).toBe(before);
    await system.http().post(`/p/${f.slug}/plans/${f.draftPlanId}/subscribe`).type('form').send('email=a@b.example&language=en').expect(404);
  });
});
