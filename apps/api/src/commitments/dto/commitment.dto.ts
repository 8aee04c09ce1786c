import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { AssessmentAssessor, CommitmentStatus, CompletionLevel, DidItOpenGovernment, OgpValue, OpenGovChallengeArea, PotentialForResults, SDG_GOALS } from '@app/domain';
import type { CommitmentAssessmentEntity, CommitmentEntity } from '@app/persistence';
import { MonitoringPolicyDto } from '../../plans/dto/plan.dto';
import { PageQueryDto } from '../../common/pagination';
import { IsNumberWithDecimals, IsOptionalNotNull } from '../../common/validators';

export class CreateCommitmentDto {
  @ApiProperty({ example: 'Dynamic and evaluable citizen-participation tools' })
  @IsString() @IsNotEmpty() @MaxLength(300)
  title!: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(5000)
  description?: string;

  @ApiProperty({ description: 'Agency that leads the commitment' })
  @IsUUID()
  leadAgencyId!: string;

  @ApiPropertyOptional({ type: [String], example: ['Colectivo Ciudadano para el Gobierno Abierto'] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(300, { each: true })
  supportingStakeholders?: string[];

  @ApiPropertyOptional({ enum: OgpValue, isArray: true })
  @IsOptional() @IsArray() @ArrayMaxSize(4) @IsIn(Object.values(OgpValue), { each: true })
  ogpValues?: OgpValue[];

  @ApiPropertyOptional({ enum: OpenGovChallengeArea })
  @IsOptional() @IsIn(Object.values(OpenGovChallengeArea))
  challengeArea?: OpenGovChallengeArea;

  @ApiPropertyOptional({ type: [Number], example: [11, 16], description: 'UN Sustainable Development Goals (1-17)' })
  @IsOptional() @IsArray() @ArrayMaxSize(SDG_GOALS) @IsInt({ each: true }) @Min(1, { each: true }) @Max(SDG_GOALS, { each: true })
  sdgTags?: number[];

  @ApiPropertyOptional({ example: 'C1', description: "The plan's own reference, unique in the plan" })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  externalId?: string;

  @ApiPropertyOptional({ type: MonitoringPolicyDto, description: "Fields of the plan's policy this commitment changes; applies to milestone workflows started from then on" })
  @IsOptional() @ValidateNested() @Type(() => MonitoringPolicyDto)
  policy?: MonitoringPolicyDto;
}

export class UpdateCommitmentDto {
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @IsNotEmpty() @MaxLength(300)
  title?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional() @IsOptionalNotNull() @IsUUID()
  leadAgencyId?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(300, { each: true })
  supportingStakeholders?: string[];

  @ApiPropertyOptional({ enum: OgpValue, isArray: true })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(4) @IsIn(Object.values(OgpValue), { each: true })
  ogpValues?: OgpValue[];

  @ApiPropertyOptional({ enum: OpenGovChallengeArea })
  @IsOptional() @IsIn(Object.values(OpenGovChallengeArea))
  challengeArea?: OpenGovChallengeArea;

  @ApiPropertyOptional({ type: [Number] })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(SDG_GOALS) @IsInt({ each: true }) @Min(1, { each: true }) @Max(SDG_GOALS, { each: true })
  sdgTags?: number[];

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  externalId?: string;

  @ApiPropertyOptional({ type: MonitoringPolicyDto, nullable: true, description: "Fields of the plan's policy this commitment changes; null removes the overrides" })
  @IsOptional() @ValidateNested() @Type(() => MonitoringPolicyDto)
  policy?: MonitoringPolicyDto | null;

  @ApiPropertyOptional({ enum: CommitmentStatus, description: 'At most 5 active commitments per plan' })
  @IsOptionalNotNull() @IsIn(Object.values(CommitmentStatus))
  status?: CommitmentStatus;
}

export class CommitmentDto {
  @ApiProperty() id!: string;
  @ApiProperty() planId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() leadAgencyId!: string;
  @ApiProperty({ type: [String] }) supportingStakeholders!: string[];
  @ApiProperty({ enum: OgpValue, isArray: true }) ogpValues!: string[];
  @ApiProperty({ enum: OpenGovChallengeArea, nullable: true }) challengeArea!: string | null;
  @ApiProperty({ type: [Number] }) sdgTags!: number[];
  @ApiProperty({ nullable: true, type: String }) externalId!: string | null;
  @ApiProperty({ enum: CommitmentStatus }) status!: string;
  @ApiProperty({ type: MonitoringPolicyDto, nullable: true, description: "Overrides of the plan's policy" }) policy!: Partial<MonitoringPolicyDto> | null;
  @ApiProperty() version!: number;
}

export function mapCommitment(c: CommitmentEntity): CommitmentDto {
  return {
    id: c.id,
    planId: c.planId,
    title: c.title,
    description: c.description,
    leadAgencyId: c.leadAgencyId,
    supportingStakeholders: c.supportingStakeholders,
    ogpValues: c.ogpValues,
    challengeArea: c.challengeArea,
    sdgTags: c.sdgTags,
    externalId: c.externalId,
    status: c.status,
    policy: c.policyOverrides,
    version: c.version,
  };
}

export class ListCommitmentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CommitmentStatus })
  @IsOptional() @IsIn(Object.values(CommitmentStatus))
  status?: CommitmentStatus;
}

