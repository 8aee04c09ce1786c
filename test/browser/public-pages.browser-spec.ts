/**
 * The public pages as a citizen sees them (issue #11), in real headless Chromium: Debian's `chromium`
 * package (CHROMIUM_PATH, default /usr/bin/chromium) driven by playwright-core, nothing downloaded.
 * The plan, a commitment, a check-in and a digest page in Spanish and English, the language switch
 * clicked, the subscription form submitted; axe-core (WCAG 2.0/2.1 A and AA rules) finds no violation
 * on any of them. Then with JavaScript disabled: the same pages render and every same-origin link
 * answers below 400. With UPDATE_SCREENSHOTS=1 the plan page is photographed (desktop and mobile,
 * es and en) into docs/screenshots/.
 */
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { SubscriberEntity } from '../../libs/persistence/src';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { createPublicPagesFixture, type PublicPagesFixture } from './public-pages-fixture';

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

describe('public pages in a browser', () => {
  let system: TestSystem;
  let f: PublicPagesFixture;
  let browser: Browser;
  let origin: string;
  let pages: Record<'plan' | 'commitment' | 'checkIn' | 'digest', string>;

  beforeAll(async () => {
    system = await startTestSystem();
    f = await createPublicPagesFixture(system);
    origin = `http://127.0.0.1:${(system.api.getHttpServer().address() as AddressInfo).port}`;
    const plan = `/p/${f.slug}/plans/${f.planId}`;
    pages = { plan, commitment: `${plan}/commitments/${f.commitmentId}`, checkIn: `${plan}/check-ins/${f.checkInId}`, digest: `${plan}/digests/${f.month}` };
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  /** Opens `url`, expects a 200 HTML page in `language`, and runs axe on it: no WCAG 2.1 A/AA violation. */
  async function openAccessible(page: Page, url: string, language: string): Promise<void> {
    const response = await page.goto(`${origin}${url}`);
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe(language);
    await expectNoViolations(page);
  }

  async function expectNoViolations(page: Page): Promise<void> {
    const result = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
    const found = result.violations.map((v) => ({ page: page.url(), id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`) }));
    if (found.length) console.log(JSON.stringify(found, null, 2));
    expect(found).toEqual([]);
  }

  it('shows the plan, a commitment, a check-in and a digest in Spanish and English with no WCAG 2.1 AA violation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const language of ['es', 'en']) {
      for (const url of Object.values(pages)) await openAccessible(page, `${url}?lang=${language}`, language);
    }
    // A phone's width: the same pages reflow (axe again, contrast included).
    await page.setViewportSize({ width: 360, height: 740 });
    for (const url of Object.values(pages)) {
      await openAccessible(page, `${url}?lang=es`, 'es');
      // Nothing wider than the screen (WCAG 1.4.10 reflow): the widest element's right edge, for the message.
      const overflow = await page.evaluate(
        `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap')).map((e) => e.tagName + '.' + e.className).slice(0, 5)`,
      );
      expect({ url, overflow }).toEqual({ url, overflow: [] });
    }
    await context.close();
  });

  it('switches language by clicking the switch, staying on the same page', async () => {
    const context = await browser.newContext({ locale: 'es-AR' });
    const page = await context.newPage();
    await page.goto(`${origin}${pages.commitment}`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await page.click('nav.lang-switch a[hreflang="en"]');
    await page.waitForURL(`${origin}${pages.commitment}?lang=en`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toBe('Dynamic and evaluable citizen-participation tools');
    // Links of the English page keep English: the plan crumb, then the check-ins from the plan.
    await page.click(`nav.breadcrumbs a[href^="${pages.plan}?"]`);
    expect(page.url()).toBe(`${origin}${pages.plan}?lang=en`);
    expect(await page.textContent('h2 >> nth=0')).toBe('Strategic vision');
    await page.click('nav.lang-switch a[hreflang="pt"]');
    await page.waitForURL(`${origin}${pages.plan}?lang=pt`);
    expect(await page.getAttribute('html', 'lang')).toBe('pt');
    await expectNoViolations(page);
    await context.close();
  });

  it('submits the subscription form: errors named and accessible, then "check your inbox" and a pending subscriber', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openAccessible(page, `${pages.plan}/subscribe?lang=en`, 'en');
    await page.fill('#email', 'not an address');
    await page.click('button[type="submit"]');
    expect(await page.textContent('.error-summary')).toContain('Enter a valid email address');
    expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
    await expectNoViolations(page);

    const email = `browser-${Date.now()}@barrio.example`;
    await page.fill('#email', email);
    await page.check('#commitment-1');
    await page.check('#language-es');
    await page.click('button[type="submit"]');
    expect(await page.textContent('h1')).toBe('Check your inbox');
    await expectNoViolations(page);
    await system.mail.waitFor((m) => m.envelopeTo.includes(email));
    const row = await system.api.get(DataSource).getRepository(SubscriberEntity).findOneByOrFail({ planId: f.planId, email });
    expect(row).toMatchObject({ status: 'pending', language: 'es', commitmentIds: [f.commitmentId] });
    await context.close();
  });

  it('works with JavaScript disabled: the pages render, every same-origin link answers below 400, the form posts', async () => {
    const context: BrowserContext = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const links = new Set<string>();
    for (const language of ['es', 'en']) {
      for (const url of [...Object.values(pages), `${pages.plan}/check-ins`, `${pages.plan}/digests`, `/p/${f.slug}/open-data`]) {
        const response = await page.goto(`${origin}${url}?lang=${language}`);
        expect(response?.status()).toBe(200);
        expect((await page.textContent('h1'))?.trim()).toBeTruthy();
        for (const href of await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href))) {
          const target = new URL(href);
          if (target.origin === origin) links.add(target.pathname + target.search);
        }
      }
    }
    expect(links.size).toBeGreaterThan(20);
    const broken: string[] = [];
    for (const link of links) {
      const response = await context.request.get(`${origin}${link}`);
      if (response.status() >= 400) broken.push(`${link}: ${response.status()}`);
    }
    expect(broken).toEqual([]);

    const email = `nojs-${Date.now()}@barrio.example`;
    await page.goto(`${origin}${pages.plan}/subscribe?lang=es`);
    await page.fill('#email', email);
    await page.click('button[type="submit"]');
    expect(await page.textContent('h1')).toBe('Revise su correo');
    await system.mail.waitFor((m) => m.envelopeTo.includes(email));
    await context.close();
  });

  // Screenshots for the README only when asked (UPDATE_SCREENSHOTS=1): by default a run writes nothing into the repository.
  if (process.env.UPDATE_SCREENSHOTS === '1') it('photographs the plan page (desktop and mobile, es and en) into docs/screenshots', async () => {
    const dir = path.join(__dirname, '..', '..', 'docs', 'screenshots');
    mkdirSync(dir, { recursive: true });
    for (const [name, viewport] of [
      ['desktop', { width: 1280, height: 900 }],
      ['mobile', { width: 390, height: 844 }],
    ] as const) {
      const context = await browser.newContext({ viewport, deviceScaleFactor: name === 'mobile' ? 2 : 1 });
      const page = await context.newPage();
      for (const language of ['es', 'en']) {
        await page.goto(`${origin}${pages.plan}?lang=${language}`);
        await page.screenshot({ path: path.join(dir, `plan-${language}-${name}.png`), fullPage: true });
      }
      await context.close();
    }
  });
});
