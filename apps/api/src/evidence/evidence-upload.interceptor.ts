import { CallHandler, ExecutionContext, HttpException, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { MulterModule } from '@nestjs/platform-express';
import { catchError, Observable, throwError } from 'rxjs';
import { APP_CONFIG, AppConfig, bodyIdleTimeoutMs } from '@app/config';
import { ProblemException } from '../common/problem-details.filter';
import { stalledMessage, wasCutOff } from '../common/stalled-body';
import { MAX_EVIDENCE_FILES } from './evidence-files';
import { filesProblem } from './evidence-submission';
import { checkUploadLink } from './evidence-uploads.service';

/**
 * Multer settings of the evidence routes: memory storage (multer's default when no storage is
 * given; nothing reaches the disk before it is checked), at most MAX_EVIDENCE_FILES files of
 * MAX_EVIDENCE_FILE_BYTES each, small text fields, and UTF-8 file names kept whole (then sanitised).
 */
export const EvidenceMulterModule = MulterModule.registerAsync({
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({
    limits: { fileSize: config.maxEvidenceFileBytes, files: MAX_EVIDENCE_FILES, fields: 50, fieldSize: 256 * 1024, parts: 60 },
    defParamCharset: 'utf8',
    // The name as sent: busboy would otherwise take a name like ".." for no file name and drop the
    // part without a word; sanitiseFileName keeps the last segment (here: "file").
    preservePath: true,
  }),
});

interface MulterErrorLike {
  code?: string;
  field?: string;
}

/**
 * Bound before FilesInterceptor, so it acts before the form is read: refuses a forged or expired
 * upload link (nothing of the body is buffered for it) and turns multer's refusals into problem documents naming the field,
 * 413 for a file over the size limit, 400 for too many files or a malformed form.
 */
@Injectable()
export class EvidenceUploadErrorsInterceptor implements NestInterceptor {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const token = request.params?.token;
    if (typeof token === 'string') checkUploadLink(token, this.config.uploadLinkSecret);
    return next.handle().pipe(catchError((error: unknown) => throwError(() => this.problemFor(error, request))));
  }

  private problemFor(error: unknown, request: Request): unknown {
    // What multer reports once the stalled connection is closed; nobody reads this answer, but it is not a 500.
    if (wasCutOff(request)) return new ProblemException(408, 'Request Timeout', stalledMessage(bodyIdleTimeoutMs(this.config)), [{ field: 'files', message: stalledMessage(bodyIdleTimeoutMs(this.config)) }]);
    if (!(error instanceof HttpException) || error instanceof ProblemException) return error;
    // FilesInterceptor keeps multer's (or busboy's) error as the cause of the exception it throws.
    const cause = (error as { cause?: unknown }).cause;
    if (!(cause instanceof Error)) return error;
    const { code, field } = cause as MulterErrorLike;
    switch (code) {
      case 'LIMIT_FILE_SIZE':
        return filesProblem(413, 'Payload Too Large', `Each file may have at most ${this.config.maxEvidenceFileBytes} bytes.`);
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_UNEXPECTED_FILE':
        return filesProblem(400, 'Invalid request', `Send at most ${MAX_EVIDENCE_FILES} files, each in a part named "files".`);
      case undefined:
        if (error.getStatus() === 415) return new ProblemException(415, 'Unsupported Media Type', 'Send JSON or multipart/form-data.');
        if (error.getStatus() === 400) return new ProblemException(400, 'Invalid request', `The multipart form could not be read: ${error.message}`, [{ field: 'body', message: error.message }]);
        return error;
      default:
        return new ProblemException(400, 'Invalid request', `The multipart form could not be read: ${error.message}`, [{ field: field ?? 'body', message: error.message }]);
    }
  }
}
