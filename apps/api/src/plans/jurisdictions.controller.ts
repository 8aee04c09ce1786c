import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { AgencyDto, CreateAgencyDto, CreateDialogueBoardMemberDto, DialogueBoardMemberDto } from './dto/agency.dto';
import { CreateJurisdictionDto, JurisdictionDto } from './dto/jurisdiction.dto';
import { JurisdictionsService } from './jurisdictions.service';

@ApiTags('jurisdictions')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('jurisdictions')
export class JurisdictionsController {
  constructor(private readonly service: JurisdictionsService) {}

  @Post()
  @ApiCreatedResponse({ type: JurisdictionDto })
  create(@Body() dto: CreateJurisdictionDto): Promise<JurisdictionDto> {
    return this.service.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: [JurisdictionDto] })
  list(): Promise<JurisdictionDto[]> {
    return this.service.list();
  }

  @Get(':jurisdictionId')
  @ApiOkResponse({ type: JurisdictionDto })
  get(@UuidParam('jurisdictionId') id: string): Promise<JurisdictionDto> {
    return this.service.get(id);
  }

  @Post(':jurisdictionId/agencies')
  @ApiCreatedResponse({ type: AgencyDto })
  addAgency(@UuidParam('jurisdictionId') id: string, @Body() dto: CreateAgencyDto): Promise<AgencyDto> {
    return this.service.addAgency(id, dto);
  }

  @Get(':jurisdictionId/agencies')
  @ApiOkResponse({ type: [AgencyDto] })
  listAgencies(@UuidParam('jurisdictionId') id: string): Promise<AgencyDto[]> {
    return this.service.listAgencies(id);
  }

  @Post(':jurisdictionId/dialogue-board/members')
  @ApiCreatedResponse({ type: DialogueBoardMemberDto })
  addBoardMember(@UuidParam('jurisdictionId') id: string, @Body() dto: CreateDialogueBoardMemberDto): Promise<DialogueBoardMemberDto> {
    return this.service.addBoardMember(id, dto);
  }

  @Get(':jurisdictionId/dialogue-board/members')
  @ApiOkResponse({ type: [DialogueBoardMemberDto] })
  listBoardMembers(@UuidParam('jurisdictionId') id: string): Promise<DialogueBoardMemberDto[]> {
    return this.service.listBoardMembers(id);
  }
}
