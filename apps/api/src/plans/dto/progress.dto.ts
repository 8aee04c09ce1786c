import { ApiProperty } from '@nestjs/swagger';
import { CompletionLevel } from '@app/domain';

export class MilestoneProgressDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Share of the commitment (0..1) after renormalising over non-cancelled milestones' }) share!: number | null;
  @ApiProperty({ enum: CompletionLevel, nullable: true, description: 'null: no evidence accepted yet (not the same as 0%)' }) completion!: string | null;
}

export class CommitmentProgressDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ nullable: true, type: Number, description: '0..1; null when no milestone has evidence' }) progress!: number | null;
  @ApiProperty({ enum: CompletionLevel }) completion!: string;
  @ApiProperty({ description: 'Share of the commitment the figure rests on (milestones with accepted evidence)' }) assessedShare!: number;
  @ApiProperty() milestonesWithoutEvidence!: number;
  @ApiProperty({ type: [MilestoneProgressDto] }) milestones!: MilestoneProgressDto[];
}

export class PlanProgressDto {
  @ApiProperty() planId!: string;
  @ApiProperty({ nullable: true, type: Number }) progress!: number | null;
  @ApiProperty({ enum: CompletionLevel }) completion!: string;
  @ApiProperty() commitmentsWithoutEvidence!: number;
  @ApiProperty({ type: [CommitmentProgressDto] }) commitments!: CommitmentProgressDto[];
}
