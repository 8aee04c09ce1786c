import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
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
}

export class ImbDto {
  @ApiProperty({ example: 'PoliLab UNR' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;

  @ApiProperty({ type: [String], example: ['polilab@unr.example'], description: 'Receive escalations' })
  @IsArray() @ArrayMaxSize(20) @IsEmail({}, { each: true })
  contactEmails!: string[];
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

  @ApiProperty({ example: '2023-10-10', description: 'Last day of the plan (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }) @MaxLength(10)
  periodEnd!: string;

  @ApiProperty({ example: '2023-12-10', description: "End of the government's term (YYYY-MM-DD)" })
  @IsISO8601({ strict: true }) @MaxLength(10)
  termEnd!: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(5000)
  strategicVision?: string;

  @ApiPropertyOptional({ enum: PlanStatus, default: PlanStatus.Active })
  @IsOptional() @IsIn([PlanStatus.Draft, PlanStatus.Active])
  status?: PlanStatus;

  @ApiPropertyOptional({ type: MonitoringPolicyDto })
  @IsOptional() @ValidateNested() @Type(() => MonitoringPolicyDto)
  policy?: MonitoringPolicyDto;

  @ApiPropertyOptional({ type: ImbDto, description: 'The Independent Monitoring Body' })
  @IsOptional() @ValidateNested() @Type(() => ImbDto)
  imb?: ImbDto;
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
  @ApiProperty({ type: [String] }) imbContactEmails!: string[];
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
    imbContactEmails: p.imbContactEmails,
  };
}
