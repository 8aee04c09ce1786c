import { CallHandler, ExecutionContext, HttpException, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { MulterModule } from '@nestjs/platform-express';
import { catchError, Observable, throwError } from 'rxjs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ProblemException } from '../common/problem-details.filter';
import { MAX_EVIDENCE_FILES } from './evidence-files';
import { filesProblem } from './evidence-submission';
import { checkUploadLink } from './evidence-uploads.service';

/**
 * How long (ms) an upload may send nothing before it is cut off with a 408: a client that sends the
 * headers and part of a form, then stalls, would otherwise hold its buffered parts for Node's
 * requestTimeout (300 s). The whole of a slow but steady upload is still bounded by that one.
 */
export const EVIDENCE_UPLOAD_IDLE_TIMEOUT_MS = Symbol('EVIDENCE_UPLOAD_IDLE_TIMEOUT_MS');
export const DEFAULT_EVIDENCE_UPLOAD_IDLE_TIMEOUT_MS = 30_000;

const CUT_OFF = Symbol('evidence upload cut off');

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
 * Bound before FilesInterceptor, so it acts before the form is read: refuses a forged or expired
 * upload link (nothing of the body is buffered for it), cuts off an upload that stalls (408, then
 * the connection is closed), and turns multer's refusals into problem documents naming the field,
 * 413 for a file over the size limit, 400 for too many files or a malformed form.
 */
@Injectable()
export class EvidenceUploadErrorsInterceptor implements NestInterceptor {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVIDENCE_UPLOAD_IDLE_TIMEOUT_MS) private readonly idleTimeoutMs: number,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const token = request.params?.token;
    if (typeof token === 'string') checkUploadLink(token, this.config.uploadLinkSecret);
    cutOffWhenIdle(request, this.idleTimeoutMs);
    return next.handle().pipe(catchError((error: unknown) => throwError(() => this.problemFor(error, request))));
  }

  private problemFor(error: unknown, request: Request): unknown {
    // What multer reports once the stalled connection is closed; nobody reads this answer, but it is not a 500.
    if ((request as unknown as Record<symbol, unknown>)[CUT_OFF]) return stalledProblem(this.idleTimeoutMs);
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

const stalledMessage = (idleTimeoutMs: number) => `No data of the upload arrived for ${idleTimeoutMs / 1000} s; the upload was cut off. Send it again.`;

function stalledProblem(idleTimeoutMs: number): ProblemException {
  return new ProblemException(408, 'Request Timeout', stalledMessage(idleTimeoutMs), [{ field: 'files', message: stalledMessage(idleTimeoutMs) }]);
}

/**
 * Once the form is being read: when no byte arrives for `idleMs`, answers 408 (written on the socket:
 * the request is still being received) and closes the connection, which makes multer drop what it
 * buffered. Disarmed when the body has been read.
 */
function cutOffWhenIdle(request: Request, idleMs: number): void {
  if (request.complete || request.destroyed || idleMs <= 0) return;
  request.setTimeout(idleMs, () => {
    if (request.complete) return;
    (request as unknown as Record<symbol, unknown>)[CUT_OFF] = true;
    const socket = request.socket;
    const message = stalledMessage(idleMs);
    const body = JSON.stringify({ type: 'about:blank', title: 'Request Timeout', status: 408, detail: message, instance: request.originalUrl, errors: [{ field: 'files', message }] });
    if (!request.res?.headersSent && socket.writable) {
      socket.end(`HTTP/1.1 408 Request Timeout\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
    // The client may never close its side: the connection goes after a moment to flush the answer.
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  request.once('end', () => request.socket?.setTimeout(0));
}
