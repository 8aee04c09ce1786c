import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CompletionLevel, MilestoneStatus } from '@app/domain';
import type { MilestoneEntity, MilestoneReplanningEntity } from '@app/persistence';
import { milestoneWorkflowId } from '@app/workflows';
import { PageQueryDto } from '../../common/pagination';
import { IsOptionalNotNull } from '../../common/validators';

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

  @ApiProperty({ example: '2027-03-31T23:59:00Z', description: 'ISO 8601 date or date-time. Changes later only by replanning.' })
  @IsISO8601({ strict: true }) @MaxLength(40)
  dueAt!: string;

  @ApiProperty({ description: 'Agency asked for the evidence' })
  @IsUUID()
  responsibleAgencyId!: string;

  @ApiPropertyOptional({ default: true, description: 'OGP: a milestone that cannot be verified cannot be assessed' })
  @IsOptional() @IsBoolean()
  verifiable?: boolean;

  @ApiPropertyOptional({ example: 'C1.2', description: "The plan's own reference, unique in the commitment" })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  externalId?: string;
}

/** Everything but the due date (replanning) and the status (the workflow's). */
export class UpdateMilestoneDto {
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @IsNotEmpty() @MaxLength(300)
  title?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000)
  expectedOutput?: string;

  @ApiPropertyOptional() @IsOptionalNotNull() @IsUUID()
  responsibleAgencyId?: string;

  @ApiPropertyOptional() @IsOptionalNotNull() @IsBoolean()
  verifiable?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  externalId?: string;
}

export class ReplanMilestoneDto {
  @ApiProperty({ example: '2027-06-30T23:59:00Z', description: 'The new due date, inside the plan period' })
  @IsISO8601({ strict: true }) @MaxLength(40)
  dueAt!: string;

  @ApiProperty({ example: 'The procurement for the platform was delayed by three months', description: 'Public: kept in the replanning history' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  reason!: string;
}

export class CancelMilestoneDto {
  @ApiProperty({ example: 'Merged into milestone C1.3 by the Dialogue Board' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  reason!: string;
}

export class ListMilestonesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MilestoneStatus })
  @IsOptional() @IsIn(Object.values(MilestoneStatus))
  status?: MilestoneStatus;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  agencyId?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  commitmentId?: string;

  @ApiPropertyOptional({ description: 'Due strictly before this instant' })
  @IsOptional() @IsISO8601({ strict: true }) @MaxLength(40)
  dueBefore?: string;

  @ApiPropertyOptional({ description: 'Due at or after this instant' })
  @IsOptional() @IsISO8601({ strict: true }) @MaxLength(40)
  dueAfter?: string;
}

export class MilestoneDto {
  @ApiProperty() id!: string;
  @ApiProperty() commitmentId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) expectedOutput!: string | null;
  @ApiProperty() startAt!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ description: 'The due date the plan was approved with' }) originalDueAt!: string;
  @ApiProperty() responsibleAgencyId!: string;
  @ApiProperty({ enum: MilestoneStatus }) status!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Share of the commitment (0..1); null = equal shares' }) weight!: number | null;
  @ApiProperty() verifiable!: boolean;
  @ApiProperty({ nullable: true, type: String }) externalId!: string | null;
  @ApiProperty({ enum: CompletionLevel, nullable: true, description: 'Accepted completion; null while no evidence was accepted' }) completion!: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelledReason!: string | null;
  @ApiProperty() workflowId!: string;
  @ApiProperty() version!: number;
}

export function mapMilestone(m: MilestoneEntity): MilestoneDto {
  return {
    id: m.id,
    commitmentId: m.commitmentId,
    title: m.title,
    expectedOutput: m.expectedOutput,
    startAt: m.startAt.toISOString(),
    dueAt: m.dueAt.toISOString(),
    originalDueAt: m.originalDueAt.toISOString(),
    responsibleAgencyId: m.responsibleAgencyId,
    status: m.status,
    weight: m.weight,
    verifiable: m.verifiable,
    externalId: m.externalId,
    completion: m.completion,
    cancelledReason: m.cancelledReason,
    workflowId: milestoneWorkflowId(m.id),
    version: m.version,
  };
}

export class WorkflowEffectDto {
  @ApiProperty({ example: 'milestone-0b6f…' }) workflowId!: string;
  @ApiProperty({ example: 'commitment-4c1d…', description: "The commitment's workflow, which carries the change to the milestone's workflow" })
  commitmentWorkflowId!: string;
  @ApiProperty({
    enum: ['following', 'signalled', 'none'],
    description:
      "following: the commitment's workflow was told (durably) to follow the milestone and starts its workflow; signalled: the replanning or cancellation was handed to it; none: the plan is not active",
  })
  effect!: 'following' | 'signalled' | 'none';
  @ApiPropertyOptional() detail?: string;
}

