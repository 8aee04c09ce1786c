import { HttpException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { CommitmentStatus, isDigestMonth, SUPPORTED_LANGUAGES, type Language } from '@app/domain';
import { digestBlocks, formatDate, formatDateTime, t, type Block, type ListItem, type MessageKey } from '@app/mail';
import { CachedRead, PublicReadCache } from '../public/public-read-cache';
import { PublicCheckInsService } from '../public/public-check-ins.service';
import { PublicDigestsService } from '../public/public-digests.service';
import type { PublicCheckInDto, PublicCommitmentDto, PublicPlanDto } from '../public/public.dto';
import { PublicService } from '../public/public.service';
import { SubscribeDto } from '../subscribers/dto/subscriber.dto';
import { SubscriptionsService } from '../subscribers/subscriptions.service';
import { inLanguage, pageLanguage } from './page-language';
import { createPageEnvironment, LAYOUT_DEFAULTS, type Meter } from './page-layout';
import { PAGE_TEMPLATES } from './page-templates';

/** A public page's address, by jurisdiction slug: what it shows. */
export type PageRoute =
  | { kind: 'plans'; slug: string }
  | { kind: 'openData'; slug: string }
  | { kind: 'plan' | 'checkIns' | 'digests' | 'subscribe'; slug: string; planId: string }
  | { kind: 'commitment'; slug: string; planId: string; commitmentId: string }
  | { kind: 'checkIn'; slug: string; planId: string; checkInId: string }
  | { kind: 'digest'; slug: string; planId: string; month: string };

/** How the reader asked for a language: `?lang=` and the best of ours in Accept-Language (null: none). */
export interface LanguageChoice {
  query: unknown;
  fromHeader: Language | null;
}

/** A page to send: a cached 200 (with its validators) or an uncached answer (404, a form's result). */
export type RenderedPage = { status: 200; language: Language; cached: CachedRead<string> } | { status: number; language: Language; html: string };

/** The jurisdiction as the pages need it (public facts only). */
interface Site {
  slug: string;
  name: string;
  timeZone: string;
  defaultLanguage: string;
}

/** Thrown while building a page that does not exist: answered by the 404 page in the reader's language. */
class PageNotFound extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WEB_LINK = /^https?:\/\//i;

const environment = createPageEnvironment(PAGE_TEMPLATES);

/** The address of a page (without the language). */
export function pathOf(route: PageRoute): string {
  const site = `/p/${encodeURIComponent(route.slug)}`;
  switch (route.kind) {
    case 'plans':
      return site;
    case 'openData':
      return `${site}/open-data`;
    default: {
      const plan = `${site}/plans/${route.planId}`;
      switch (route.kind) {
        case 'plan':
          return plan;
        case 'checkIns':
          return `${plan}/check-ins`;
        case 'digests':
          return `${plan}/digests`;
        case 'subscribe':
          return `${plan}/subscribe`;
        case 'commitment':
          return `${plan}/commitments/${route.commitmentId}`;
        case 'checkIn':
          return `${plan}/check-ins/${route.checkInId}`;
        case 'digest':
          return `${plan}/digests/${route.month}`;
      }
    }
  }
}

/** A segment of a page address that reads the same decoded and encoded (what slugs, ids and months are made of). */
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * The page a GET of `path` (as sent, without the query) shows: the inverse of {@link pathOf} for the
 * addresses of PublicPagesController's GET routes, written exactly as pathOf writes them; undefined
 * for anything else (other spellings still reach the controller through Nest).
 */
export function parsePagePath(path: string): PageRoute | undefined {
  if (!path.startsWith('/p/')) return undefined;
  const parts = path.slice(3).split('/');
  if (parts.length > 5 || !parts.every((part) => PLAIN_SEGMENT.test(part))) return undefined;
  const [slug, section, planId, sub, id] = parts;
  if (parts.length === 1) return { kind: 'plans', slug };
  if (parts.length === 2) return section === 'open-data' ? { kind: 'openData', slug } : undefined;
  if (section !== 'plans') return undefined;
  if (parts.length === 3) return { kind: 'plan', slug, planId };
  if (parts.length === 4) return sub === 'check-ins' ? { kind: 'checkIns', slug, planId } : sub === 'digests' ? { kind: 'digests', slug, planId } : sub === 'subscribe' ? { kind: 'subscribe', slug, planId } : undefined;
  if (sub === 'commitments') return { kind: 'commitment', slug, planId, commitmentId: id };
  if (sub === 'check-ins') return { kind: 'checkIn', slug, planId, checkInId: id };
  if (sub === 'digests') return { kind: 'digest', slug, planId, month: id };
  return undefined;
}

/** The PublicReadCache key of a jurisdiction as the pages need it. */
export function siteCacheKey(slug: string): string {
  return `site:${slug}`;
}

/** The PublicReadCache key of a rendered page: its address and language. */
export function pageCacheKey(route: PageRoute, language: Language): string {
  return `page:${pathOf(route)}:${language}`;
}

/** The subscription form's fields as a browser posts them (application/x-www-form-urlencoded). */
export interface SubscribeForm {
  email?: unknown;
  language?: unknown;
  commitmentIds?: unknown;
}

/**
 * The public pages' view models: published data (through the public read model, PublicService and
 * friends, so nothing personal can reach a page) shaped for the templates, every text from the
 * catalogs in the page's language, dates in the jurisdiction's zone. Each page is rendered once per
 * address and language and kept in the PublicReadCache (`page:<path>:<lang>`).
 */
@Injectable()
export class PublicPagesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cache: PublicReadCache,
    private readonly plans: PublicService,
    private readonly checkIns: PublicCheckInsService,
    private readonly digests: PublicDigestsService,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  /** A page as HTML in the reader's language, or the 404 page in it. */
  async render(route: PageRoute, choice: LanguageChoice): Promise<RenderedPage> {
    const site = await this.site(route.slug);
    const language = pageLanguage(choice.query, choice.fromHeader, site?.defaultLanguage);
    if (!site) return this.notFound(route, language, null);
    try {
      const cached = await this.cache.read(pageCacheKey(route, language), () => this.build(route, site, language));
      return { status: 200, language, cached };
    } catch (error) {
      if (isNotFound(error)) return this.notFound(route, language, site);
      throw error;
    }
  }

  /**
   * The page {@link render} would answer 200 with right now without loading anything (its site and
   * the page itself fresh in the cache, the same keys and language choice), else undefined.
   */
  cachedPage(route: PageRoute, choice: LanguageChoice): { cached: CachedRead<string>; language: Language } | undefined {
    const site = this.cache.peek(siteCacheKey(route.slug))?.value as Site | null | undefined;
    if (!site) return undefined;
    const language = pageLanguage(choice.query, choice.fromHeader, site.defaultLanguage);
    const cached = this.cache.peek(pageCacheKey(route, language)) as CachedRead<string> | undefined;
    return cached && { cached, language };
  }

  /**
   * The subscription form posted: checked like the API's subscribe (SubscribeDto), then handed to the
   * same double opt-in (SubscriptionsService.subscribe). The answer is the same page whether or not the
   * address was known; bad input shows the form again with the fields named.
   */
  async subscribe(route: PageRoute & { kind: 'subscribe' }, form: SubscribeForm, choice: LanguageChoice): Promise<RenderedPage> {
    const site = await this.site(route.slug);
    const language = pageLanguage(choice.query, choice.fromHeader, site?.defaultLanguage);
    if (!site) return this.notFound(route, language, null);
    try {
      const plan = await this.plan(site, route.planId);
      const chosen = asStrings(form.commitmentIds);
      const dto = plainToInstance(SubscribeDto, { email: typeof form.email === 'string' ? form.email.trim() : form.email, language: form.language, commitmentIds: chosen });
      const fields = new Set((await validate(dto)).map((e) => e.property));
      if (fields.size === 0) {
        try {
          await this.subscriptions.subscribe(plan.id, dto);
        } catch (error) {
          if (!(error instanceof HttpException) || error.getStatus() !== 422) throw error;
          fields.add('commitmentIds');
        }
      }
      if (fields.size > 0) {
        const html = this.subscribePage(route, site, language, plan, { email: typeof form.email === 'string' ? form.email : '', language: form.language, commitmentIds: chosen, fields });
        return { status: 400, language, html };
      }
      const say = this.say(language, site);
      return {
        status: 200,
        language,
        html: this.view('subscribe-sent.njk', route, site, language, { title: say('publicPage.subscribe.sentTitle'), planHref: inLanguage(pathOf({ ...route, kind: 'plan' }), language), ...this.planCrumbs(route, site, plan, language) }),
      };
    } catch (error) {
      if (isNotFound(error)) return this.notFound(route, language, site);
      throw error;
    }
  }

  private site(slug: string): Promise<Site | null> {
    return this.cache
      .read(siteCacheKey(slug), async () => {
        const rows: Site[] = await this.db.query(`SELECT slug, name, time_zone AS "timeZone", default_language AS "defaultLanguage" FROM jurisdiction WHERE slug = $1`, [slug.slice(0, 100)]);
        return rows[0] ?? null;
      })
      .then((read) => read.value);
  }

  /** The published plan `planId` of the site (a draft, another jurisdiction's or an unknown plan: not found). */
  private async plan(site: Site, planId: string): Promise<PublicPlanDto & { slug: string }> {
    if (!UUID.test(planId)) throw new PageNotFound();
    const [owner]: { slug: string }[] = await this.db.query(`SELECT j.slug FROM action_plan p JOIN jurisdiction j ON j.id = p.jurisdiction_id WHERE p.id = $1`, [planId]);
    if (owner?.slug !== site.slug) throw new PageNotFound();
    return { ...(await this.plans.plan(planId)), slug: site.slug };
  }

  private build(route: PageRoute, site: Site, language: Language): Promise<string> {
    switch (route.kind) {
      case 'plans':
        return this.plansPage(route, site, language);
      case 'openData':
        return this.openDataPage(route, site, language);
      case 'plan':
        return this.planPage(route, site, language);
      case 'commitment':
        return this.commitmentPage(route, site, language);
      case 'checkIns':
        return this.checkInsPage(route, site, language);
      case 'checkIn':
        return this.checkInPage(route, site, language);
      case 'digests':
        return this.digestsPage(route, site, language);
      case 'digest':
        return this.digestPage(route, site, language);
      case 'subscribe':
        return this.plan(site, route.planId).then((plan) => this.subscribePage(route, site, language, plan, null));
    }
  }

  private async plansPage(route: PageRoute, site: Site, language: Language): Promise<string> {
    const say = this.say(language, site);
    const summaries = await this.plans.plansOf(site.slug);
    const plans = await Promise.all(
      summaries.map(async (summary, index) => {
        const plan = await this.plans.plan(summary.id);
        return {
          title: plan.title,
          href: inLanguage(pathOf({ kind: 'plan', slug: site.slug, planId: plan.id }), language),
          period: this.period(language, plan),
          status: say(`publicPage.planStatus.${plan.status}` as MessageKey),
          statusCode: plan.status,
          meter: this.planMeter(language, site, plan, `plan-${index + 1}-progress`),
        };
      }),
    );
    return this.view('plans.njk', route, site, language, {
      title: say('publicPage.plans.title'),
      intro: say('publicPage.plans.intro', { jurisdictionName: site.name }),
      plans,
      openDataHref: inLanguage(pathOf({ kind: 'openData', slug: site.slug }), language),
    });
  }

  private async planPage(route: PageRoute & { planId: string }, site: Site, language: Language): Promise<string> {
    const say = this.say(language, site);
    const plan = await this.plan(site, route.planId);
    const link = (kind: 'checkIns' | 'digests' | 'subscribe') => inLanguage(pathOf({ kind, slug: site.slug, planId: plan.id }), language);
    return this.view('plan.njk', route, site, language, {
      title: plan.title,
      breadcrumbs: [this.homeCrumb(site, language)],
      period: this.period(language, plan),
      status: say(`publicPage.planStatus.${plan.status}` as MessageKey),
      statusCode: plan.status,
      imb: plan.independentMonitoringBody ?? '',
      endorsers: plan.endorsingStakeholders.join(', '),
      vision: plan.strategicVision ?? '',
      meter: this.planMeter(language, site, plan, 'plan-progress'),
      commitments: plan.commitments.map((c, index) => ({
        title: c.title,
        href: inLanguage(pathOf({ kind: 'commitment', slug: site.slug, planId: plan.id, commitmentId: c.id }), language),
        lead: say('publicPage.plan.leadAgency', { agency: c.leadAgency }),
        status: this.label(language, 'publicPage.commitment.statusValue', c.status),
        statusCode: c.status,
        meter: this.commitmentMeter(language, site, plan, c, `commitment-${index + 1}-progress`),
      })),
      follow: [
        { text: say('publicPage.plan.checkIns'), href: link('checkIns') },
        { text: say('publicPage.plan.digests'), href: link('digests') },
        ...(plan.status === 'active' ? [{ text: say('publicPage.plan.subscribe'), href: link('subscribe') }] : []),
        { text: say('publicPage.plan.openData'), href: inLanguage(pathOf({ kind: 'openData', slug: site.slug }), language) },
      ],
    });
  }

  private async commitmentPage(route: PageRoute & { kind: 'commitment' }, site: Site, language: Language): Promise<string> {
    const say = this.say(language, site);
    const plan = await this.plan(site, route.planId);
    const commitment = plan.commitments.find((c) => c.id === route.commitmentId);
    if (!commitment) throw new PageNotFound();
    const evidence = await this.publicEvidence(commitment.milestones.map((m) => m.id));
    const committee = await this.committee(commitment.id);
    const day = (iso: string) => formatDate(new Date(iso), language, site.timeZone);
    const assessment = (key: 'government' | 'imb') => {
      const a = commitment.assessments[key];
      return {
        key,
        heading: say(`publicPage.commitment.${key}`),
        found: a !== null,
        completion: a ? this.label(language, 'completion', a.completion) : '',
        potential: a?.potentialForResults ? this.label(language, 'publicPage.commitment.potentialValue', a.potentialForResults) : '',
        opened: a?.didItOpenGovernment ? this.label(language, 'publicPage.commitment.openedValue', a.didItOpenGovernment) : '',
        narrative: a?.narrative ?? '',
        assessedOn: a ? say('publicPage.commitment.assessedOn', { date: new Date(a.assessedAt) }) : '',
      };
    };
    return this.view('commitment.njk', route, site, language, {
      title: commitment.title,
      ...this.planCrumbs(route, site, plan, language),
      description: commitment.description ?? '',
      leadAgency: commitment.leadAgency,
      supporting: commitment.supportingStakeholders.join(', '),
      ogpValues: commitment.ogpValues.map((v) => this.label(language, 'publicPage.commitment.ogpValue', v)).join(', '),
      status: this.label(language, 'publicPage.commitment.statusValue', commitment.status),
      statusCode: commitment.status,
      meter: this.commitmentMeter(language, site, plan, commitment, 'commitment-progress'),
      milestones: commitment.milestones
        .filter((m) => m.status !== 'cancelled' || m.replanning.length > 0)
        .map((m) => ({
          title: m.externalId ? `${m.externalId}. ${m.title}` : m.title,
          agency: m.responsibleAgency,
          expectedOutput: m.expectedOutput ?? '',
          start: day(m.startAt),
          due: day(m.dueAt),
          status: this.label(language, 'publicPage.commitment.milestoneStatus', m.status),
          statusCode: m.status,
          noEvidence: m.completion === null || m.completion === 'no_evidence_available',
          completion: m.completion === null || m.completion === 'no_evidence_available' ? say('digest.noEvidence') : this.label(language, 'completion', m.completion),
          verifiable: m.verifiable,
          replanningCaption: say('publicPage.commitment.replanningCaption', { title: m.title }),
          replanning: m.replanning.map((r) => ({ from: day(r.previousDueAt), to: day(r.newDueAt), reason: r.reason, changedOn: day(r.changedAt) })),
          evidence: (evidence.get(m.id) ?? []).map((href, i) => ({ href, text: say('publicPage.commitment.evidenceLink', { number: i + 1, title: m.title }) })),
        })),
      assessments: [assessment('government'), assessment('imb')],
      committee: committee.map((member) => ({
        organisation: member.organisation ?? say('publicPage.commitment.noOrganisation'),
        role: this.label(language, 'publicPage.commitment.role', member.kind),
      })),
    });
  }

  private async checkInsPage(route: PageRoute & { planId: string }, site: Site, language: Language): Promise<string> {
    const say = this.say(language, site);
    const plan = await this.plan(site, route.planId);
    const checkIns = [...(await this.checkIns.list(plan.id))].reverse();
    return this.view('check-ins.njk', route, site, language, {
      title: say('publicPage.checkIns.title'),
      ...this.planCrumbs(route, site, plan, language),
      checkIns: checkIns.map((c) => ({
        title: say('publicPage.checkIns.item', { date: new Date(c.startsAt) }),
        href: inLanguage(pathOf({ kind: 'checkIn', slug: site.slug, planId: plan.id, checkInId: c.id }), language),
        status: this.label(language, 'publicPage.checkIns.status', c.status),
        statusCode: c.status,
        minutesPublished: c.minutesApprovedAt !== null,
        when: formatDateTime(new Date(c.startsAt), language, site.timeZone),
      })),
      calendarHref: `/public/plans/${plan.id}/check-ins.ics`,
    });
  }

  private async checkInPage(route: PageRoute & { kind: 'checkIn' }, site: Site, language: Language): Promise<string> {
    const say = this.say(language, site);
    const plan = await this.plan(site, route.planId);
    const checkIn: PublicCheckInDto | undefined = (await this.checkIns.list(plan.id)).find((c) => c.id === route.checkInId);
    if (!checkIn) throw new PageNotFound();
    const checkInsCrumb = { text: say('publicPage.checkIn.back'), href: inLanguage(pathOf({ kind: 'checkIns', slug: site.slug, planId: plan.id }), language) };
    const crumbs = this.planCrumbs(route, site, plan, language);
    return this.view('check-in.njk', route, site, language, {
      title: say('publicPage.checkIn.title', { date: new Date(checkIn.startsAt) }),
      breadcrumbs: [...crumbs.breadcrumbs, checkInsCrumb],
      footerLinks: crumbs.footerLinks,
      when: formatDateTime(new Date(checkIn.startsAt), language, site.timeZone),
      duration: say('checkIn.durationValue', { count: checkIn.durationMinutes }),
      mode: this.label(language, 'checkIn.mode', checkIn.mode),
      address: checkIn.address ?? '',
      onlineUrl: checkIn.onlineUrl && WEB_LINK.test(checkIn.onlineUrl) ? checkIn.onlineUrl : '',
      status: this.label(language, 'publicPage.checkIns.status', checkIn.status),
      statusCode: checkIn.status,
      agenda: checkIn.agenda.map((item) => ({ title: item.title, duration: say('checkIn.durationValue', { count: item.durationMinutes }) })),
      published: checkIn.minutesApprovedAt !== null,
      approvedOn: checkIn.minutesApprovedAt ? say('publicPage.checkIn.minutesApproved', { date: new Date(checkIn.minutesApprovedAt) }) : '',
      minutes: checkIn.minutes ?? '',
      decisions: checkIn.decisions,
      actionItems: checkIn.openActionItems.map((a) => ({ title: a.title, due: say('publicPage.checkIn.due', { date: new Date(a.dueAt) }) })),
    });
  }

  private async digestsPage(route: PageRoute & { planId: string }, site: Site, language: Language): Promise<string> {
    const say = this.say(language, site);
    const plan = await this.plan(site, route.planId);
    const months = [...new Set((await this.digests.list(plan.id)).map((d) => d.month))];
    return this.view('digests.njk', route, site, language, {
      title: say('publicPage.digests.title'),
      ...this.planCrumbs(route, site, plan, language),
      digests: months.map((month) => ({
        title: say('publicPage.digests.item', { month: new Date(`${month}-15T12:00:00Z`) }),
        href: inLanguage(pathOf({ kind: 'digest', slug: site.slug, planId: plan.id, month }), language),
      })),
      subscribeHref: plan.status === 'active' ? inLanguage(pathOf({ kind: 'subscribe', slug: site.slug, planId: plan.id }), language) : '',
    });
  }

  /** A month's digest from its stored, language-neutral content (never the emailed HTML, which holds per-recipient links), in the page's language. */
  private async digestPage(route: PageRoute & { kind: 'digest' }, site: Site, language: Language): Promise<string> {
    const say = this.say(language, site);
    if (!isDigestMonth(route.month)) throw new PageNotFound();
    const plan = await this.plan(site, route.planId);
    const issue = await this.digests.issue(plan.id, route.month, language);
    const blocks = digestBlocks(language, issue.content, { planTitle: plan.title, jurisdictionName: site.name, timeZone: site.timeZone });
    const [first, ...rest] = blocks;
    const crumbs = this.planCrumbs(route, site, plan, language);
    return this.view('digest.njk', route, site, language, {
      title: first?.kind === 'heading' ? first.text : say('publicPage.digests.title'),
      breadcrumbs: [...crumbs.breadcrumbs, { text: say('publicPage.digests.back'), href: inLanguage(pathOf({ kind: 'digests', slug: site.slug, planId: plan.id }), language) }],
      footerLinks: crumbs.footerLinks,
      blocks: (first?.kind === 'heading' ? rest : blocks).map((block, index) => digestBlockView(block, index)),
      subscribeHref: plan.status === 'active' ? inLanguage(pathOf({ kind: 'subscribe', slug: site.slug, planId: plan.id }), language) : '',
    });
  }

  private subscribePage(
    route: PageRoute,
    site: Site,
    language: Language,
    plan: PublicPlanDto,
    posted: { email: string; language: unknown; commitmentIds: string[]; fields: Set<string> } | null,
  ): string {
    const say = this.say(language, site);
    const fields = posted?.fields ?? new Set<string>();
    const message: Record<string, string> = {
      email: say('publicPage.subscribe.error.email'),
      language: say('publicPage.subscribe.error.language'),
      commitmentIds: say('publicPage.subscribe.error.commitmentIds'),
    };
    const order = ['email', 'commitmentIds', 'language'].filter((f) => fields.has(f));
    const chosenLanguage = posted && typeof posted.language === 'string' ? posted.language : language;
    return this.view('subscribe.njk', route, site, language, {
      title: say('publicPage.subscribe.title'),
      ...this.planCrumbs(route, site, plan, language),
      intro: say('publicPage.subscribe.intro', { planTitle: plan.title }),
      closed: plan.status !== 'active',
      action: inLanguage(pathOf({ kind: 'subscribe', slug: site.slug, planId: plan.id }), language),
      email: posted?.email ?? '',
      errors: order.map((field) => ({ target: field === 'language' ? `language-${SUPPORTED_LANGUAGES[0]}` : field === 'commitmentIds' ? 'commitment-1' : field, message: message[field] })),
      fieldErrors: Object.fromEntries(order.map((field) => [field, message[field]])),
      commitments: plan.commitments.filter((c) => c.status !== CommitmentStatus.Cancelled).map((c) => ({ id: c.id, title: c.title, checked: posted?.commitmentIds.includes(c.id) ?? false })),
      languageOptions: SUPPORTED_LANGUAGES.map((code) => ({ code, name: t(code, 'subscriptionPage.languageName'), checked: code === chosenLanguage })),
    });
  }

  private async openDataPage(route: PageRoute, site: Site, language: Language): Promise<string> {
    const say = this.say(language, site);
    const plans = await this.plans.plansOf(site.slug);
    const formats = (key: 'json' | 'csv' | 'atom' | 'ics') => say(`publicPage.openData.formatName.${key}`);
    return this.view('open-data.njk', route, site, language, {
      title: say('publicPage.openData.title'),
      breadcrumbs: [this.homeCrumb(site, language)],
      intro: say('publicPage.openData.intro', { jurisdictionName: site.name }),
      plans: plans.map((plan) => {
        const base = `/public/plans/${plan.id}`;
        return {
          heading: say('publicPage.openData.planHeading', { planTitle: plan.title }),
          downloads: [
            { name: 'plan.json', href: base, format: formats('json'), contents: say('publicPage.openData.planJson') },
            { name: 'plan.csv', href: `${base}/plan.csv`, format: formats('csv'), contents: say('publicPage.openData.planCsv') },
            { name: 'decidim-results.csv', href: `${base}/decidim-results.csv`, format: formats('csv'), contents: say('publicPage.openData.decidim') },
            { name: 'feed.atom', href: `${base}/feed.atom`, format: formats('atom'), contents: say('publicPage.openData.feed') },
            { name: 'check-ins.ics', href: `${base}/check-ins.ics`, format: formats('ics'), contents: say('publicPage.openData.calendar') },
            { name: 'digests.json', href: `${base}/digests`, format: formats('json'), contents: say('publicPage.openData.digests') },
          ],
        };
      }),
    });
  }

  /**
   * The page for a request refused before any page could be built (429 from the rate limit, 503
   * while a server is down): in the language the request asks for, loading nothing.
   */
  errorPage(status: 429 | 503, choice: LanguageChoice, retryAfterSeconds: number): RenderedPage {
    const language = pageLanguage(choice.query, choice.fromHeader, null);
    const say = (key: MessageKey, values: Record<string, string> = {}) => t(language, key, values);
    const texts = status === 429 ? { title: say('publicPage.tooManyRequests.title'), body: say('publicPage.tooManyRequests.body', { seconds: String(retryAfterSeconds) }) } : { title: say('publicPage.unavailable.title'), body: say('publicPage.unavailable.body') };
    const html = environment.render('error.njk', { ...LAYOUT_DEFAULTS, lang: language, t: say, noindex: true, ...texts });
    return { status, language, html };
  }

  private notFound(route: PageRoute, language: Language, site: Site | null): RenderedPage {
    const say = (key: MessageKey, values: Record<string, string> = {}) => t(language, key, values);
    const html = environment.render('not-found.njk', {
      ...LAYOUT_DEFAULTS,
      lang: language,
      t: say,
      noindex: true,
      title: say('publicPage.notFound.title'),
      siteName: site?.name ?? '',
      siteHref: site ? inLanguage(pathOf({ kind: 'plans', slug: site.slug }), language) : '',
      languages: this.languages(route, site ? pathOf(route) : null, language),
      homeHref: site ? inLanguage(pathOf({ kind: 'plans', slug: site.slug }), language) : '',
      homeText: site ? say('publicPage.notFound.home', { jurisdictionName: site.name }) : '',
    });
    return { status: 404, language, html };
  }

  /** A page in the layout: the site's name, the language switch (same page, each language), the footer. */
  private view(template: string, route: PageRoute, site: Site, language: Language, values: Record<string, unknown>): string {
    const say = this.say(language, site);
    return environment.render(template, {
      ...LAYOUT_DEFAULTS,
      lang: language,
      t: say,
      siteName: site.name,
      siteHref: inLanguage(pathOf({ kind: 'plans', slug: site.slug }), language),
      languages: this.languages(route, pathOf(route), language),
      footerText: say('publicPage.publishedBy', { jurisdictionName: site.name }),
      footerLinks: [
        { text: say('publicPage.plan.openData'), href: inLanguage(pathOf({ kind: 'openData', slug: site.slug }), language) },
        { text: say('publicPage.apiDocs'), href: '/docs' },
      ],
      ...values,
    });
  }

  private languages(_route: PageRoute, path: string | null, current: Language): { code: Language; name: string; href: string; current: boolean }[] {
    if (path === null) return [];
    return SUPPORTED_LANGUAGES.map((code) => ({ code, name: t(code, 'subscriptionPage.languageName'), href: inLanguage(path, code), current: code === current }));
  }

  private homeCrumb(site: Site, language: Language): { text: string; href: string } {
    return { text: site.name, href: inLanguage(pathOf({ kind: 'plans', slug: site.slug }), language) };
  }

  private planCrumbs(route: PageRoute, site: Site, plan: PublicPlanDto, language: Language): { breadcrumbs: { text: string; href: string }[]; footerLinks: { text: string; href: string }[] } {
    void route;
    const say = this.say(language, site);
    return {
      breadcrumbs: [this.homeCrumb(site, language), { text: plan.title, href: inLanguage(pathOf({ kind: 'plan', slug: site.slug, planId: plan.id }), language) }],
      footerLinks: [
        { text: say('publicPage.plan.openData'), href: inLanguage(pathOf({ kind: 'openData', slug: site.slug }), language) },
        { text: say('publicPage.apiDocs'), href: '/docs' },
      ],
    };
  }

  private say(language: Language, site: Site): (key: MessageKey, values?: Record<string, string | number | Date>) => string {
    return (key, values = {}) => t(language, key, { timeZone: site.timeZone, ...values });
  }

  /** The catalog's word for an enum value (`prefix.value`); the value itself should the catalog not know it. */
  private label(language: Language, prefix: string, value: string): string {
    try {
      return t(language, `${prefix}.${value}` as MessageKey);
    } catch {
      return value;
    }
  }

  /** The plan's period: its dates are calendar days (no zone), written as such. */
  private period(language: Language, plan: { periodStart: string; periodEnd: string }): string {
    return t(language, 'publicPage.period', { start: new Date(`${plan.periodStart.slice(0, 10)}T12:00:00Z`), end: new Date(`${plan.periodEnd.slice(0, 10)}T12:00:00Z`), timeZone: 'UTC' });
  }

  private planMeter(language: Language, site: Site, plan: PublicPlanDto, id: string): Meter {
    const live = plan.commitments.filter((c) => c.status !== CommitmentStatus.Cancelled).flatMap((c) => c.milestones.filter((m) => m.status !== 'cancelled'));
    const say = this.say(language, site);
    const without = plan.progress.commitmentsWithoutEvidence;
    const total = plan.commitments.filter((c) => c.status !== CommitmentStatus.Cancelled).length;
    return this.meter(language, site, {
      id,
      label: say('publicPage.progressLabel', { title: plan.title }),
      share: plan.progress.progress,
      completion: plan.progress.completion,
      done: live.filter((m) => m.completion === 'complete').length,
      total: live.length,
      note: plan.progress.progress !== null && without > 0 ? say('digest.commitmentsWithoutEvidence', { count: without, total }) : '',
    });
  }

  private commitmentMeter(language: Language, site: Site, plan: PublicPlanDto, commitment: PublicCommitmentDto, id: string): Meter {
    const say = this.say(language, site);
    const progress = plan.progress.commitments.find((c) => c.id === commitment.id);
    const live = commitment.milestones.filter((m) => m.status !== 'cancelled');
    const without = progress?.milestonesWithoutEvidence ?? live.length;
    const share = progress?.progress ?? null;
    return this.meter(language, site, {
      id,
      label: say('publicPage.progressLabel', { title: commitment.title }),
      share,
      completion: progress?.completion ?? 'no_evidence_available',
      done: live.filter((m) => m.completion === 'complete').length,
      total: live.length,
      note: share !== null && without > 0 ? say('digest.milestonesWithoutEvidence', { count: without, total: live.length }) : '',
    });
  }

  private meter(language: Language, site: Site, p: { id: string; label: string; share: number | null; completion: string; done: number; total: number; note: string }): Meter {
    const say = this.say(language, site);
    const noEvidence = p.share === null;
    return {
      id: p.id,
      label: p.label,
      noEvidence,
      percent: noEvidence ? 0 : Math.round(p.share! * 100),
      valueText: noEvidence ? say('digest.noEvidence') : say('digest.progressValue', { level: this.label(language, 'completion', p.completion), share: p.share! }),
      counts: p.total > 0 ? say('publicPage.milestonesComplete', { done: p.done, count: p.total }) : '',
      note: noEvidence ? say('digest.noEvidenceNote') : p.note,
    };
  }

  /** Links of the accepted, public evidence of each milestone (web links only). */
  private async publicEvidence(milestoneIds: string[]): Promise<Map<string, string[]>> {
    const byMilestone = new Map<string, string[]>();
    if (milestoneIds.length === 0) return byMilestone;
    const rows: { milestoneId: string; links: string[] }[] = await this.db.query(
      `SELECT r.milestone_id AS "milestoneId", e.links FROM evidence_review r JOIN evidence e ON e.id = r.evidence_id AND e.is_public
       WHERE r.decision = 'accepted' AND r.milestone_id = ANY($1::uuid[]) ORDER BY r.reviewed_at, r.id`,
      [milestoneIds],
    );
    for (const row of rows) {
      const links = byMilestone.get(row.milestoneId) ?? [];
      for (const link of row.links ?? []) if (WEB_LINK.test(link) && !links.includes(link)) links.push(link);
      byMilestone.set(row.milestoneId, links);
    }
    return byMilestone;
  }

  /** The follow-up committee as organisations and roles: never a person's name, address or phone. */
  private async committee(commitmentId: string): Promise<{ kind: string; organisation: string | null }[]> {
    const rows: { kind: string; organisation: string | null }[] = await this.db.query(
      `SELECT DISTINCT m.kind, coalesce(m.organisation, b.organisation) AS organisation
       FROM follow_up_committee_member m LEFT JOIN dialogue_board_member b ON b.id = m.dialogue_board_member_id
       WHERE m.commitment_id = $1 ORDER BY m.kind, organisation`,
      [commitmentId],
    );
    return rows;
  }
}

