import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify/sync';
import { Feed } from 'feed';
import { In, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  CompletionLevel,
  completionValue,
  decidimResultsRows,
  type DecidimResultRow,
  type Language,
  planCsvRows,
  type ProgressEvent,
  ProgressEventKind,
  progressEvents,
  SUPPORTED_LANGUAGES,
  supportedLanguageOr,
} from '@app/domain';
import { DECIDIM_DEFAULT_CSV_DELIMITER } from '@app/exchange';
import { t } from '@app/mail';
import { ActionPlanEntity, EscalationEntity, EvidenceReviewEntity, JurisdictionEntity, MilestoneEntity } from '@app/persistence';
import { ruleViolation } from '../auth/plan-scope.service';
import { PlanTreeLoader } from '../plans/plan-tree.loader';
import { PublicService } from './public.service';
import { CachedRead, PublicReadCache } from './public-read-cache';
import { PUBLIC_READ_KEYS } from './public-read-keys';
import { findPublishedPlan } from './published-plan';

/** Locales of the Decidim file: the four this system writes, alphabetical as Decidim's export lists them. */
const DECIDIM_LOCALES = [...SUPPORTED_LANGUAGES].sort();

/**
 * Open data of a published plan, through the public read cache: the plan as CSV (one row per
 * milestone, columns of libs/domain/src/open-data/plan-csv.ts), Decidim's accountability results
 * CSV, and the Atom feed of progress events. Public fields only: no contacts, reviewers, actors.
 */
@Injectable()
export class OpenDataService {
  constructor(
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    @InjectRepository(EvidenceReviewEntity) private readonly reviews: Repository<EvidenceReviewEntity>,
    @InjectRepository(EscalationEntity) private readonly escalations: Repository<EscalationEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tree: PlanTreeLoader,
    private readonly publicPlans: PublicService,
    private readonly cache: PublicReadCache,
  ) {}

  /** `plan.csv`: RFC 4180 (comma, CRLF, UTF-8 without BOM), header first. */
  planCsvRead(planId: string): Promise<CachedRead<string>> {
    return this.cache.read(PUBLIC_READ_KEYS.planCsv(planId), async () => {
      const plan = await this.publicPlans.loadPlan(planId);
      return stringify(planCsvRows(plan), { record_delimiter: 'windows' });
    });
  }

  /**
   * `decidim-results.csv`: commitments as parent results, milestones as their children, ids numbered
   * within the file; titles in the jurisdiction's language; `;`-separated as Decidim reads by default.
   */
  decidimCsvRead(planId: string): Promise<CachedRead<string>> {
    return this.cache.read(PUBLIC_READ_KEYS.decidimCsv(planId), async () => {
      const entity = await findPublishedPlan(this.plans, planId);
      const jurisdiction = await this.jurisdictions.findOneByOrFail({ id: entity.jurisdictionId });
      const plan = await this.publicPlans.loadPlan(planId);
      const locale = supportedLanguageOr(jurisdiction.defaultLanguage, 'es');
      const progressOf = new Map(plan.progress.commitments.map((c) => [c.id, c]));
      const milestoneShare = (completion: string | null) => {
        const value = completion ? completionValue(completion as CompletionLevel) : null;
        return value === null ? null : value * 100;
      };
      const date = (iso: string) => iso.slice(0, 10);
      const rows: DecidimResultRow[] = [];
      for (const c of plan.commitments) {
        const parent = rows.length + 1;
        const starts = c.milestones.map((m) => m.startAt).sort();
        const dues = c.milestones.map((m) => m.dueAt).sort();
        const progress = progressOf.get(c.id)?.progress;
        rows.push({
          id: parent,
          parentId: null,
          locale,
          title: c.title,
          description: c.description ?? '',
          startDate: starts.length ? date(starts[0]) : plan.periodStart,
          endDate: dues.length ? date(dues[dues.length - 1]) : plan.periodEnd,
          progress: progress === null || progress === undefined ? null : progress * 100,
          url: this.pageUrl(jurisdiction.slug, plan.id, c.id),
        });
        for (const m of c.milestones) {
          rows.push({
            id: rows.length + 1,
            parentId: parent,
            locale,
            title: m.title,
            description: m.expectedOutput ?? '',
            startDate: date(m.startAt),
            endDate: date(m.dueAt),
            progress: milestoneShare(m.completion),
            url: this.pageUrl(jurisdiction.slug, plan.id, c.id),
          });
        }
      }
      // No BOM: Ruby's CSV would keep it in the first header, and `id` would no longer be found.
      return stringify(decidimResultsRows(rows, DECIDIM_LOCALES), { delimiter: DECIDIM_DEFAULT_CSV_DELIMITER, record_delimiter: 'unix', bom: false });
    });
  }

