import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { CommitteesService } from './committees.service';
import { CommitteeMemberDto, CreateCommitteeMemberDto } from './dto/committee-member.dto';

@ApiTags('committees')
@ApiProblemResponses()
@Controller()
export class CommitteesController {
  constructor(private readonly service: CommitteesService) {}

  @Post('commitments/:commitmentId/committee/members')
  @Roles(Role.Coordinator)
  @ApiCreatedResponse({ type: CommitteeMemberDto })
  addCommitteeMember(@CurrentActor() actor: Actor, @UuidParam('commitmentId') id: string, @Body() dto: CreateCommitteeMemberDto): Promise<CommitteeMemberDto> {
    return this.service.addCommitteeMember(actor, id, dto);
  }

  @Get('commitments/:commitmentId/committee/members')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOkResponse({ type: [CommitteeMemberDto] })
  listCommitteeMembers(@CurrentActor() actor: Actor, @UuidParam('commitmentId') id: string): Promise<CommitteeMemberDto[]> {
    return this.service.listCommitteeMembers(actor, id);
  }

  @Delete('committee-members/:memberId')
  @Roles(Role.Coordinator)
  @HttpCode(204)
  @ApiNoContentResponse()
  removeCommitteeMember(@CurrentActor() actor: Actor, @UuidParam('memberId') id: string): Promise<void> {
    return this.service.removeCommitteeMember(actor, id);
  }
}