export class CreateAssessmentDto {
  @ApiProperty({ enum: CompletionLevel })
  @IsIn(Object.values(CompletionLevel))
  completion!: CompletionLevel;

  @ApiPropertyOptional({ enum: PotentialForResults })
  @IsOptional() @IsIn(Object.values(PotentialForResults))
  potentialForResults?: PotentialForResults;

  @ApiPropertyOptional({ enum: DidItOpenGovernment })
  @IsOptional() @IsIn(Object.values(DidItOpenGovernment))
  didItOpenGovernment?: DidItOpenGovernment;

  @ApiProperty()
  @IsString() @IsNotEmpty() @MaxLength(10000)
  narrative!: string;

  @ApiPropertyOptional({
    enum: AssessmentAssessor,
    description: "Whose record this is. Follows from the token (coordinator: government, IMB: imb); the administrator must say which, since the two records are kept apart.",
  })
  @IsOptional() @IsIn(Object.values(AssessmentAssessor))
  assessor?: AssessmentAssessor;
}

export class AssessmentDto {
  @ApiProperty() id!: string;
  @ApiProperty() commitmentId!: string;
  @ApiProperty({ enum: AssessmentAssessor }) assessor!: string;
  @ApiProperty({ enum: CompletionLevel }) completion!: string;
  @ApiProperty({ enum: PotentialForResults, nullable: true }) potentialForResults!: string | null;
  @ApiProperty({ enum: DidItOpenGovernment, nullable: true }) didItOpenGovernment!: string | null;
  @ApiProperty() narrative!: string;
  @ApiProperty() actor!: string;
  @ApiProperty() assessedAt!: string;
}

export class CommitmentAssessmentsDto {
  @ApiProperty({ type: AssessmentDto, nullable: true, description: "The government's current self-assessment" }) government!: AssessmentDto | null;
  @ApiProperty({ type: AssessmentDto, nullable: true, description: "The IMB's current assessment" }) imb!: AssessmentDto | null;
  @ApiProperty({ type: [AssessmentDto], description: 'Every assessment, newest first' }) history!: AssessmentDto[];
}

export function mapAssessment(a: CommitmentAssessmentEntity): AssessmentDto {
  return {
    id: a.id,
    commitmentId: a.commitmentId,
    assessor: a.assessor,
    completion: a.completion,
    potentialForResults: a.potentialForResults,
    didItOpenGovernment: a.didItOpenGovernment,
    narrative: a.narrative,
    actor: a.actor,
    assessedAt: a.assessedAt.toISOString(),
  };
}

export class MilestoneWeightDto {
  @ApiProperty() @IsUUID()
  milestoneId!: string;

  @ApiProperty({ minimum: 0, maximum: 1 })
  @IsNumberWithDecimals(5) @Min(0) @Max(1)
  weight!: number;
}

export class SetMilestoneWeightsDto {
  @ApiProperty({ type: [MilestoneWeightDto], nullable: true, description: 'One weight per milestone of the commitment, summing to 1; null makes them all equal' })
  @ValidateIf((o: SetMilestoneWeightsDto) => o.weights !== null)
  @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => MilestoneWeightDto)
  weights!: MilestoneWeightDto[] | null;
}
