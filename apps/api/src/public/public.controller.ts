import { Controller, Get, Header, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { PublicCheckInsService } from './public-check-ins.service';
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
