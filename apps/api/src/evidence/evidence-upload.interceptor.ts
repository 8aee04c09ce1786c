import { CallHandler, ExecutionContext, HttpException, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { catchError, Observable, throwError } from 'rxjs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ProblemException } from '../common/problem-details.filter';
import { MAX_EVIDENCE_FILES } from './evidence-files';
import { filesProblem } from './evidence-submission';

/**
 * Multer settings of the evidence routes: memory storage (multer's default when no storage is
 * given; nothing reaches the disk before it is checked), at most MAX_EVIDENCE_FILES files of
 * MAX_EVIDENCE_FILE_BYTES each, small text fields, and UTF-8 file names.
 */
export const EvidenceMulterModule = MulterModule.registerAsync({
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({
    limits: { fileSize: config.maxEvidenceFileBytes, files: MAX_EVIDENCE_FILES, fields: 50, fieldSize: 256 * 1024, parts: 60 },
    defParamCharset: 'utf8',
  }),
});

interface MulterErrorLike {
  code?: string;
  field?: string;
}

/**
 * Bound before FilesInterceptor: turns multer's refusals into problem documents naming the field,
 * 413 for a file over the size limit, 400 for too many files or a malformed form.
 */
@Injectable()
export class EvidenceUploadErrorsInterceptor implements NestInterceptor {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => this.problemFor(error))));
  }

  private problemFor(error: unknown): unknown {
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
