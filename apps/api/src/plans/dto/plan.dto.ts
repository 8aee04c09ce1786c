import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MonitoringPolicy, PlanStatus } from '@app/domain';
import type { ActionPlanEntity } from '@app/persistence';
import { ContactDto } from '../../common/contact.dto';
import { PageQueryDto } from '../../common/pagination';
import { IsOptionalNotNull } from '../../common/validators';

const MAX_SECONDS = 10 * 365 * 24 * 3600;

/** Any field left out takes its default (see DEFAULT_MONITORING_POLICY). */
export class MonitoringPolicyDto implements Partial<MonitoringPolicy> {
  @ApiPropertyOptional({ description: 'Seconds before the due date the evidence request is sent', example: 1209600 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_SECONDS)
  evidenceRequestLeadSeconds?: number;

  @ApiPropertyOptional({ description: 'Seconds between reminders', example: 604800 })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_SECONDS)
  reminderIntervalSeconds?: number;

  @ApiPropertyOptional({ description: 'Reminders per request at most', example: 3 })
  @IsOptional() @IsInt() @Min(0) @Max(50)
  maxReminders?: number;

  @ApiPropertyOptional({ description: 'Seconds an overdue milestone waits before escalation to the IMB', example: 604800 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_SECONDS)
  escalationGraceSeconds?: number;

  @ApiPropertyOptional({ description: 'Seconds before an open escalation goes to the second level', example: 2592000 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_SECONDS)
  secondLevelEscalationSeconds?: number;

  @ApiPropertyOptional({ description: 'Seconds an upload link stays valid after the due date', example: 5184000 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_SECONDS)
  uploadLinkValidityAfterDueSeconds?: number;

  @ApiPropertyOptional({ description: 'Seconds the agency has to resubmit after the committee returned its evidence', example: 1209600 })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_SECONDS)
  resubmissionSeconds?: number;
}

export class ImbDto {
  @ApiProperty({ example: 'PoliLab UNR' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;

  @ApiProperty({ type: [ContactDto], description: 'Receive escalations' })
  @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ContactDto)
  contacts!: ContactDto[];
}

export class CreatePlanDto {
  @ApiProperty()
  @IsUUID()
  jurisdictionId!: string;

  @ApiProperty({ example: 'Rosario OGP Local Action Plan 2021-2023' })
  @IsString() @IsNotEmpty() @MaxLength(300)
  title!: string;

  @ApiProperty({ example: '2021-09-01', description: 'First day of the plan (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }) @MaxLength(10)
  periodStart!: string;

  @ApiProperty({ example: '2023-10-10', description: 'Last day of the plan (YYYY-MM-DD); OGP Local asks for two months before the term ends' })
  @IsISO8601({ strict: true }) @MaxLength(10)
  periodEnd!: string;

  @ApiProperty({ example: '2023-12-10', description: "End of the government's term (YYYY-MM-DD)" })
  @IsISO8601({ strict: true }) @MaxLength(10)
  termEnd!: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(5000)
  strategicVision?: string;

  @ApiPropertyOptional({ enum: [PlanStatus.Draft, PlanStatus.Active], default: PlanStatus.Draft, description: 'Milestone workflows run only while the plan is active' })
  @IsOptional() @IsIn([PlanStatus.Draft, PlanStatus.Active])
  status?: PlanStatus;

  @ApiPropertyOptional({ type: MonitoringPolicyDto })
  @IsOptional() @ValidateNested() @Type(() => MonitoringPolicyDto)
  policy?: MonitoringPolicyDto;

  @ApiPropertyOptional({ type: ImbDto, description: 'The Independent Monitoring Body' })
  @IsOptional() @ValidateNested() @Type(() => ImbDto)
  imb?: ImbDto;

  @ApiPropertyOptional({ type: [String], description: 'Non-governmental stakeholders endorsing the plan' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @IsString({ each: true }) @MaxLength(300, { each: true })
  endorsingStakeholders?: string[];
}

export class UpdatePlanDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsString() @IsNotEmpty() @MaxLength(300)
  title?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsISO8601({ strict: true }) @MaxLength(10)
  periodStart?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsISO8601({ strict: true }) @MaxLength(10)
  periodEnd?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsISO8601({ strict: true }) @MaxLength(10)
  termEnd?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(5000)
  strategicVision?: string;

  @ApiPropertyOptional({ enum: PlanStatus, description: 'draft → active starts every milestone workflow; active → closed ends them and makes the plan read-only' })
  @IsOptionalNotNull() @IsIn(Object.values(PlanStatus))
  status?: PlanStatus;

  @ApiPropertyOptional({ type: MonitoringPolicyDto, description: 'Applies to milestone workflows started from now on' })
  @IsOptionalNotNull() @ValidateNested() @Type(() => MonitoringPolicyDto)
  policy?: MonitoringPolicyDto;

  @ApiPropertyOptional({ type: ImbDto })
  @IsOptionalNotNull() @ValidateNested() @Type(() => ImbDto)
  imb?: ImbDto;

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(200) @IsString({ each: true }) @MaxLength(300, { each: true })
  endorsingStakeholders?: string[];
}

export class ListPlansQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  jurisdictionId?: string;

  @ApiPropertyOptional({ enum: PlanStatus })
  @IsOptional() @IsIn(Object.values(PlanStatus))
  status?: PlanStatus;
}

export class FieldWarningDto {
  @ApiProperty() field!: string;
  @ApiProperty() message!: string;
}

export class PlanDto {
  @ApiProperty() id!: string;
  @ApiProperty() jurisdictionId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() periodStart!: string;
  @ApiProperty() periodEnd!: string;
  @ApiProperty() termEnd!: string;
  @ApiProperty({ nullable: true, type: String }) strategicVision!: string | null;
  @ApiProperty({ enum: PlanStatus }) status!: string;
  @ApiProperty({ type: MonitoringPolicyDto }) policy!: MonitoringPolicy;
  @ApiProperty({ nullable: true, type: String }) imbName!: string | null;
  @ApiProperty({ type: [ContactDto] }) imbContacts!: ContactDto[];
  @ApiProperty({ type: [String] }) endorsingStakeholders!: string[];
  @ApiProperty({ description: 'Row version; also sent as the ETag header' }) version!: number;
}

export class PlanWriteResultDto extends PlanDto {
  @ApiProperty({ type: [FieldWarningDto], description: 'Accepted, but worth a second look (e.g. ends later than two months before the term)' })
  warnings!: FieldWarningDto[];
  @ApiProperty({ description: 'Milestone workflows started (activation) or ended (closing) by this change' })
  workflowsChanged!: number;
}

export function mapPlan(p: ActionPlanEntity): PlanDto {
  return {
    id: p.id,
    jurisdictionId: p.jurisdictionId,
    title: p.title,
    periodStart: p.periodStart,
    periodEnd: p.periodEnd,
    termEnd: p.termEnd,
    strategicVision: p.strategicVision,
    status: p.status,
    policy: p.policy,
    imbName: p.imbName,
    imbContacts: p.imbContacts,
    endorsingStakeholders: p.endorsingStakeholders,
    version: p.version,
  };
}
