import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { PublicCheckInsService } from './public-check-ins.service';
import { PublicCheckInDto, PublicJurisdictionDto, PublicPlanDto, PublicPlanSummaryDto } from './public.dto';
import { PublicService } from './public.service';

@ApiTags('public')
@ApiProblemResponses()
@Public()
@Controller('public')
export class PublicController {
  constructor(
    private readonly service: PublicService,
    private readonly checkIns: PublicCheckInsService,
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
  plan(@UuidParam('planId') id: string): Promise<PublicPlanDto> {
    return this.service.plan(id);
  }

  @Get('plans/:planId/check-ins')
  @ApiOperation({ summary: "A published plan's Dialogue Board check-ins: dates, place or link, agenda titles, status; approved minutes, decisions and open action item titles. No personal data" })
  @ApiOkResponse({ type: [PublicCheckInDto] })
  planCheckIns(@UuidParam('planId') id: string): Promise<PublicCheckInDto[]> {
    return this.checkIns.list(id);
  }

  @Get('plans/:planId/check-ins.ics')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @ApiProduces('text/calendar')
  @ApiOperation({ summary: "A published plan's check-ins as a subscribable iCalendar feed (RFC 5545, METHOD:PUBLISH): past and upcoming, cancelled ones as STATUS:CANCELLED; no personal data" })
  @ApiOkResponse({ description: 'text/calendar', schema: { type: 'string' } })
  planCheckInFeed(@UuidParam('planId') id: string): Promise<string> {
    return this.checkIns.feed(id);
  }
}
