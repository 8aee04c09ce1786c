import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { MilestoneState } from '@app/workflows';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { ApiIfMatch, IfMatch } from '../common/etag';
import { Page, pageSchema } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import {
  CancelMilestoneDto,
  CreateMilestoneDto,
  ListMilestonesQueryDto,
  MilestoneDto,
  MilestoneStateDto,
  PlanWorkflowDto,
  PlanWorkflowsQueryDto,
  MilestoneWriteResultDto,
  ReplanMilestoneDto,
  ReplanningDto,
  UpdateMilestoneDto,
  WorkflowSyncResultDto,
} from './dto/milestone.dto';
import { MilestonesService } from './milestones.service';

@ApiTags('milestones')
@ApiProblemResponses([
  [412, 'If-Match names a version that is no longer current'],
  [428, 'If-Match is missing'],
  [503, 'The workflow engine is unavailable'],
])
@Controller()
export class MilestonesController {
  constructor(private readonly service: MilestonesService) {}

  @Post('commitments/:commitmentId/milestones')
  @Roles(Role.Coordinator)
  @ApiOperation({ summary: "Add a milestone; in an active plan its workflow starts (see `workflow` in the response)" })
  @ApiCreatedResponse({ type: MilestoneWriteResultDto })
  create(@CurrentActor() actor: Actor, @UuidParam('commitmentId') commitmentId: string, @Body() dto: CreateMilestoneDto): Promise<MilestoneWriteResultDto> {
    return this.service.create(actor, commitmentId, dto);
  }

  @Get('plans/:planId/milestones')
  @Roles(Role.Coordinator, Role.Imb, Role.Agency)
  @ApiOperation({ summary: "A plan's milestones, filtered and paginated (an agency sees its own)" })
  @ApiOkResponse({ type: pageSchema(MilestoneDto, 'MilestonePage') })
  listForPlan(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Query() query: ListMilestonesQueryDto): Promise<Page<MilestoneDto>> {
    return this.service.listForPlan(actor, planId, query);
  }

  @Get('milestones')
  @Roles(Role.Coordinator, Role.Imb, Role.Agency)
  @ApiOperation({ summary: "Milestones across the caller's jurisdiction (an agency: its own work)" })
  @ApiOkResponse({ type: pageSchema(MilestoneDto, 'MilestonePageAll') })
  list(@CurrentActor() actor: Actor, @Query() query: ListMilestonesQueryDto): Promise<Page<MilestoneDto>> {
    return this.service.list(actor, query);
  }

  @Get('milestones/:milestoneId')
  @Roles(Role.Coordinator, Role.Imb, Role.Agency)
  @ApiOkResponse({ type: MilestoneDto })
  get(@CurrentActor() actor: Actor, @UuidParam('milestoneId') id: string): Promise<MilestoneDto> {
    return this.service.get(actor, id);
  }

  @Patch('milestones/:milestoneId')
  @Roles(Role.Coordinator)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Edit a milestone (not its due date: replan it)' })
  @ApiOkResponse({ type: MilestoneDto })
  update(@CurrentActor() actor: Actor, @UuidParam('milestoneId') id: string, @IfMatch() version: number, @Body() dto: UpdateMilestoneDto): Promise<MilestoneDto> {
    return this.service.update(actor, id, version, dto);
  }

  @Post('milestones/:milestoneId/replan')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Move the due date with a reason; the history is kept and public, and the workflow re-arms its timers' })
  @ApiOkResponse({ type: MilestoneWriteResultDto })
  replan(@CurrentActor() actor: Actor, @UuidParam('milestoneId') id: string, @IfMatch() version: number, @Body() dto: ReplanMilestoneDto): Promise<MilestoneWriteResultDto> {
    return this.service.replan(actor, id, version, dto);
  }

  @Post('milestones/:milestoneId/cancel')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Cancel a milestone; its workflow ends' })
  @ApiOkResponse({ type: MilestoneWriteResultDto })
  cancel(@CurrentActor() actor: Actor, @UuidParam('milestoneId') id: string, @IfMatch() version: number, @Body() dto: CancelMilestoneDto): Promise<MilestoneWriteResultDto> {
    return this.service.cancel(actor, id, version, dto);
  }

  @Get('milestones/:milestoneId/replanning')
  @Roles(Role.Coordinator, Role.Imb, Role.Agency)
  @ApiOkResponse({ type: [ReplanningDto] })
  replanningHistory(@CurrentActor() actor: Actor, @UuidParam('milestoneId') id: string): Promise<ReplanningDto[]> {
    return this.service.replanningHistory(actor, id);
  }

  @Get('plans/:planId/workflows')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: "The plan's commitment and milestone workflows as Temporal lists them (search attributes: plan, commitment, agency, status, due date)" })
  @ApiOkResponse({ type: [PlanWorkflowDto] })
  async planWorkflows(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Query() query: PlanWorkflowsQueryDto): Promise<PlanWorkflowDto[]> {
    return this.service.planWorkflows(actor, planId, query);
  }

  @Post('plans/:planId/workflows/sync')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Hands every milestone still followed to its commitment's workflow again (a no-op for those already followed): recovery after an import whose hand-over to Temporal failed",
  })
  @ApiOkResponse({ type: WorkflowSyncResultDto })
  syncWorkflows(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string): Promise<WorkflowSyncResultDto> {
    return this.service.syncWorkflows(actor, planId);
  }

  @Get('milestones/:milestoneId/workflow')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: "The milestone workflow's state, next timer and history (from Temporal)" })
  @ApiOkResponse({ type: MilestoneStateDto })
  workflowState(@CurrentActor() actor: Actor, @UuidParam('milestoneId') id: string): Promise<MilestoneState> {
    return this.service.workflowState(actor, id);
  }
}