  /**
   * The Atom feed of progress events (newest 100), written in `language` (the jurisdiction's when
   * absent). Entry ids are tag URIs built from the event's stable key; `updated` is when it happened.
   */
  async feedRead(planId: string, language?: string): Promise<CachedRead<string>> {
    const requested = language?.trim().toLowerCase() || undefined;
    if (requested !== undefined && !(SUPPORTED_LANGUAGES as readonly string[]).includes(requested)) {
      throw ruleViolation('lang', `lang must be one of ${SUPPORTED_LANGUAGES.join(', ')}`);
    }
    return this.cache.read(PUBLIC_READ_KEYS.feed(planId, requested ?? ''), () => this.loadFeed(planId, requested as Language | undefined));
  }

  private async loadFeed(planId: string, requested: Language | undefined): Promise<string> {
    const plan = await findPublishedPlan(this.plans, planId);
    const jurisdiction = await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId });
    const language = requested ?? supportedLanguageOr(jurisdiction.defaultLanguage, 'es');
    const { commitments, milestones, replannings, assessments } = await this.tree.load(plan);
    const milestoneIds = milestones.map((m) => m.id);
    const [accepted, escalations] = milestoneIds.length
      ? await Promise.all([
          this.reviews.find({ where: { milestoneId: In(milestoneIds), decision: 'accepted' }, select: { milestoneId: true, reviewedAt: true } }),
          this.escalations.find({ where: { milestoneId: In(milestoneIds) }, select: { id: true, milestoneId: true, level: true, raisedAt: true, status: true, recommendation: true } }),
        ])
      : [[], []];
    const completedAt = new Map<string, Date>();
    for (const r of accepted) if (!completedAt.has(r.milestoneId) || completedAt.get(r.milestoneId)! < r.reviewedAt) completedAt.set(r.milestoneId, r.reviewedAt);
    const now = new Date();
    const events = progressEvents(
      {
        commitments: commitments.map((c) => ({ id: c.id, title: c.title })),
        milestones: milestones.map((m: MilestoneEntity) => ({ id: m.id, commitmentId: m.commitmentId, title: m.title, status: m.status, dueAt: m.dueAt, completion: m.completion, completedAt: completedAt.get(m.id) ?? null })),
        replannings: replannings.map((r) => ({ id: r.id, milestoneId: r.milestoneId, previousDueAt: r.previousDueAt, newDueAt: r.newDueAt, reason: r.reason, changedAt: r.changedAt })),
        escalations: escalations.map((e) => ({ id: e.id, milestoneId: e.milestoneId, level: e.level, raisedAt: e.raisedAt, status: e.status, recommendation: e.recommendation })),
        assessments: assessments.map((a) => ({ id: a.id, commitmentId: a.commitmentId, assessor: a.assessor, completion: a.completion, narrative: a.narrative, assessedAt: a.assessedAt })),
      },
      now,
    );
    const base = this.config.publicBaseUrl.replace(/\/$/, '');
    const self = `${base}/public/plans/${plan.id}/feed.atom${requested ? `?lang=${requested}` : ''}`;
    const feed = new Feed({
      id: tagUri(base, `plan/${plan.id}/feed`),
      title: `${plan.title} (${jurisdiction.name})`,
      description: t(language, 'publicPage.openData.feed'),
      link: this.pageUrl(jurisdiction.slug, plan.id),
      feed: self,
      language,
      // The newest event, or the plan's creation: the same facts give the same document (and ETag).
      updated: events[0]?.at ?? plan.createdAt,
      generator: 'OGP Local Monitor',
      // An organisation, never a person; no e-mail address.
      author: { name: jurisdiction.name },
      copyright: jurisdiction.name,
    });
    for (const event of events) {
      const text = entryText(event, language, jurisdiction.timeZone);
      feed.addItem({
        id: tagUri(base, `plan/${plan.id}/${event.key}`),
        title: escapeHtml(text.title),
        link: this.pageUrl(jurisdiction.slug, plan.id, event.commitment.id),
        date: event.at,
        description: escapeHtml(text.summary),
        // The scheme is the open data page, which describes the kinds of progress events (a URL that answers).
        category: [{ term: event.kind, scheme: `${base}/p/${encodeURIComponent(jurisdiction.slug)}/open-data` }],
      });
    }
    return feed.atom1();
  }

  /** The public page of the plan (or of a commitment) on the server-rendered site. */
  private pageUrl(slug: string, planId: string, commitmentId?: string): string {
    const base = this.config.publicBaseUrl.replace(/\/$/, '');
    return `${base}/p/${encodeURIComponent(slug)}/plans/${planId}${commitmentId ? `/commitments/${commitmentId}` : ''}`;
  }
}

