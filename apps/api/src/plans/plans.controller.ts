import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { CommitmentDto, CreateCommitmentDto, CreatedMilestoneDto, CreateMilestoneDto, MilestoneDto } from './dto/commitment.dto';
import { CreatePlanDto, PlanDto } from './dto/plan.dto';
import { PlansService } from './plans.service';

@ApiTags('plans')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller()
export class PlansController {
  constructor(private readonly service: PlansService) {}

  @Post('plans')
  @ApiCreatedResponse({ type: PlanDto })
  createPlan(@Body() dto: CreatePlanDto): Promise<PlanDto> {
    return this.service.createPlan(dto);
  }

  @Get('plans/:planId')
  @ApiOkResponse({ type: PlanDto })
  getPlan(@Param('planId', ParseUUIDPipe) id: string): Promise<PlanDto> {
    return this.service.getPlan(id);
  }

  @Post('plans/:planId/commitments')
  @ApiCreatedResponse({ type: CommitmentDto })
  createCommitment(@Param('planId', ParseUUIDPipe) planId: string, @Body() dto: CreateCommitmentDto): Promise<CommitmentDto> {
    return this.service.createCommitment(planId, dto);
  }

  @Get('plans/:planId/commitments')
  @ApiOkResponse({ type: [CommitmentDto] })
  listCommitments(@Param('planId', ParseUUIDPipe) planId: string): Promise<CommitmentDto[]> {
    return this.service.listCommitments(planId);
  }

  @Post('commitments/:commitmentId/milestones')
  @ApiCreatedResponse({ type: CreatedMilestoneDto, description: "Created; the milestone's workflow is running" })
  createMilestone(@Param('commitmentId', ParseUUIDPipe) commitmentId: string, @Body() dto: CreateMilestoneDto): Promise<CreatedMilestoneDto> {
    return this.service.createMilestone(commitmentId, dto);
  }

  @Get('commitments/:commitmentId/milestones')
  @ApiOkResponse({ type: [MilestoneDto] })
  listMilestones(@Param('commitmentId', ParseUUIDPipe) commitmentId: string): Promise<MilestoneDto[]> {
    return this.service.listMilestones(commitmentId);
  }

  @Get('milestones/:milestoneId')
  @ApiOkResponse({ type: MilestoneDto })
  getMilestone(@Param('milestoneId', ParseUUIDPipe) id: string): Promise<MilestoneDto> {
    return this.service.getMilestone(id);
  }
}
