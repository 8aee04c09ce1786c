import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, Observable, of, throwError } from 'rxjs';
import { Repository } from 'typeorm';
import { IdempotencyRecordEntity } from '@app/persistence';
import type { Actor } from '../auth/actor';
import { problemFrom, ProblemException } from './problem-details.filter';

const AFTER_UPLOAD = Symbol('idempotency-after-upload');

/**
 * Marks a route that reads a multipart form (multer, in a route interceptor): its Idempotency-Key
 * is checked by UploadIdempotencyInterceptor once the files are read, not by the global interceptor,
 * which runs before them and would see an empty body.
 */
export const IdempotencyAfterUpload = () => SetMetadata(AFTER_UPLOAD, true);

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its response (success or 4xx) is
 * stored; a retry with the same key and the same request gets that stored response again
 * (`Idempotent-Replayed: true`) and creates nothing. The same key with a different request is
 * refused (422); a retry while the first is still running gets 409. Keys are per caller.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @InjectRepository(IdempotencyRecordEntity) private readonly records: Repository<IdempotencyRecordEntity>,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.get<boolean>(AFTER_UPLOAD, context.getHandler())) return next.handle();
    return runOnce(this.records, context, next);
  }
}

/**
 * The same as IdempotencyInterceptor, bound on an upload route after its FilesInterceptor: the
 * request it compares includes the form's text fields and each file (name, size, SHA-256), so a
 * retry with other files gets 422 before anything is stored. A form multer refuses (413, too many
 * files) is refused before the key is claimed, and so is not recorded.
 */
@Injectable()
export class UploadIdempotencyInterceptor implements NestInterceptor {
  constructor(@InjectRepository(IdempotencyRecordEntity) private readonly records: Repository<IdempotencyRecordEntity>) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return runOnce(this.records, context, next);
  }
}

/** What multer (memory storage) leaves on `request.files`, as far as the fingerprint needs it. */
interface UploadedFile {
  fieldname: string;
  originalname: string;
  size: number;
  buffer?: Buffer;
}

type IdempotentRequest = Request & { actor?: Actor; files?: UploadedFile[] | Record<string, UploadedFile[]> };

function runOnce(records: Repository<IdempotencyRecordEntity>, context: ExecutionContext, next: CallHandler): Observable<unknown> {
  const request = context.switchToHttp().getRequest<IdempotentRequest>();
  const key = request.headers['idempotency-key'];
  if (request.method !== 'POST' || key === undefined) return next.handle();
  if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
    throw new ProblemException(400, 'Invalid request', 'Idempotency-Key must be 1 to 255 characters.', [{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters' }]);
  }
  const response = context.switchToHttp().getResponse<Response>();
  const scope = request.actor?.tokenId ?? request.actor?.role ?? 'public';

  return from(claim(records, scope, key, fingerprint(request))).pipe(
    mergeMap((stored) => {
      if (stored) {
        response.status(stored.status!).setHeader('Idempotent-Replayed', 'true');
        return of(stored.response);
      }
      return next.handle().pipe(
        mergeMap((body) => from(records.update({ scope, key }, { status: response.statusCode, response: body ?? null })).pipe(mergeMap(() => of(body)))),
        catchError((error: unknown) => {
          const problem = problemFrom(error);
          const settle = problem.status < 500 ? records.update({ scope, key }, { status: problem.status, response: { __problem: problem } }) : records.delete({ scope, key });
          return from(settle).pipe(mergeMap(() => throwError(() => error)));
        }),
      );
    }),
  );
}

/**
 * SHA-256 of method, path and body, and of the uploaded files when multer read any. A request
 * without files hashes as it always did, so records stored before uploads were covered still match.
 */
function fingerprint(request: IdempotentRequest): string {
  const parts = [`${request.method} ${request.originalUrl}`, JSON.stringify(request.body ?? null)];
  if (Array.isArray(request.files)) {
    for (const file of request.files) {
      const digest = file.buffer ? createHash('sha256').update(file.buffer).digest('hex') : '';
      parts.push(JSON.stringify([file.fieldname, file.originalname, file.size, digest]));
    }
  }
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/** Claims the key for this request, or returns the stored outcome of an earlier one. */
async function claim(records: Repository<IdempotencyRecordEntity>, scope: string, key: string, requestHash: string): Promise<IdempotencyRecordEntity | null> {
  const inserted = await records.createQueryBuilder().insert().values({ scope, key, requestHash }).orIgnore().execute();
  if ((inserted.raw as unknown[]).length > 0) return null;
  const existing = await records.findOneByOrFail({ scope, key });
  if (existing.requestHash !== requestHash) {
    throw new ProblemException(422, 'Unprocessable Entity', 'This Idempotency-Key was used for a different request.', [{ field: 'Idempotency-Key', message: 'already used for a different request' }]);
  }
  if (existing.status === null) throw new ProblemException(409, 'Conflict', 'A request with this Idempotency-Key is still being processed. Retry later.');
  if (isStoredProblem(existing.response)) throw new ProblemException(existing.status, existing.response.__problem.title, existing.response.__problem.detail, existing.response.__problem.errors);
  return existing;
}

function isStoredProblem(value: unknown): value is { __problem: { title: string; detail?: string; errors?: { field: string; message: string }[] } } {
  return typeof value === 'object' && value !== null && '__problem' in value;
}
