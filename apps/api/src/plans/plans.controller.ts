import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
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
  getPlan(@UuidParam('planId') id: string): Promise<PlanDto> {
    return this.service.getPlan(id);
  }

  @Post('plans/:planId/commitments')
  @ApiCreatedResponse({ type: CommitmentDto })
  createCommitment(@UuidParam('planId') planId: string, @Body() dto: CreateCommitmentDto): Promise<CommitmentDto> {
    return this.service.createCommitment(planId, dto);
  }

  @Get('plans/:planId/commitments')
  @ApiOkResponse({ type: [CommitmentDto] })
  listCommitments(@UuidParam('planId') planId: string): Promise<CommitmentDto[]> {
    return this.service.listCommitments(planId);
  }

  @Post('commitments/:commitmentId/milestones')
  @ApiCreatedResponse({ type: CreatedMilestoneDto, description: "Created; the milestone's workflow is running" })
  createMilestone(@UuidParam('commitmentId') commitmentId: string, @Body() dto: CreateMilestoneDto): Promise<CreatedMilestoneDto> {
    return this.service.createMilestone(commitmentId, dto);
  }

  @Get('commitments/:commitmentId/milestones')
  @ApiOkResponse({ type: [MilestoneDto] })
  listMilestones(@UuidParam('commitmentId') commitmentId: string): Promise<MilestoneDto[]> {
    return this.service.listMilestones(commitmentId);
  }

  @Get('milestones/:milestoneId')
  @ApiOkResponse({ type: MilestoneDto })
  getMilestone(@UuidParam('milestoneId') id: string): Promise<MilestoneDto> {
    return this.service.getMilestone(id);
  }
}