/** A form field sent once is a string, several times an array: always an array of strings here. */
function asStrings(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
}

function isNotFound(error: unknown): boolean {
  return error instanceof PageNotFound || (error instanceof HttpException && error.getStatus() === 404);
}

interface ItemView {
  text: string;
  href: string;
  children: ItemView[];
}

function itemView(item: ListItem): ItemView {
  if (typeof item === 'string') return { text: item, href: '', children: [] };
  return { text: item.text, href: item.href && WEB_LINK.test(item.href) ? item.href : '', children: (item.children ?? []).map(itemView) };
}

/** A digest block as the archive page draws it (progress as the shared meter). */
function digestBlockView(block: Block, index: number): Record<string, unknown> {
  switch (block.kind) {
    case 'heading':
      return { kind: 'heading', text: block.text };
    case 'text':
      return { kind: 'text', text: Array.isArray(block.text) ? block.text.join(' ') : block.text, muted: block.emphasis === 'muted' };
    case 'progress':
      return {
        kind: 'progress',
        meter: {
          id: `digest-progress-${index + 1}`,
          label: block.label,
          noEvidence: block.share === null,
          percent: block.share === null ? 0 : Math.round(block.share * 100),
          valueText: block.valueText,
          counts: '',
          note: block.note ?? '',
        } satisfies Meter,
      };
    case 'list':
      return { kind: 'list', items: block.items.map(itemView) };
    default:
      return { kind: 'other' };
  }
}