export class MilestoneWriteResultDto extends MilestoneDto {
  @ApiProperty({ type: WorkflowEffectDto }) workflow!: WorkflowEffectDto;
  @ApiProperty({ type: [Object], description: 'Accepted, but worth a look' }) warnings!: { field: string; message: string }[];
}

export class ReplanningDto {
  @ApiProperty() id!: string;
  @ApiProperty() milestoneId!: string;
  @ApiProperty() previousDueAt!: string;
  @ApiProperty() newDueAt!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() actor!: string;
  @ApiProperty() changedAt!: string;
}

export function mapReplanning(r: MilestoneReplanningEntity): ReplanningDto {
  return { id: r.id, milestoneId: r.milestoneId, previousDueAt: r.previousDueAt.toISOString(), newDueAt: r.newDueAt.toISOString(), reason: r.reason, actor: r.actor, changedAt: r.changedAt.toISOString() };
}

export class PlanWorkflowsQueryDto {
  @ApiPropertyOptional({ enum: MilestoneStatus, description: "Milestone workflows whose milestone has this status" })
  @IsOptional() @IsIn(Object.values(MilestoneStatus))
  status?: MilestoneStatus;

  @ApiPropertyOptional({ enum: ['commitment', 'milestone'] })
  @IsOptional() @IsIn(['commitment', 'milestone'])
  type?: 'commitment' | 'milestone';
}

export class WorkflowSyncResultDto {
  @ApiProperty() planId!: string;
  @ApiProperty({ description: 'Milestones still followed (not started, open, evidence requested, overdue) handed to their commitment workflows' })
  milestonesHandedOver!: number;
}

export class PlanWorkflowDto {
  @ApiProperty({ example: 'commitment-0b6f…' }) workflowId!: string;
  @ApiProperty({ enum: ['commitment', 'milestone'] }) type!: 'commitment' | 'milestone';
  @ApiProperty({ example: 'RUNNING', description: "Temporal's execution status" }) status!: string;
  @ApiProperty({ nullable: true, type: String }) commitmentId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Milestone workflows: the milestone status' }) milestoneStatus!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Commitment workflows: active or closed' }) commitmentStatus!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "A milestone's due date; a commitment's earliest open due date" }) dueAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The milestone's responsible agency; the commitment's lead agency" }) agencyId!: string | null;
}

export class WorkflowTimerDto {
  @ApiProperty({ example: 'reminder' }) purpose!: string;
  @ApiProperty() at!: string;
}

export class WorkflowHistoryEntryDto {
  @ApiProperty() at!: string;
  @ApiProperty({ example: 'evidence_requested' }) event!: string;
  @ApiPropertyOptional({ type: Object }) detail?: Record<string, string | number>;
}

export class WorkflowEscalationDto {
  @ApiProperty() id!: string;
  @ApiProperty() level!: number;
  @ApiProperty({ enum: ['open', 'acknowledged', 'resolved'] }) status!: string;
  @ApiProperty() raisedAt!: string;
}

/** The milestone workflow's own view (query `getMilestoneState`). */
export class MilestoneStateDto {
  @ApiProperty() milestoneId!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ enum: MilestoneStatus }) status!: string;
  @ApiProperty({ description: 'Evidence request cycle (1 = first request)' }) cycle!: number;
  @ApiProperty({ nullable: true, type: String }) openEvidenceRequestId!: string | null;
  @ApiProperty() remindersSent!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) evidenceUnderReview?: string | null;
  @ApiPropertyOptional() cycleDueAt?: string;
  @ApiPropertyOptional({ type: WorkflowEscalationDto, nullable: true }) escalation?: WorkflowEscalationDto | null;
  @ApiProperty({ type: WorkflowTimerDto, nullable: true }) nextTimer!: WorkflowTimerDto | null;
  @ApiProperty({ type: [WorkflowHistoryEntryDto] }) history!: WorkflowHistoryEntryDto[];
  @ApiProperty({ type: [String] }) appliedReplannings!: string[];
}

export class FollowedMilestoneDto {
  @ApiProperty() milestoneId!: string;
  @ApiProperty({ example: 'milestone-0b6f…' }) workflowId!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ enum: ['running', 'closed'] }) state!: string;
  @ApiProperty({ enum: MilestoneStatus, nullable: true, description: "The milestone's status when its workflow ended" }) outcome!: string | null;
  @ApiProperty({ description: 'Started before commitment workflows existed, and attached' }) adopted!: boolean;
}

/** The commitment workflow's own view (query `getCommitmentState`). */
export class CommitmentStateDto {
  @ApiProperty() commitmentId!: string;
  @ApiProperty({ enum: ['active', 'closed'] }) status!: string;
  @ApiProperty({ type: [FollowedMilestoneDto] }) milestones!: FollowedMilestoneDto[];
  @ApiProperty({ description: 'Messages received and not yet carried to their milestone workflow' }) pending!: number;
  @ApiProperty({ type: [WorkflowHistoryEntryDto] }) history!: WorkflowHistoryEntryDto[];
}
