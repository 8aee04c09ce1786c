import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { DialogueBoardService } from './dialogue-board.service';
import { CreateDialogueBoardMemberDto, DialogueBoardMemberDto } from './dto/dialogue-board-member.dto';

@ApiTags('dialogue-board')
@ApiProblemResponses()
@Controller()
export class DialogueBoardController {
  constructor(private readonly service: DialogueBoardService) {}

  @Post('jurisdictions/:jurisdictionId/dialogue-board/members')
  @Roles(Role.Coordinator)
  @ApiCreatedResponse({ type: DialogueBoardMemberDto })
  addBoardMember(@CurrentActor() actor: Actor, @UuidParam('jurisdictionId') id: string, @Body() dto: CreateDialogueBoardMemberDto): Promise<DialogueBoardMemberDto> {
    return this.service.addBoardMember(actor, id, dto);
  }

  @Get('jurisdictions/:jurisdictionId/dialogue-board/members')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOkResponse({ type: [DialogueBoardMemberDto] })
  listBoardMembers(@CurrentActor() actor: Actor, @UuidParam('jurisdictionId') id: string): Promise<DialogueBoardMemberDto[]> {
    return this.service.listBoardMembers(actor, id);
  }
}
