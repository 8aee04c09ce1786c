import { Body, Controller, Get, Post, Query, Req, StreamableFile, UploadedFiles } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { Page, PageQueryDto, pageSchema } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import { EvidenceDto, EvidenceReceiptDto } from './dto/evidence-upload.dto';
import { attachmentDisposition, UploadedEvidenceFile } from './evidence-files';
import { EvidenceReadService } from './evidence-read.service';
import { acceptedWhenPending, ApiEvidenceSubmissionBody, ReceivesEvidenceFiles } from './evidence-uploads.controller';
import { EvidenceUploadsService } from './evidence-uploads.service';

/** Evidence with an API token: an agency answers for its own milestones; coordinators and the IMB read. */
@ApiTags('evidence')
@ApiProblemResponses([
  [413, 'A file is larger than MAX_EVIDENCE_FILE_BYTES; `errors` names `files`'],
  [415, 'A file is not of an accepted type (read from its content); `errors` names `files`'],
  [503, "The milestone's workflow is not running yet; nothing was saved"],
])
@Controller()
export class MilestoneEvidenceController {
  constructor(
    private readonly uploads: EvidenceUploadsService,
    private readonly reader: EvidenceReadService,
  ) {}

  @Post('milestones/:milestoneId/evidence')
  @Roles(Role.Agency, Role.Coordinator)
  @ReceivesEvidenceFiles()
  @ApiOperation({ summary: "Answer the milestone's open evidence request (409 when none is open), as the upload link does; JSON or multipart with files" })
  @ApiEvidenceSubmissionBody()
  @ApiCreatedResponse({ type: EvidenceReceiptDto, description: 'Delivered: the milestone took the evidence' })
  @ApiAcceptedResponse({ type: EvidenceReceiptDto, description: 'Kept, delivery pending: the workflow did not answer in time; housekeeping delivers it' })
  async submit(
    @CurrentActor() actor: Actor,
    @UuidParam('milestoneId') milestoneId: string,
    @Req() request: Request,
    @Body() body: unknown,
    @UploadedFiles() files: UploadedEvidenceFile[] | undefined,
  ): Promise<EvidenceReceiptDto> {
    return acceptedWhenPending(request, await this.uploads.submitForMilestone(actor, milestoneId, { body, multipart: typeof request.is('multipart/form-data') === 'string', files }));
  }

  @Get('milestones/:milestoneId/evidence')
  @Roles(Role.Agency, Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: "A milestone's evidence, newest first, with its files' metadata (an agency: its own milestones)" })
  @ApiOkResponse({ type: pageSchema(EvidenceDto, 'EvidencePage') })
  list(@CurrentActor() actor: Actor, @UuidParam('milestoneId') milestoneId: string, @Query() query: PageQueryDto): Promise<Page<EvidenceDto>> {
    return this.reader.list(actor, milestoneId, query);
  }

  @Get('evidence/:evidenceId/files/:fileId')
  @Roles(Role.Agency, Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: 'Download an evidence file, as an attachment with its original name' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The file, with its detected media type', schema: { type: 'string', format: 'binary' } })
  async download(@CurrentActor() actor: Actor, @UuidParam('evidenceId') evidenceId: string, @UuidParam('fileId') fileId: string, @Req() request: Request): Promise<StreamableFile> {
    const { file, bytes } = await this.reader.download(actor, evidenceId, fileId);
    const response = request.res as Response;
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    response.setHeader('Cache-Control', 'private, no-store');
    response.setHeader('Repr-Digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`);
    const type = file.mediaType.startsWith('text/') ? `${file.mediaType}; charset=utf-8` : file.mediaType;
    return new StreamableFile(bytes, { type, length: bytes.length, disposition: attachmentDisposition(file.originalName) });
  }
}
