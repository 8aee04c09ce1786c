import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isDigestMonth, SUPPORTED_LANGUAGES, supportedLanguageOr } from '@app/domain';
import { ActionPlanEntity, DigestIssueEntity, JurisdictionEntity } from '@app/persistence';
import { notFound } from '../auth/access';
import { ruleViolation } from '../auth/plan-scope.service';
import { PublicDigestIssueDto, PublicDigestSummaryDto } from './public.dto';
import { CachedRead, PublicReadCache } from './public-read-cache';
import { PUBLIC_READ_KEYS } from './public-read-keys';
import { findPublishedPlan } from './published-plan';

/**
 * A published plan's digest archive for anyone. Only the composed, language-neutral `content` and the
 * subject go out: the archived `html` and `text` carry per-recipient placeholders (unsubscribe and
 * preferences links) and are never served.
 */
@Injectable()
export class PublicDigestsService {
  constructor(
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    @InjectRepository(DigestIssueEntity) private readonly issues: Repository<DigestIssueEntity>,
    private readonly cache: PublicReadCache,
  ) {}

  /** Every archived issue, newest month first, then by language. */
  listRead(planId: string): Promise<CachedRead<PublicDigestSummaryDto[]>> {
    return this.cache.read(PUBLIC_READ_KEYS.digests(planId), async () => {
      await findPublishedPlan(this.plans, planId);
      const rows = await this.issues.find({ where: { planId }, select: { month: true, language: true, subject: true, composedAt: true }, order: { month: 'DESC', language: 'ASC' } });
      return rows.map((r) => ({ month: r.month, language: r.language, subject: r.subject, composedAt: r.composedAt.toISOString() }));
    });
  }

  async list(planId: string): Promise<PublicDigestSummaryDto[]> {
    return (await this.listRead(planId)).value;
  }

  /**
   * The issue of `month` in `language` when it was archived in it; otherwise in the jurisdiction's
   * default language; otherwise in the first archived language (es, en, fr, pt order). 404 when the
   * month has no issue; 422 naming `month` or `lang` when they are not a month or a language.
   */
  async issueRead(planId: string, month: string, language?: string): Promise<CachedRead<PublicDigestIssueDto>> {
    if (!isDigestMonth(month)) throw ruleViolation('month', 'month must be YYYY-MM');
    const requested = language?.trim().toLowerCase() || undefined;
    if (requested !== undefined && !(SUPPORTED_LANGUAGES as readonly string[]).includes(requested)) {
      throw ruleViolation('lang', `lang must be one of ${SUPPORTED_LANGUAGES.join(', ')}`);
    }
    return this.cache.read(PUBLIC_READ_KEYS.digest(planId, month, requested ?? ''), async () => {
      const plan = await findPublishedPlan(this.plans, planId);
      const jurisdiction = await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId });
      const rows = await this.issues.find({ where: { planId, month }, select: { month: true, language: true, subject: true, composedAt: true, content: true } });
      if (rows.length === 0) throw notFound('digest issue', `${planId}/${month}`);
      const fallback = supportedLanguageOr(jurisdiction.defaultLanguage, 'es');
      const rank = (l: string) => (l === requested ? 0 : l === fallback ? 1 : 2 + SUPPORTED_LANGUAGES.indexOf(l as (typeof SUPPORTED_LANGUAGES)[number]));
      const issue = [...rows].sort((a, b) => rank(a.language) - rank(b.language))[0];
      return {
        planId,
        month: issue.month,
        language: issue.language,
        availableLanguages: rows.map((r) => r.language).sort((a, b) => SUPPORTED_LANGUAGES.indexOf(a as never) - SUPPORTED_LANGUAGES.indexOf(b as never)),
        subject: issue.subject,
        composedAt: issue.composedAt.toISOString(),
        content: issue.content,
      };
    });
  }

  async issue(planId: string, month: string, language?: string): Promise<PublicDigestIssueDto> {
    return (await this.issueRead(planId, month, language)).value;
  }
}
