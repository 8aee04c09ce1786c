import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { ApiIfMatch, IfMatch } from '../common/etag';
import { Page, pageSchema } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import { CreatePlanDto, ListPlansQueryDto, PlanDto, PlanWriteResultDto, UpdatePlanDto } from './dto/plan.dto';
import { PlanProgressDto } from './dto/progress.dto';
import { PlanScope } from '../auth/plan-scope.service';
import { PlansService } from './plans.service';
import { ProgressService } from './progress.service';

@ApiTags('plans')
@ApiProblemResponses()
@Controller('plans')
export class PlansController {
  constructor(
    private readonly service: PlansService,
    private readonly progress: ProgressService,
    private readonly scope: PlanScope,
  ) {}

  @Post()
  @Roles(Role.Coordinator)
  @ApiOperation({ summary: 'Create an action plan (draft unless status is active)' })
  @ApiCreatedResponse({ type: PlanWriteResultDto })
  create(@CurrentActor() actor: Actor, @Body() dto: CreatePlanDto): Promise<PlanWriteResultDto> {
    return this.service.create(actor, dto);
  }

  @Get()
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOkResponse({ type: pageSchema(PlanDto, 'PlanPage') })
  list(@CurrentActor() actor: Actor, @Query() query: ListPlansQueryDto): Promise<Page<PlanDto>> {
    return this.service.list(actor, query);
  }

  @Get(':planId')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOkResponse({ type: PlanDto })
  get(@CurrentActor() actor: Actor, @UuidParam('planId') id: string): Promise<PlanDto> {
    return this.service.get(actor, id);
  }

  @Patch(':planId')
  @Roles(Role.Coordinator)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change a plan; activating starts its milestone workflows, closing ends them' })
  @ApiOkResponse({ type: PlanWriteResultDto })
  update(@CurrentActor() actor: Actor, @UuidParam('planId') id: string, @IfMatch() version: number, @Body() dto: UpdatePlanDto): Promise<PlanWriteResultDto> {
    return this.service.update(actor, id, version, dto);
  }

  @Get(':planId/progress')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: 'Weighted progress: milestone → commitment → plan, in OGP completion levels' })
  @ApiOkResponse({ type: PlanProgressDto })
  async getProgress(@CurrentActor() actor: Actor, @UuidParam('planId') id: string): Promise<PlanProgressDto> {
    return this.progress.ofPlan(await this.scope.plan(actor, id));
  }
}
