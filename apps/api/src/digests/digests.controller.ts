import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { DigestIssueSummaryDto, DigestSendDto } from './digests.dto';
import { DigestsService } from './digests.service';

@ApiTags('digests')
@ApiProblemResponses([
  [409, 'The digest of that month is not running'],
  [503, 'The workflow engine is unavailable'],
])
@Controller('plans/:planId/digests')
export class DigestsController {
  constructor(private readonly service: DigestsService) {}

  @Get()
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: "The plan's digest archive: one issue per month and language, newest first" })
  @ApiOkResponse({ type: [DigestIssueSummaryDto] })
  list(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string): Promise<DigestIssueSummaryDto[]> {
    return this.service.list(actor, planId);
  }

  @Get(':month')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: "A month's send: status, total, sent, skipped, failed (live from the workflow while it runs)" })
  @ApiOkResponse({ type: DigestSendDto })
  progress(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Param('month') month: string): Promise<DigestSendDto> {
    return this.service.progress(actor, planId, month);
  }

  @Post(':month/pause')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause the send after the batch in flight (nobody gets it twice; resume carries on from the cursor)' })
  @ApiOkResponse({ type: DigestSendDto })
  pause(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Param('month') month: string): Promise<DigestSendDto> {
    return this.service.act(actor, planId, month, 'pause');
  }

  @Post(':month/resume')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused send' })
  @ApiOkResponse({ type: DigestSendDto })
  resume(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Param('month') month: string): Promise<DigestSendDto> {
    return this.service.act(actor, planId, month, 'resume');
  }

  @Post(':month/cancel')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel the send after the batch in flight (those not reached get nothing this month)' })
  @ApiOkResponse({ type: DigestSendDto })
  cancel(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Param('month') month: string): Promise<DigestSendDto> {
    return this.service.act(actor, planId, month, 'cancel');
  }
}