/** RFC 4151 tag URI: stable while the deployment's host is (the date is fixed). */
function tagUri(base: string, specific: string): string {
  const host = new URL(base).hostname;
  return `tag:${host},2025:${specific}`;
}

/** The feed's text/html fields are HTML: plain text must be escaped (a title "<b>" stays text). */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** An event in words, from the message catalogs (the digest's and the public pages' texts). */
function entryText(event: ProgressEvent, language: Language, timeZone: string): { title: string; summary: string } {
  const d = event.details;
  const milestone = event.milestone?.title ?? '';
  const status = (s: string) => t(language, `publicPage.commitment.milestoneStatus.${s}` as never);
  const level = (l: string | null) => (l ? t(language, `completion.${l}` as never) : '');
  switch (d.kind) {
    case ProgressEventKind.MilestoneCompleted:
      return {
        title: `${status('completed')}: ${milestone}`,
        summary: t(language, 'digest.completedItem', { title: milestone, level: level(d.completion), date: event.at, timeZone }),
      };
    case ProgressEventKind.MilestoneOverdue:
      return { title: `${status('overdue')}: ${milestone}`, summary: t(language, 'digest.overdueItem', { title: milestone, date: d.dueAt, timeZone }) };
    case ProgressEventKind.MilestoneReplanned:
      return {
        title: t(language, 'digest.replannedItem', { title: milestone, from: d.previousDueAt, to: d.newDueAt, timeZone }),
        summary: t(language, 'digest.reason', { reason: d.reason }),
      };
    case ProgressEventKind.Escalated: {
      const item = t(language, 'digest.escalationItem', { title: milestone, level: d.level, status: t(language, `digest.escalationStatus.${d.status}` as never) });
      return {
        title: `${t(language, 'digest.escalationsHeading')}: ${item}`,
        summary: d.recommendation ? t(language, 'digest.recommendation', { recommendation: d.recommendation }) : t(language, 'digest.noRecommendation'),
      };
    }
    case ProgressEventKind.AssessmentPublished:
      return {
        title: `${t(language, d.assessor === 'imb' ? 'publicPage.commitment.imb' : 'publicPage.commitment.government')}: ${event.commitment.title}`,
        summary: `${t(language, 'publicPage.commitment.completion')}: ${level(d.completion)}. ${d.narrative}`,
      };
  }
}
