import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsDefined,
  IsObject,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { AssessmentAssessor, CommitmentStatus, CompletionLevel, DidItOpenGovernment, OgpValue, OpenGovChallengeArea, PlanStatus, PotentialForResults, SUPPORTED_LANGUAGES } from '@app/domain';
import { ContactDto } from '../common/contact.dto';
import { IsNumberWithDecimals } from '../common/validators';
import { ImbDto, MonitoringPolicyDto } from '../plans/dto/plan.dto';

/**
 * A whole plan as a portable JSON document: what export writes and import reads. Agencies are named,
 * not referenced by id, so a document moves between deployments and jurisdictions.
 */
export const PLAN_DOCUMENT_FORMAT = 'ogp-local-monitor/plan@1';

export class DocumentAgencyDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;

  @ApiProperty({ type: [ContactDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => ContactDto)
  contacts!: ContactDto[];

  @ApiProperty({ enum: SUPPORTED_LANGUAGES }) @IsIn(SUPPORTED_LANGUAGES)
  language!: string;
}

export class DocumentReplanningDto {
  @ApiProperty() @IsISO8601({ strict: true }) previousDueAt!: string;
  @ApiProperty() @IsISO8601({ strict: true }) newDueAt!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) actor!: string;
  @ApiProperty() @IsISO8601({ strict: true }) changedAt!: string;
}

export class DocumentMilestoneDto {
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  externalId!: string | null;

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300)
  title!: string;

  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(2000)
  expectedOutput!: string | null;

  @ApiProperty() @IsISO8601({ strict: true }) @MaxLength(40)
  startAt!: string;

  @ApiProperty() @IsISO8601({ strict: true }) @MaxLength(40)
  dueAt!: string;

  @ApiProperty({ description: 'The due date the plan was approved with' }) @IsISO8601({ strict: true }) @MaxLength(40)
  originalDueAt!: string;

  @ApiProperty({ description: 'Name of an agency in `agencies`' }) @IsString() @IsNotEmpty() @MaxLength(200)
  responsibleAgency!: string;

  @ApiPropertyOptional({ nullable: true, type: Number }) @IsOptional() @IsNumberWithDecimals(5) @Min(0) @Max(1)
  weight!: number | null;

  @ApiProperty() @IsBoolean()
  verifiable!: boolean;

  @ApiPropertyOptional({ enum: CompletionLevel, nullable: true }) @IsOptional() @IsIn(Object.values(CompletionLevel))
  completion!: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Set when the milestone was cancelled' }) @IsOptional() @IsString() @MaxLength(2000)
  cancelledReason!: string | null;

  @ApiProperty({ type: [DocumentReplanningDto] })
  @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => DocumentReplanningDto)
  replanning!: DocumentReplanningDto[];
}

export class DocumentCommitteeMemberDto {
  @ApiProperty({ enum: ['government_referent', 'dialogue_board_member'] }) @IsIn(['government_referent', 'dialogue_board_member'])
  kind!: 'government_referent' | 'dialogue_board_member';

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(200)
  organisation!: string | null;

  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsEmail() @MaxLength(254)
  email!: string | null;
}

export class DocumentAssessmentDto {
  @ApiProperty({ enum: AssessmentAssessor }) @IsIn(Object.values(AssessmentAssessor)) assessor!: string;
  @ApiProperty({ enum: CompletionLevel }) @IsIn(Object.values(CompletionLevel)) completion!: string;
  @ApiPropertyOptional({ enum: PotentialForResults, nullable: true }) @IsOptional() @IsIn(Object.values(PotentialForResults)) potentialForResults!: string | null;
  @ApiPropertyOptional({ enum: DidItOpenGovernment, nullable: true }) @IsOptional() @IsIn(Object.values(DidItOpenGovernment)) didItOpenGovernment!: string | null;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(10000) narrative!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) actor!: string;
  @ApiProperty() @IsISO8601({ strict: true }) assessedAt!: string;
}

