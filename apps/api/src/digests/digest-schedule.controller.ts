import { Body, Controller, Delete, Get, HttpCode, Post, Put, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { ScheduleNoteDto } from '../dialogue-board/dto/check-in-schedule.dto';
import { ApiOptionalIfMatch, OptionalIfMatch } from '../dialogue-board/optional-if-match';
import { DigestScheduleService } from './digest-schedule.service';
import { DigestScheduleDeletedDto, DigestScheduleDto, PutDigestScheduleDto } from './digests.dto';

@ApiTags('digests')
@ApiProblemResponses([
  [412, 'If-Match names a version that is no longer current'],
  [428, 'If-Match is missing (replacing existing settings)'],
  [503, 'The workflow engine is unavailable (reading or triggering the schedule)'],
])
@Controller('plans/:planId/digest-schedule')
export class DigestScheduleController {
  constructor(private readonly service: DigestScheduleService) {}

  @Put()
  @Roles(Role.Coordinator)
  @ApiOptionalIfMatch()
  @ApiOperation({
    summary:
      "Create (201) or replace (200, with If-Match) when the plan's monthly digest goes out: a calendar in the jurisdiction's zone. In an active plan its Temporal Schedule digest-<planId> follows; when the engine does not answer, the settings are saved with a `warnings` entry and housekeeping brings the schedule in line",
  })
  @ApiOkResponse({ type: DigestScheduleDto })
  @ApiCreatedResponse({ type: DigestScheduleDto })
  async put(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @OptionalIfMatch() version: number | undefined, @Body() dto: PutDigestScheduleDto, @Res({ passthrough: true }) response: Response): Promise<DigestScheduleDto> {
    const { created, schedule } = await this.service.put(actor, planId, version, dto);
    response.status(created ? 201 : 200);
    return schedule;
  }

  @Get()
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: 'The digest settings with the schedule as Temporal runs it: paused or not, the next five runs (UTC and local time) and recent runs' })
  @ApiOkResponse({ type: DigestScheduleDto })
  get(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string): Promise<DigestScheduleDto> {
    return this.service.get(actor, planId);
  }

  @Post('pause')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause the schedule: no digest goes out until it is resumed (a send already running carries on; pause it with POST .../digests/{month}/pause)' })
  @ApiOkResponse({ type: DigestScheduleDto })
  pause(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Body() dto: ScheduleNoteDto): Promise<DigestScheduleDto> {
    return this.service.pause(actor, planId, dto);
  }

  @Post('resume')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused schedule' })
  @ApiOkResponse({ type: DigestScheduleDto })
  resume(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Body() dto: ScheduleNoteDto): Promise<DigestScheduleDto> {
    return this.service.resume(actor, planId, dto);
  }

  @Post('trigger')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: "Start a run now: it starts the current month's digest (a month already started is not sent again). Active plans only (409)" })
  @ApiOkResponse({ type: DigestScheduleDto })
  trigger(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string): Promise<DigestScheduleDto> {
    return this.service.trigger(actor, planId);
  }

  @Delete()
  @Roles(Role.Coordinator)
  @ApiOperation({ summary: 'Delete the digest settings and the schedule (a send already running carries on)' })
  @ApiOkResponse({ type: DigestScheduleDeletedDto })
  async remove(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string): Promise<DigestScheduleDeletedDto> {
    return { planId, ...(await this.service.remove(actor, planId)) };
  }
}
