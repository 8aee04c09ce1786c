import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../common/api-problem-responses';
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
  get(@Param('jurisdictionId', ParseUUIDPipe) id: string): Promise<JurisdictionDto> {
    return this.service.get(id);
  }

  @Post(':jurisdictionId/agencies')
  @ApiCreatedResponse({ type: AgencyDto })
  addAgency(@Param('jurisdictionId', ParseUUIDPipe) id: string, @Body() dto: CreateAgencyDto): Promise<AgencyDto> {
    return this.service.addAgency(id, dto);
  }

  @Get(':jurisdictionId/agencies')
  @ApiOkResponse({ type: [AgencyDto] })
  listAgencies(@Param('jurisdictionId', ParseUUIDPipe) id: string): Promise<AgencyDto[]> {
    return this.service.listAgencies(id);
  }

  @Post(':jurisdictionId/dialogue-board/members')
  @ApiCreatedResponse({ type: DialogueBoardMemberDto })
  addBoardMember(@Param('jurisdictionId', ParseUUIDPipe) id: string, @Body() dto: CreateDialogueBoardMemberDto): Promise<DialogueBoardMemberDto> {
    return this.service.addBoardMember(id, dto);
  }

  @Get(':jurisdictionId/dialogue-board/members')
  @ApiOkResponse({ type: [DialogueBoardMemberDto] })
  listBoardMembers(@Param('jurisdictionId', ParseUUIDPipe) id: string): Promise<DialogueBoardMemberDto[]> {
    return this.service.listBoardMembers(id);
  }
}
