import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { CompletionLevel } from '@app/domain';

export class SubmitEvidenceDto {
  @ApiProperty({ example: 'The evaluation report was presented to the Dialogue Board and published on the open data portal.' })
  @IsString() @IsNotEmpty() @MaxLength(10000)
  narrative!: string;

  @ApiPropertyOptional({ type: [String], example: ['https://datos.rosario.example/report.pdf'] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { each: true }) @MaxLength(2000, { each: true })
  links?: string[];

  @ApiProperty({ enum: CompletionLevel, description: "The agency's own reading of the milestone's completion" })
  @IsIn(Object.values(CompletionLevel))
  claimedCompletion!: CompletionLevel;

  @ApiPropertyOptional({ default: false, description: 'Whether the public may read this evidence' })
  @IsOptional() @IsBoolean()
  isPublic?: boolean;
}

export class EvidenceRequestViewDto {
  @ApiProperty() evidenceRequestId!: string;
  @ApiProperty({ enum: ['open', 'fulfilled', 'closed'] }) status!: string;
  @ApiProperty() milestoneTitle!: string;
  @ApiProperty({ nullable: true, type: String }) expectedOutput!: string | null;
  @ApiProperty() agencyName!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty() linkExpiresAt!: string;
}

export class EvidenceReceiptDto {
  @ApiProperty() evidenceId!: string;
  @ApiProperty() milestoneId!: string;
  @ApiProperty({ example: 'under_review' }) milestoneStatus!: string;
}
