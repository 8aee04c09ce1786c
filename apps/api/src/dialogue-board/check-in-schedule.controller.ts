import { Body, Controller, Delete, Get, HttpCode, Post, Put, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { CheckInScheduleService } from './check-in-schedule.service';
import { CheckInScheduleDto, FieldWarningDto, PutCheckInScheduleDto, ScheduleNoteDto } from './dto/check-in-schedule.dto';
import { ApiOptionalIfMatch, OptionalIfMatch } from './optional-if-match';

export class CheckInScheduleDeletedDto {
  @ApiProperty() planId!: string;
  @ApiProperty({ type: [FieldWarningDto] }) warnings!: FieldWarningDto[];
}

@ApiTags('dialogue-board')
@ApiProblemResponses([
  [412, 'If-Match names a version that is no longer current'],
  [428, 'If-Match is missing (replacing existing settings)'],
  [503, 'The workflow engine is unavailable (reading or triggering the schedule)'],
])
@Controller('plans/:planId/check-in-schedule')
export class CheckInScheduleController {
  constructor(private readonly service: CheckInScheduleService) {}

  @Put()
  @Roles(Role.Coordinator)
  @ApiOptionalIfMatch()
  @ApiOperation({
    summary:
      "Create (201) or replace (200, with If-Match) the plan's check-in settings: the meeting calendar in the jurisdiction's zone, mode and place, policy. In an active plan its Temporal Schedule dialogue-board-<planId> follows (a new one is triggered once, preparing the first meeting); when the engine does not answer, the settings are saved with a `warnings` entry and housekeeping brings the schedule in line",
  })
  @ApiOkResponse({ type: CheckInScheduleDto })
  @ApiCreatedResponse({ type: CheckInScheduleDto })
  async put(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @OptionalIfMatch() version: number | undefined, @Body() dto: PutCheckInScheduleDto, @Res({ passthrough: true }) response: Response): Promise<CheckInScheduleDto> {
    const { created, schedule } = await this.service.put(actor, planId, version, dto);
    response.status(created ? 201 : 200);
    return schedule;
  }

  @Get()
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: 'The check-in settings with the schedule as Temporal runs it: paused or not, the next five meetings (UTC and local time) and recent runs' })
  @ApiOkResponse({ type: CheckInScheduleDto })
  get(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string): Promise<CheckInScheduleDto> {
    return this.service.get(actor, planId);
  }

  @Post('pause')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause the schedule: no meeting is prepared until it is resumed (check-ins already prepared stay)' })
  @ApiOkResponse({ type: CheckInScheduleDto })
  pause(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Body() dto: ScheduleNoteDto): Promise<CheckInScheduleDto> {
    return this.service.pause(actor, planId, dto);
  }

  @Post('resume')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused schedule' })
  @ApiOkResponse({ type: CheckInScheduleDto })
  resume(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Body() dto: ScheduleNoteDto): Promise<CheckInScheduleDto> {
    return this.service.resume(actor, planId, dto);
  }

  @Post('trigger')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Start a run now: it prepares the next meeting (a run repeated for the same meeting finds it prepared). Active plans only (409)' })
  @ApiOkResponse({ type: CheckInScheduleDto })
  trigger(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string): Promise<CheckInScheduleDto> {
    return this.service.trigger(actor, planId);
  }

  @Delete()
  @Roles(Role.Coordinator)
  @ApiOperation({ summary: 'Delete the check-in settings and the schedule (check-ins already prepared stay, with their workflows)' })
  @ApiOkResponse({ type: CheckInScheduleDeletedDto })
  async remove(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string): Promise<CheckInScheduleDeletedDto> {
    return { planId, ...(await this.service.remove(actor, planId)) };
  }
}