export class DocumentCommitmentDto {
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  externalId!: string | null;

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300)
  title!: string;

  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(5000)
  description!: string | null;

  @ApiProperty({ description: 'Name of an agency in `agencies`' }) @IsString() @IsNotEmpty() @MaxLength(200)
  leadAgency!: string;

  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(300, { each: true })
  supportingStakeholders!: string[];

  @ApiProperty({ enum: OgpValue, isArray: true }) @IsArray() @ArrayMaxSize(4) @IsIn(Object.values(OgpValue), { each: true })
  ogpValues!: string[];

  @ApiPropertyOptional({ enum: OpenGovChallengeArea, nullable: true }) @IsOptional() @IsIn(Object.values(OpenGovChallengeArea))
  challengeArea!: string | null;

  @ApiProperty({ type: [Number] }) @IsArray() @ArrayMaxSize(17) @IsNumber({}, { each: true }) @Min(1, { each: true }) @Max(17, { each: true })
  sdgTags!: number[];

  @ApiProperty({ enum: CommitmentStatus }) @IsIn(Object.values(CommitmentStatus))
  status!: string;

  @ApiPropertyOptional({ type: MonitoringPolicyDto, nullable: true, description: "Fields of the plan's policy this commitment changes" })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => MonitoringPolicyDto)
  policy!: MonitoringPolicyDto | null;

  @ApiProperty({ type: [DocumentCommitteeMemberDto] })
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => DocumentCommitteeMemberDto)
  committee!: DocumentCommitteeMemberDto[];

  @ApiProperty({ type: [DocumentAssessmentDto] })
  @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => DocumentAssessmentDto)
  assessments!: DocumentAssessmentDto[];

  @ApiProperty({ type: [DocumentMilestoneDto] })
  @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => DocumentMilestoneDto)
  milestones!: DocumentMilestoneDto[];
}

export class DocumentPlanDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300) title!: string;
  @ApiProperty() @IsISO8601({ strict: true }) @MaxLength(10) periodStart!: string;
  @ApiProperty() @IsISO8601({ strict: true }) @MaxLength(10) periodEnd!: string;
  @ApiProperty() @IsISO8601({ strict: true }) @MaxLength(10) termEnd!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(5000) strategicVision!: string | null;
  @ApiProperty({ enum: PlanStatus }) @IsIn(Object.values(PlanStatus)) status!: string;
  @ApiProperty({ type: MonitoringPolicyDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => MonitoringPolicyDto) policy!: MonitoringPolicyDto;
  @ApiPropertyOptional({ type: ImbDto, nullable: true }) @IsOptional() @ValidateNested() @Type(() => ImbDto) imb!: ImbDto | null;
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(200) @IsString({ each: true }) @MaxLength(300, { each: true }) endorsingStakeholders!: string[];
}

export class PlanDocumentDto {
  @ApiProperty({ example: PLAN_DOCUMENT_FORMAT }) @Equals(PLAN_DOCUMENT_FORMAT)
  format!: string;

  @ApiProperty({ type: DocumentPlanDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => DocumentPlanDto)
  plan!: DocumentPlanDto;

  @ApiProperty({ type: [DocumentAgencyDto] })
  @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => DocumentAgencyDto)
  agencies!: DocumentAgencyDto[];

  @ApiProperty({ type: [DocumentCommitmentDto] })
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => DocumentCommitmentDto)
  commitments!: DocumentCommitmentDto[];
}

export class ImportReportDto {
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ description: 'False when there are errors; nothing was written then' }) valid!: boolean;
  @ApiProperty({ type: [Object], description: 'Each problem, naming its place in the document or file' }) errors!: { field: string; message: string; line?: number }[];
  @ApiPropertyOptional({ nullable: true, type: String }) planId?: string | null;
  @ApiProperty({ type: Object }) summary!: Record<string, number>;
}
