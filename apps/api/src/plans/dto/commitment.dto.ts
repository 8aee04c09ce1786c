import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { OgpValue } from '@app/domain';
import type { CommitmentEntity, MilestoneEntity } from '@app/persistence';
import { milestoneWorkflowId } from '@app/workflows';

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

  @ApiPropertyOptional({ enum: OgpValue, isArray: true })
  @IsOptional() @IsArray() @ArrayMaxSize(4) @IsIn(Object.values(OgpValue), { each: true })
  ogpValues?: OgpValue[];
}

export class CommitmentDto {
  @ApiProperty() id!: string;
  @ApiProperty() planId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() leadAgencyId!: string;
  @ApiProperty({ enum: OgpValue, isArray: true }) ogpValues!: string[];
}

export function mapCommitment(c: CommitmentEntity): CommitmentDto {
  return { id: c.id, planId: c.planId, title: c.title, description: c.description, leadAgencyId: c.leadAgencyId, ogpValues: c.ogpValues };
}

export class CreateMilestoneDto {
  @ApiProperty({ example: 'Participation tools evaluation report published' })
  @IsString() @IsNotEmpty() @MaxLength(300)
  title!: string;

  @ApiPropertyOptional({ example: 'Public report with the evaluation of three participation tools' })
  @IsOptional() @IsString() @MaxLength(2000)
  expectedOutput?: string;

  @ApiProperty({ example: '2026-12-01T00:00:00Z', description: 'ISO 8601 date or date-time; a date means its first moment (UTC)' })
  @IsISO8601({ strict: true }) @MaxLength(40)
  startAt!: string;

  @ApiProperty({ example: '2027-03-31T23:59:00Z', description: 'ISO 8601 date or date-time' })
  @IsISO8601({ strict: true }) @MaxLength(40)
  dueAt!: string;

  @ApiProperty({ description: 'Agency asked for the evidence' })
  @IsUUID()
  responsibleAgencyId!: string;
}

export class MilestoneDto {
  @ApiProperty() id!: string;
  @ApiProperty() commitmentId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) expectedOutput!: string | null;
  @ApiProperty() startAt!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty() responsibleAgencyId!: string;
  @ApiProperty({ description: 'not_started, open, evidence_requested, overdue, under_review, completed, cancelled' }) status!: string;
  @ApiProperty() workflowId!: string;
}

export function mapMilestone(m: MilestoneEntity): MilestoneDto {
  return {
    id: m.id,
    commitmentId: m.commitmentId,
    title: m.title,
    expectedOutput: m.expectedOutput,
    startAt: m.startAt.toISOString(),
    dueAt: m.dueAt.toISOString(),
    responsibleAgencyId: m.responsibleAgencyId,
    status: m.status,
    workflowId: milestoneWorkflowId(m.id),
  };
}

export class WorkflowStartDto {
  @ApiProperty({ example: 'milestone-0b6f…' }) workflowId!: string;
  @ApiProperty({ description: 'False when the workflow was already running (a retried request)' }) started!: boolean;
}

export class CreatedMilestoneDto {
  @ApiProperty({ type: MilestoneDto }) milestone!: MilestoneDto;
  @ApiProperty({ type: WorkflowStartDto }) workflow!: WorkflowStartDto;
}
