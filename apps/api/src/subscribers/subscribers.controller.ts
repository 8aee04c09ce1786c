import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { ProblemException } from '../common/problem-details.filter';
import { UuidParam } from '../common/uuid-param';
import { DryRunQueryDto } from '../exchange/exchange.controller';
import { ImportReportDto } from '../exchange/plan-document.dto';
import { SubscriberEmailDto, SubscriberErasedDto, SubscriberExportDto, SubscriberSummaryDto } from './dto/subscriber.dto';
import { SUBSCRIBER_CSV_COLUMNS } from './subscribers-csv';
import { SubscribersService } from './subscribers.service';

@ApiTags('subscribers')
@ApiProblemResponses()
@Controller('plans/:planId/subscribers')
export class SubscribersController {
  constructor(private readonly service: SubscribersService) {}

  @Get('summary')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: "Counts of the plan's subscribers per status, and of confirmed ones per language; no addresses" })
  @ApiOkResponse({ type: SubscriberSummaryDto })
  summary(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string): Promise<SubscriberSummaryDto> {
    return this.service.summary(actor, planId);
  }

  @Post('export')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: "One person's data (subject access request): the subscription and the emails sent to it. 404 when the plan has no such subscriber. Audited with a hash of the address" })
  @ApiOkResponse({ type: SubscriberExportDto })
  export(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Body() dto: SubscriberEmailDto): Promise<SubscriberExportDto> {
    return this.service.export(actor, planId, dto.email);
  }

  @Post('erase')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: "Erase one person (right to erasure): the subscriber row goes, and the address in its outbox messages is replaced by a placeholder. Audited with a hash of the address" })
  @ApiOkResponse({ type: SubscriberErasedDto })
  erase(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Body() dto: SubscriberEmailDto): Promise<SubscriberErasedDto> {
    return this.service.erase(actor, planId, dto.email);
  }

  @Post('import')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({ description: `CSV (; separated) with columns ${SUBSCRIBER_CSV_COLUMNS.join(';')}: people who already consented, imported as confirmed; commitment external ids separated by | (none: the whole plan)`, schema: { type: 'string' } })
  @ApiOperation({ summary: 'Import subscribers who consented elsewhere; errors per row; nothing is written when any row is wrong (422), a dry run only reports' })
  @ApiOkResponse({ type: ImportReportDto })
  import(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Query() query: DryRunQueryDto, @Body() csv: unknown): Promise<ImportReportDto> {
    if (typeof csv !== 'string') throw new ProblemException(415, 'Unsupported Media Type', 'Send the CSV as the body with Content-Type: text/csv.', [{ field: 'body', message: 'must be text/csv' }]);
    return this.service.importCsv(actor, planId, csv, query.dryRun ?? false);
  }
}
