import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { CompletionLevel } from '@app/domain';

/** PostgreSQL cannot store NUL in text: refused as input, never a failed INSERT. */
const NO_NUL = /^[^\u0000]*$/;

export class SubmitEvidenceDto {
  @ApiProperty({ example: 'The evaluation report was presented to the Dialogue Board and published on the open data portal.' })
  @IsString() @IsNotEmpty() @MaxLength(10000) @Matches(NO_NUL, { message: 'narrative must not contain NUL characters' })
  narrative!: string;

  @ApiPropertyOptional({ type: [String], example: ['https://datos.rosario.example/report.pdf'] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { each: true }) @MaxLength(2000, { each: true }) @Matches(NO_NUL, { each: true, message: 'links must not contain NUL characters' })
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

export class EvidenceFileDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The name the file was sent with, without path or control characters (at most 200 characters)', example: 'informe-final.pdf' })
  originalName!: string;
  @ApiProperty({ description: "Detected from the file's content", example: 'application/pdf' }) mediaType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty({ description: 'SHA-256 of the content, lowercase hex' }) sha256!: string;
  @ApiProperty({ description: 'Where an authorised caller downloads it', example: '/evidence/0b6e.../files/9f1c...' }) downloadPath!: string;
}

export class EvidenceReceiptDto {
  @ApiProperty() evidenceId!: string;
  @ApiProperty() milestoneId!: string;
  @ApiProperty({ example: 'under_review', description: "The milestone's status once its workflow took the evidence; while the delivery is pending, its status before" })
  milestoneStatus!: string;
  @ApiProperty({
    enum: ['delivered', 'pending'],
    description:
      "delivered (201): the milestone's workflow took the evidence. pending (202 Accepted): the workflow did not answer in time; the evidence is kept and housekeeping delivers it (the same delivery, once): it is then taken, or refused and removed",
  })
  delivery!: 'delivered' | 'pending';
  @ApiProperty({ type: [EvidenceFileDto] }) files!: EvidenceFileDto[];
}

export class EvidenceDto {
  @ApiProperty() id!: string;
  @ApiProperty() milestoneId!: string;
  @ApiProperty() evidenceRequestId!: string;
  @ApiProperty() narrative!: string;
  @ApiProperty({ type: [String] }) links!: string[];
  @ApiProperty({ enum: CompletionLevel }) claimedCompletion!: string;
  @ApiProperty() isPublic!: boolean;
  @ApiProperty({ nullable: true, type: String, description: "'upload-link', or the label of the API token that submitted it" }) submittedBy!: string | null;
  @ApiProperty() submittedAt!: string;
  @ApiProperty({ type: [EvidenceFileDto] }) files!: EvidenceFileDto[];
}

/** OpenAPI only: the multipart form of a submission (the same fields as the JSON body, plus files). */
export const SUBMIT_EVIDENCE_MULTIPART_SCHEMA = {
  type: 'object',
  required: ['narrative', 'claimedCompletion'],
  properties: {
    narrative: { type: 'string', maxLength: 10000 },
    claimedCompletion: { type: 'string', enum: Object.values(CompletionLevel) },
    links: { type: 'array', items: { type: 'string', format: 'uri' }, maxItems: 20, description: 'Repeat the field, or send one JSON array' },
    isPublic: { type: 'string', enum: ['true', 'false'] },
    files: {
      type: 'array',
      maxItems: 5,
      items: { type: 'string', format: 'binary' },
      description: 'Up to 5 files (PDF, PNG, JPEG, ODT, DOCX, XLSX, CSV or plain UTF-8 text), each within MAX_EVIDENCE_FILE_BYTES; the type is read from the content',
    },
  },
};
