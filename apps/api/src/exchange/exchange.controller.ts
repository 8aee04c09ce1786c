import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { ProblemException } from '../common/problem-details.filter';
import { UuidParam } from '../common/uuid-param';
import { PlanScope } from '../auth/plan-scope.service';
import { ImportReportDto, PlanDocumentDto } from './plan-document.dto';
import { PlanExportService } from './plan-export.service';
import { PlanImportService } from './plan-import.service';

export class DryRunQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Validate and report only; nothing is written' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  dryRun?: boolean;
}

@ApiTags('import and export')
@ApiProblemResponses()
@Controller()
export class ExchangeController {
  constructor(
    private readonly exporter: PlanExportService,
    private readonly importer: PlanImportService,
    private readonly scope: PlanScope,
  ) {}

  @Get('plans/:planId/export')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: 'The whole plan as a JSON document that imports back to the same plan' })
  @ApiOkResponse({ type: PlanDocumentDto })
  async export(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string): Promise<PlanDocumentDto> {
    return this.exporter.document(await this.scope.plan(actor, planId));
  }

  @Post('jurisdictions/:jurisdictionId/plans/import')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Import a plan from its JSON document (agencies are matched by name, missing ones created)' })
  @ApiOkResponse({ type: ImportReportDto })
  importPlan(@CurrentActor() actor: Actor, @UuidParam('jurisdictionId') jurisdictionId: string, @Query() query: DryRunQueryDto, @Body() doc: PlanDocumentDto): Promise<ImportReportDto> {
    return this.importer.importPlan(actor, jurisdictionId, doc, query.dryRun ?? false);
  }

  @Post('plans/:planId/milestones/import')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({ description: 'CSV with columns commitment_external_id, external_id, title, expected_output, start_date, due_date, responsible_agency, weight, verifiable, completion', schema: { type: 'string' } })
  @ApiOperation({ summary: 'Upsert milestones from CSV by external id; errors are reported per row' })
  @ApiOkResponse({ type: ImportReportDto })
  importMilestones(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Query() query: DryRunQueryDto, @Body() csv: unknown): Promise<ImportReportDto> {
    if (typeof csv !== 'string') throw new ProblemException(415, 'Unsupported Media Type', 'Send the CSV as the body with Content-Type: text/csv.', [{ field: 'body', message: 'must be text/csv' }]);
    return this.importer.importMilestonesCsv(actor, planId, csv, query.dryRun ?? false);
  }

  @Get('plans/:planId/progress.csv')
  @Roles(Role.Coordinator, Role.Imb)
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: "Progress in the column layout of Decidim's accountability results importer (; separated)" })
  @ApiOkResponse({ schema: { type: 'string' } })
  async decidim(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string): Promise<string> {
    return this.exporter.decidimCsv(await this.scope.plan(actor, planId));
  }
}
