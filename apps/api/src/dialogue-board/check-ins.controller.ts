import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { ApiIfMatch, IfMatch } from '../common/etag';
import { Page, pageSchema } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import { ActionItemsService } from './action-items.service';
import { CheckInsService } from './check-ins.service';
import {
  ActionItemDto,
  ActionItemWriteResultDto,
  CancelCheckInDto,
  CheckInDetailDto,
  CheckInDto,
  CheckInWriteResultDto,
  CloseActionItemDto,
  CloseCheckInDto,
  ListActionItemsQueryDto,
  ListCheckInsQueryDto,
  PutAgendaDto,
  UpdateCheckInDto,
} from './dto/check-in.dto';

@ApiTags('dialogue-board')
@ApiProblemResponses([
  [412, 'If-Match names a version that is no longer current'],
  [428, 'If-Match is missing'],
])
@Controller()
export class CheckInsController {
  constructor(
    private readonly service: CheckInsService,
    private readonly actionItems: ActionItemsService,
  ) {}

  @Get('plans/:planId/check-ins')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: "The plan's check-ins, latest first: agenda, status, place, SEQUENCE, minutes once closed" })
  @ApiOkResponse({ type: pageSchema(CheckInDto, 'CheckInPage') })
  list(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Query() query: ListCheckInsQueryDto): Promise<Page<CheckInDto>> {
    return this.service.list(actor, planId, query);
  }

  @Get('check-ins/:checkInId')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOkResponse({ type: CheckInDetailDto })
  get(@CurrentActor() actor: Actor, @UuidParam('checkInId') id: string): Promise<CheckInDetailDto> {
    return this.service.get(actor, id);
  }

  @Put('check-ins/:checkInId/agenda')
  @Roles(Role.Coordinator)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Replace the agenda while it is a draft (409 once the invitations carried it); it is no longer rebuilt from the plan' })
  @ApiOkResponse({ type: CheckInDetailDto })
  putAgenda(@CurrentActor() actor: Actor, @UuidParam('checkInId') id: string, @IfMatch() version: number, @Body() dto: PutAgendaDto): Promise<CheckInDetailDto> {
    return this.service.putAgenda(actor, id, version, dto);
  }

  @Patch('check-ins/:checkInId')
  @Roles(Role.Coordinator)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Move the meeting or change its place: SEQUENCE is raised and those invited get an update' })
  @ApiOkResponse({ type: CheckInWriteResultDto })
  update(@CurrentActor() actor: Actor, @UuidParam('checkInId') id: string, @IfMatch() version: number, @Body() dto: UpdateCheckInDto): Promise<CheckInWriteResultDto> {
    return this.service.update(actor, id, version, dto);
  }

  @Post('check-ins/:checkInId/cancel')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Cancel the meeting: those invited get a cancellation (METHOD:CANCEL)' })
  @ApiOkResponse({ type: CheckInWriteResultDto })
  cancel(@CurrentActor() actor: Actor, @UuidParam('checkInId') id: string, @IfMatch() version: number, @Body() dto: CancelCheckInDto): Promise<CheckInWriteResultDto> {
    return this.service.cancel(actor, id, version, dto);
  }

  @Post('check-ins/:checkInId/close')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Close a meeting that has started with minutes, attendance, decisions and action items (each then followed by its own workflow)' })
  @ApiOkResponse({ type: CheckInWriteResultDto })
  close(@CurrentActor() actor: Actor, @UuidParam('checkInId') id: string, @IfMatch() version: number, @Body() dto: CloseCheckInDto): Promise<CheckInWriteResultDto> {
    return this.service.close(actor, id, version, dto);
  }

  @Post('check-ins/:checkInId/approve-minutes')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve the minutes of a closed check-in: they are public from then on (with its decisions and the titles of its open action items)' })
  @ApiOkResponse({ type: CheckInDetailDto })
  approveMinutes(@CurrentActor() actor: Actor, @UuidParam('checkInId') id: string): Promise<CheckInDetailDto> {
    return this.service.approveMinutes(actor, id);
  }

  @Get('plans/:planId/action-items')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: "The plan's action items by due date: open, closed, or overdue (open and past due)" })
  @ApiOkResponse({ type: pageSchema(ActionItemDto, 'ActionItemPage') })
  listActionItems(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Query() query: ListActionItemsQueryDto): Promise<Page<ActionItemDto>> {
    return this.actionItems.list(actor, planId, query);
  }

  @Post('action-items/:actionItemId/close')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Close an action item: it leaves the next agendas and its workflow ends' })
  @ApiOkResponse({ type: ActionItemWriteResultDto })
  closeActionItem(@CurrentActor() actor: Actor, @UuidParam('actionItemId') id: string, @Body() dto: CloseActionItemDto): Promise<ActionItemWriteResultDto> {
    return this.actionItems.close(actor, id, dto);
  }
}
