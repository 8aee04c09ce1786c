import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { CompletionLevel } from '@app/domain';
import { EscalationStatus } from '@app/persistence';
import type { EscalationEntity } from '@app/persistence';
import { PageQueryDto } from '../common/pagination';

export class ReviewEvidenceDto {
  @ApiProperty({ enum: ['accept', 'return'] })
  @IsIn(['accept', 'return'])
  decision!: 'accept' | 'return';

  @ApiPropertyOptional({ enum: CompletionLevel, description: 'Required to accept' })
  @ValidateIf((o: ReviewEvidenceDto) => o.decision === 'accept' || o.completion !== undefined)
  @IsIn(Object.values(CompletionLevel))
  completion?: CompletionLevel;

  @ApiPropertyOptional({ description: 'Required to return: what the agency must change (it is emailed to them)' })
  @ValidateIf((o: ReviewEvidenceDto) => o.decision === 'return' || o.comments !== undefined)
  @IsString() @IsNotEmpty() @MaxLength(5000)
  comments?: string;
}

export class ReviewResultDto {
  @ApiProperty() evidenceId!: string;
  @ApiProperty() milestoneId!: string;
  @ApiProperty({ example: 'completed' }) milestoneStatus!: string;
}

export class EscalationTextDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(5000)
  text!: string;
}

export class ResolveEscalationDto extends EscalationTextDto {
  @ApiPropertyOptional({
    default: false,
    description:
      'Resolving the escalation of a milestone still waiting for evidence closes the milestone without evidence (completion "no evidence available"). Send true to resolve the escalation and keep waiting for the evidence (for example after a replanning).',
  })
  @IsOptional() @IsBoolean()
  keepMilestoneOpen?: boolean;
}

export class ListEscalationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: EscalationStatus })
  @IsOptional() @IsIn(Object.values(EscalationStatus))
  status?: EscalationStatus;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  planId?: string;
}

export class EscalationDto {
  @ApiProperty() id!: string;
  @ApiProperty() milestoneId!: string;
  @ApiProperty() cycle!: number;
  @ApiProperty() level!: number;
  @ApiProperty({ enum: ['overdue', 'returned_again'] }) reason!: string;
  @ApiProperty({ enum: EscalationStatus }) status!: string;
  @ApiProperty({ nullable: true, type: String }) recommendation!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolution!: string | null;
  @ApiProperty() raisedAt!: string;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty() version!: number;
}

export class EscalationActionResultDto extends EscalationDto {
  @ApiProperty({ example: 'closed_without_evidence', description: "The milestone's status as its workflow answered the action" })
  milestoneStatus!: string;
}

export function mapEscalation(e: EscalationEntity): EscalationDto {
  return {
    id: e.id,
    milestoneId: e.milestoneId,
    cycle: e.cycle,
    level: e.level,
    reason: e.reason,
    status: e.status,
    recommendation: e.recommendation,
    resolution: e.resolution,
    raisedAt: e.raisedAt.toISOString(),
    acknowledgedAt: e.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: e.resolvedAt?.toISOString() ?? null,
    version: e.version,
  };
}
