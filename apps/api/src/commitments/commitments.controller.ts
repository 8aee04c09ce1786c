import { Body, Controller, Get, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { ApiIfMatch, IfMatch } from '../common/etag';
import { Page, pageSchema } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import { CommitmentsService } from './commitments.service';
import {
  AssessmentDto,
  CommitmentAssessmentsDto,
  CommitmentDto,
  CreateAssessmentDto,
  CreateCommitmentDto,
  ListCommitmentsQueryDto,
  SetMilestoneWeightsDto,
  UpdateCommitmentDto,
} from './dto/commitment.dto';
import { CommitmentStateDto, MilestoneDto } from '../milestones/dto/milestone.dto';

@ApiTags('commitments')
@ApiProblemResponses()
@Controller()
export class CommitmentsController {
  constructor(private readonly service: CommitmentsService) {}

  @Post('plans/:planId/commitments')
  @Roles(Role.Coordinator)
  @ApiOperation({ summary: 'Add a commitment (OGP Local: at most 5 active at a time)' })
  @ApiCreatedResponse({ type: CommitmentDto })
  create(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Body() dto: CreateCommitmentDto): Promise<CommitmentDto> {
    return this.service.create(actor, planId, dto);
  }

  @Get('plans/:planId/commitments')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOkResponse({ type: pageSchema(CommitmentDto, 'CommitmentPage') })
  list(@CurrentActor() actor: Actor, @UuidParam('planId') planId: string, @Query() query: ListCommitmentsQueryDto): Promise<Page<CommitmentDto>> {
    return this.service.list(actor, planId, query);
  }

  @Get('commitments/:commitmentId')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOkResponse({ type: CommitmentDto })
  get(@CurrentActor() actor: Actor, @UuidParam('commitmentId') id: string): Promise<CommitmentDto> {
    return this.service.get(actor, id);
  }

  @Get('commitments/:commitmentId/workflow')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: "The commitment workflow's state: the milestones it follows, their outcomes, messages not yet carried, history (from Temporal)" })
  @ApiOkResponse({ type: CommitmentStateDto })
  workflowState(@CurrentActor() actor: Actor, @UuidParam('commitmentId') id: string): Promise<CommitmentStateDto> {
    return this.service.workflowState(actor, id);
  }

  @Patch('commitments/:commitmentId')
  @Roles(Role.Coordinator)
  @ApiIfMatch()
  @ApiOkResponse({ type: CommitmentDto })
  update(@CurrentActor() actor: Actor, @UuidParam('commitmentId') id: string, @IfMatch() version: number, @Body() dto: UpdateCommitmentDto): Promise<CommitmentDto> {
    return this.service.update(actor, id, version, dto);
  }

  @Put('commitments/:commitmentId/milestone-weights')
  @Roles(Role.Coordinator)
  @ApiOperation({ summary: "Set all milestones' weights at once (sum 1), or clear them (equal shares); If-Match is the commitment's ETag, which the change moves on" })
  @ApiIfMatch()
  @ApiOkResponse({ type: [MilestoneDto] })
  setWeights(@CurrentActor() actor: Actor, @UuidParam('commitmentId') id: string, @IfMatch() version: number, @Body() dto: SetMilestoneWeightsDto): Promise<MilestoneDto[]> {
    return this.service.setWeights(actor, id, version, dto);
  }

  @Post('commitments/:commitmentId/assessments')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: "Record the government's self-assessment (coordinator) or the IMB's assessment (IMB)" })
  @ApiCreatedResponse({ type: AssessmentDto })
  addAssessment(@CurrentActor() actor: Actor, @UuidParam('commitmentId') id: string, @Body() dto: CreateAssessmentDto): Promise<AssessmentDto> {
    return this.service.addAssessment(actor, id, dto);
  }

  @Get('commitments/:commitmentId/assessments')
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOkResponse({ type: CommitmentAssessmentsDto })
  listAssessments(@CurrentActor() actor: Actor, @UuidParam('commitmentId') id: string): Promise<CommitmentAssessmentsDto> {
    return this.service.listAssessments(actor, id);
  }
}
