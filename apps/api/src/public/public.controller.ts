import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { PublicJurisdictionDto, PublicPlanDto, PublicPlanSummaryDto } from './public.dto';
import { PublicService } from './public.service';

@ApiTags('public')
@ApiProblemResponses()
@Public()
@Controller('public')
export class PublicController {
  constructor(private readonly service: PublicService) {}

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
}
