import { Controller, Get, Header, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PLAN_CSV_COLUMNS } from '@app/domain';
import { Public } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { PublicCheckInsService } from './public-check-ins.service';
import { OpenDataService } from './open-data.service';
import { PublicDigestsService } from './public-digests.service';
import { CachedRead } from './public-read-cache';
import { PublicReadInterceptor } from './public-read.interceptor';
import { PublicCheckInDto, PublicDigestIssueDto, PublicDigestSummaryDto, PublicJurisdictionDto, PublicPlanDto, PublicPlanSummaryDto } from './public.dto';
import { PublicService } from './public.service';

@ApiTags('public')
@ApiProblemResponses()
@Public()
@UseInterceptors(PublicReadInterceptor)
@Controller('public')
export class PublicController {
  constructor(
    private readonly service: PublicService,
    private readonly checkIns: PublicCheckInsService,
    private readonly digests: PublicDigestsService,
    private readonly openData: OpenDataService,
  ) {}

  @Get('jurisdictions')
  @ApiOkResponse({ type: [PublicJurisdictionDto] })
  jurisdictions(): Promise<PublicJurisdictionDto[]> {
    return this.service.jurisdictionList();
  }

  @Get('jurisdictions/:slug/plans')
  @ApiOperation({ summary: 'Published (active or closed) plans of a jurisdiction' })
  @ApiOkResponse({ type: [PublicPlanSummaryDto] })
  plans(@Param('slug') slug: string): Promise<PublicPlanSummaryDto[]> {
    return this.service.plansOf(slug.slice(0, 60));
  }

  @Get('plans/:planId')
  @ApiOperation({ summary: 'A published plan: commitments, milestones, replanning history, both assessments and progress; no personal data' })
  @ApiOkResponse({ type: PublicPlanDto })
  plan(@UuidParam('planId') id: string): Promise<CachedRead<PublicPlanDto>> {
    return this.service.planRead(id);
  }

  @Get('plans/:planId/plan.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'inline; filename="plan.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: 'A published plan as CSV: one row per milestone with its commitment (RFC 4180: comma, CRLF, UTF-8); no personal data',
    description: `Columns, in order (OGP's vocabulary; lists are | separated; instants ISO 8601 UTC; an empty progress means no evidence yet, not 0 %; cells starting with = + - @ are prefixed with an apostrophe):\n\n${PLAN_CSV_COLUMNS.map((c) => `- \`${c.name}\`: ${c.description}`).join('\n')}`,
  })
  @ApiOkResponse({ description: 'text/csv', schema: { type: 'string' } })
  planCsv(@UuidParam('planId') id: string): Promise<CachedRead<string>> {
    return this.openData.planCsvRead(id);
  }

  @Get('plans/:planId/decidim-results.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'inline; filename="decidim-results.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: "A published plan in the layout of Decidim's accountability results CSV (; separated): commitments as parent results, milestones as children",
    description:
      "The header is Decidim's own results export header (id, category/…, scope/…, parent/id, title/<locale>, description/<locale>, start_date, end_date, status/…, progress, created_at, url, component/id, proposal_urls) for the locales en, es, fr, pt, which Decidim's results importer reads by name. Texts are in the jurisdiction's language's columns; ids are numbered within the file (an id that exists in the target component updates that result); progress is 0-100, empty without evidence; category, scope and status are left for the target Decidim to set.",
  })
  @ApiOkResponse({ description: 'text/csv', schema: { type: 'string' } })
  decidimCsv(@UuidParam('planId') id: string): Promise<CachedRead<string>> {
    return this.openData.decidimCsvRead(id);
  }

  @Get('plans/:planId/feed.atom')
  @Header('Content-Type', 'application/atom+xml; charset=utf-8')
  @ApiProduces('application/atom+xml')
  @ApiOperation({
    summary: "Atom feed of a published plan's progress events (newest 100): milestones completed, overdue or replanned (with the reason), escalations to the IMB, assessments published",
    description: 'Entry ids are stable tag URIs; each entry has a category term: milestone_completed, milestone_overdue, milestone_replanned, escalated or assessment_published. Texts in `lang` (default: the jurisdiction\'s language). No personal data.',
  })
  @ApiQuery({ name: 'lang', required: false, enum: ['es', 'en', 'fr', 'pt'] })
  @ApiOkResponse({ description: 'application/atom+xml', schema: { type: 'string' } })
  feed(@UuidParam('planId') id: string, @Query('lang') lang?: string): Promise<CachedRead<string>> {
    return this.openData.feedRead(id, typeof lang === 'string' ? lang : undefined);
  }

  @Get('plans/:planId/check-ins')
  @ApiOperation({ summary: "A published plan's Dialogue Board check-ins: dates, place or link, agenda titles, status; approved minutes, decisions and open action item titles. No personal data" })
  @ApiOkResponse({ type: [PublicCheckInDto] })
  planCheckIns(@UuidParam('planId') id: string): Promise<CachedRead<PublicCheckInDto[]>> {
    return this.checkIns.listRead(id);
  }

  @Get('plans/:planId/check-ins.ics')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @ApiProduces('text/calendar')
  @ApiOperation({ summary: "A published plan's check-ins as a subscribable iCalendar feed (RFC 5545, METHOD:PUBLISH): past and upcoming, cancelled ones as STATUS:CANCELLED; no personal data" })
  @ApiOkResponse({ description: 'text/calendar', schema: { type: 'string' } })
  planCheckInFeed(@UuidParam('planId') id: string): Promise<CachedRead<string>> {
    return this.checkIns.feedRead(id);
  }

  @Get('plans/:planId/digests')
  @ApiOperation({ summary: "A published plan's digest archive: one issue per month and language (month, language, subject, composedAt), newest first" })
  @ApiOkResponse({ type: [PublicDigestSummaryDto] })
  planDigests(@UuidParam('planId') id: string): Promise<CachedRead<PublicDigestSummaryDto[]>> {
    return this.digests.listRead(id);
  }

  @Get('plans/:planId/digests/:month')
  @ApiOperation({ summary: "One month's digest (YYYY-MM) as archived: subject and composed content; in `lang` when archived in it, else the jurisdiction's default language" })
  @ApiQuery({ name: 'lang', required: false, enum: ['es', 'en', 'fr', 'pt'] })
  @ApiOkResponse({ type: PublicDigestIssueDto })
  planDigest(@UuidParam('planId') id: string, @Param('month') month: string, @Query('lang') lang?: string): Promise<CachedRead<PublicDigestIssueDto>> {
    return this.digests.issueRead(id, month, typeof lang === 'string' ? lang : undefined);
  }
}
