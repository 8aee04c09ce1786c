import { Body, Controller, Delete, Get, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { ApiIfMatch, IfMatch } from '../common/etag';
import { UuidParam } from '../common/uuid-param';
import { AgencyDto, CreateAgencyDto, UpdateAgencyDto } from './dto/agency.dto';
import { ApiTokenDto, CreateApiTokenDto, CreatedApiTokenDto } from './dto/api-token.dto';
import { CreateJurisdictionDto, JurisdictionDto } from './dto/jurisdiction.dto';
import { JurisdictionsService } from './jurisdictions.service';

@ApiTags('jurisdictions')
@ApiProblemResponses()
@Controller()
export class JurisdictionsController {
  constructor(private readonly service: JurisdictionsService) {}

  @Post('jurisdictions')
  @Roles()
  @ApiOperation({ summary: 'Create a jurisdiction (admin)' })
  @ApiCreatedResponse({ type: JurisdictionDto })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateJurisdictionDto): Promise<JurisdictionDto> {
    return this.service.create(actor, dto);
  }

  @Get('jurisdictions')
  @Roles(Role.Coordinator, Role.Imb, Role.Agency)
  @ApiOperation({ summary: 'The jurisdictions the caller belongs to (all of them for the admin)' })
  @ApiOkResponse({ type: [JurisdictionDto] })
  list(@CurrentActor() actor: Actor): Promise<JurisdictionDto[]> {
    return this.service.list(actor);
  }

  @Get('jurisdictions/:jurisdictionId')
  @Roles(Role.Coordinator, Role.Imb, Role.Agency)
  @ApiOkResponse({ type: JurisdictionDto })
  get(@CurrentActor() actor: Actor, @UuidParam('jurisdictionId') id: string): Promise<JurisdictionDto> {
    return this.service.get(actor, id);
  }

  @Post('jurisdictions/:jurisdictionId/agencies')
  @Roles(Role.Coordinator)
  @ApiCreatedResponse({ type: AgencyDto })
  addAgency(@CurrentActor() actor: Actor, @UuidParam('jurisdictionId') id: string, @Body() dto: CreateAgencyDto): Promise<AgencyDto> {
    return this.service.addAgency(actor, id, dto);
  }

  @Get('jurisdictions/:jurisdictionId/agencies')
  @Roles(Role.Coordinator, Role.Imb, Role.Agency)
  @ApiOperation({ summary: 'Agencies of the jurisdiction (an agency sees itself only)' })
  @ApiOkResponse({ type: [AgencyDto] })
  listAgencies(@CurrentActor() actor: Actor, @UuidParam('jurisdictionId') id: string): Promise<AgencyDto[]> {
    return this.service.listAgencies(actor, id);
  }

  @Get('agencies/:agencyId')
  @Roles(Role.Coordinator, Role.Imb, Role.Agency)
  @ApiOkResponse({ type: AgencyDto })
  getAgency(@CurrentActor() actor: Actor, @UuidParam('agencyId') id: string): Promise<AgencyDto> {
    return this.service.getAgency(actor, id);
  }

  @Patch('agencies/:agencyId')
  @Roles(Role.Coordinator)
  @ApiIfMatch()
  @ApiOkResponse({ type: AgencyDto })
  updateAgency(@CurrentActor() actor: Actor, @UuidParam('agencyId') id: string, @IfMatch() version: number, @Body() dto: UpdateAgencyDto): Promise<AgencyDto> {
    return this.service.updateAgency(actor, id, version, dto);
  }

  @Post('jurisdictions/:jurisdictionId/tokens')
  @Roles(Role.Coordinator)
  @ApiOperation({ summary: 'Create an API token; the token is in this response only' })
  @ApiCreatedResponse({ type: CreatedApiTokenDto })
  createToken(@CurrentActor() actor: Actor, @UuidParam('jurisdictionId') id: string, @Body() dto: CreateApiTokenDto): Promise<CreatedApiTokenDto> {
    return this.service.createToken(actor, id, dto);
  }

  @Get('jurisdictions/:jurisdictionId/tokens')
  @Roles(Role.Coordinator)
  @ApiOkResponse({ type: [ApiTokenDto] })
  listTokens(@CurrentActor() actor: Actor, @UuidParam('jurisdictionId') id: string): Promise<ApiTokenDto[]> {
    return this.service.listTokens(actor, id);
  }

  @Delete('tokens/:tokenId')
  @Roles(Role.Coordinator)
  @ApiOperation({ summary: 'Revoke an API token (it stops working at once)' })
  @ApiOkResponse({ type: ApiTokenDto })
  revokeToken(@CurrentActor() actor: Actor, @UuidParam('tokenId') id: string): Promise<ApiTokenDto> {
    return this.service.revokeToken(actor, id);
  }
}
