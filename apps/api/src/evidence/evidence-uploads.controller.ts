import { applyDecorators, Body, Controller, Get, Param, Post, Req, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiAcceptedResponse, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { IdempotencyAfterUpload, UploadIdempotencyInterceptor } from '../common/idempotency.interceptor';
import { EvidenceReceiptDto, EvidenceRequestViewDto, SUBMIT_EVIDENCE_MULTIPART_SCHEMA, SubmitEvidenceDto } from './dto/evidence-upload.dto';
import { MAX_EVIDENCE_FILES, UploadedEvidenceFile } from './evidence-files';
import { EvidenceUploadErrorsInterceptor } from './evidence-upload.interceptor';
import { EvidenceUploadsService } from './evidence-uploads.service';

/** The request body of an evidence submission, JSON or multipart (OpenAPI). */
export function ApiEvidenceSubmissionBody() {
  return applyDecorators(
    ApiExtraModels(SubmitEvidenceDto),
    ApiConsumes('application/json', 'multipart/form-data'),
    ApiBody({
      description: `JSON (SubmitEvidenceDto), or multipart/form-data with the same fields and up to ${MAX_EVIDENCE_FILES} \`files\``,
      schema: { oneOf: [{ $ref: getSchemaPath(SubmitEvidenceDto) }, SUBMIT_EVIDENCE_MULTIPART_SCHEMA] },
    }),
  );
}

/**
 * Where the files of an evidence submission are read (multer; memory storage, limits from the
 * config), in this order: multer's refusals become problem documents; the form is read; then the
 * Idempotency-Key is checked against the request with its files, before anything is stored.
 */
export function ReceivesEvidenceFiles() {
  return applyDecorators(IdempotencyAfterUpload(), UseInterceptors(EvidenceUploadErrorsInterceptor, FilesInterceptor('files', MAX_EVIDENCE_FILES), UploadIdempotencyInterceptor));
}

/** 201 for evidence the workflow took, 202 Accepted for evidence kept while its delivery is pending. */
export function acceptedWhenPending(request: Request, receipt: EvidenceReceiptDto): EvidenceReceiptDto {
  if (receipt.delivery === 'pending') request.res?.status(202);
  return receipt;
}

/** Reached from the link in an evidence-request email; the signed token is the credential. */
@ApiTags('evidence uploads')
@ApiProblemResponses([
  [410, 'The upload link has expired'],
  [413, 'A file is larger than MAX_EVIDENCE_FILE_BYTES; `errors` names `files`'],
  [415, 'A file is not of an accepted type (read from its content); `errors` names `files`'],
  [503, "The milestone's workflow is not running yet; nothing was saved"],
])
@ApiParam({ name: 'token', description: 'Signed, expiring token from the evidence-request email' })
@Public()
@Controller('evidence-uploads')
export class EvidenceUploadsController {
  constructor(private readonly service: EvidenceUploadsService) {}

  @Get(':token')
  @ApiOkResponse({ type: EvidenceRequestViewDto })
  describe(@Param('token') token: string): Promise<EvidenceRequestViewDto> {
    return this.service.describe(token);
  }

  @Post(':token')
  @ReceivesEvidenceFiles()
  @ApiEvidenceSubmissionBody()
  @ApiCreatedResponse({ type: EvidenceReceiptDto, description: 'Delivered: the milestone took the evidence' })
  @ApiAcceptedResponse({ type: EvidenceReceiptDto, description: 'Kept, delivery pending: the workflow did not answer in time; housekeeping delivers it' })
  async submit(@Param('token') token: string, @Req() request: Request, @Body() body: unknown, @UploadedFiles() files: UploadedEvidenceFile[] | undefined): Promise<EvidenceReceiptDto> {
    return acceptedWhenPending(request, await this.service.submitThroughLink(token, { body, multipart: typeof request.is('multipart/form-data') === 'string', files }));
  }
}
