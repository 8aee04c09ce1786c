import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { Page, pageSchema } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import { EscalationActionResultDto, EscalationDto, EscalationTextDto, ListEscalationsQueryDto, ResolveEscalationDto, ReviewEvidenceDto, ReviewResultDto } from './review.dto';
import { ReviewService } from './review.service';

@ApiTags('review and escalations')
@ApiProblemResponses([[503, 'The workflow engine is unavailable; nothing was recorded']])
@Controller()
export class ReviewController {
  constructor(private readonly service: ReviewService) {}

  @Post('evidence/:evidenceId/review')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'The follow-up committee accepts the evidence (the milestone completes) or returns it with comments (a new request cycle)' })
  @ApiOkResponse({ type: ReviewResultDto })
  review(@CurrentActor() actor: Actor, @UuidParam('evidenceId') id: string, @Body() dto: ReviewEvidenceDto): Promise<ReviewResultDto> {
    return this.service.review(actor, id, dto);
  }

  @Get('escalations')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: 'Escalations in the caller’s jurisdiction, newest first' })
  @ApiOkResponse({ type: pageSchema(EscalationDto, 'EscalationPage') })
  list(@CurrentActor() actor: Actor, @Query() query: ListEscalationsQueryDto): Promise<Page<EscalationDto>> {
    return this.service.list(actor, query);
  }

  @Post('escalations/:escalationId/acknowledge')
  @Roles(Role.Imb)
  @HttpCode(200)
  @ApiOkResponse({ type: EscalationActionResultDto })
  acknowledge(@CurrentActor() actor: Actor, @UuidParam('escalationId') id: string): Promise<EscalationActionResultDto> {
    return this.service.act(actor, id, 'acknowledge');
  }

  @Post('escalations/:escalationId/recommendation')
  @Roles(Role.Imb)
  @HttpCode(200)
  @ApiOkResponse({ type: EscalationActionResultDto })
  recommend(@CurrentActor() actor: Actor, @UuidParam('escalationId') id: string, @Body() dto: EscalationTextDto): Promise<EscalationActionResultDto> {
    return this.service.act(actor, id, 'recommend', { text: dto.text });
  }

  @Post('escalations/:escalationId/resolve')
  @Roles(Role.Imb)
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve the escalation; a milestone still without evidence is closed without it unless keepMilestoneOpen is true' })
  @ApiOkResponse({ type: EscalationActionResultDto })
  resolve(@CurrentActor() actor: Actor, @UuidParam('escalationId') id: string, @Body() dto: ResolveEscalationDto): Promise<EscalationActionResultDto> {
    return this.service.act(actor, id, 'resolve', { text: dto.text, keepMilestoneOpen: dto.keepMilestoneOpen });
  }
}
