import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, Observable, of, throwError } from 'rxjs';
import { Repository } from 'typeorm';
import { IdempotencyRecordEntity } from '@app/persistence';
import type { Actor } from '../auth/actor';
import { problemFrom, ProblemException } from './problem-details.filter';

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its response (success or 4xx) is
 * stored; a retry with the same key and the same request gets that stored response again
 * (`Idempotent-Replayed: true`) and creates nothing. The same key with a different request is
 * refused (422); a retry while the first is still running gets 409. Keys are per caller.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@InjectRepository(IdempotencyRecordEntity) private readonly records: Repository<IdempotencyRecordEntity>) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw new ProblemException(400, 'Invalid request', 'Idempotency-Key must be 1 to 255 characters.', [{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters' }]);
    }
    const response = context.switchToHttp().getResponse<Response>();
    const scope = request.actor?.tokenId ?? request.actor?.role ?? 'public';
    const requestHash = createHash('sha256').update(`${request.method} ${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`).digest('hex');

    return from(this.claim(scope, key, requestHash)).pipe(
      mergeMap((stored) => {
        if (stored) {
          response.status(stored.status!).setHeader('Idempotent-Replayed', 'true');
          return of(stored.response);
        }
        return next.handle().pipe(
          mergeMap((body) => from(this.records.update({ scope, key }, { status: response.statusCode, response: body ?? null })).pipe(mergeMap(() => of(body)))),
          catchError((error: unknown) => {
            const problem = problemFrom(error);
            const settle = problem.status < 500 ? this.records.update({ scope, key }, { status: problem.status, response: { __problem: problem } }) : this.records.delete({ scope, key });
            return from(settle).pipe(mergeMap(() => throwError(() => error)));
          }),
        );
      }),
    );
  }

  /** Claims the key for this request, or returns the stored outcome of an earlier one. */
  private async claim(scope: string, key: string, requestHash: string): Promise<IdempotencyRecordEntity | null> {
    const inserted = await this.records.createQueryBuilder().insert().values({ scope, key, requestHash }).orIgnore().execute();
    if ((inserted.raw as unknown[]).length > 0) return null;
    const existing = await this.records.findOneByOrFail({ scope, key });
    if (existing.requestHash !== requestHash) {
      throw new ProblemException(422, 'Unprocessable Entity', 'This Idempotency-Key was used for a different request.', [{ field: 'Idempotency-Key', message: 'already used for a different request' }]);
    }
    if (existing.status === null) throw new ProblemException(409, 'Conflict', 'A request with this Idempotency-Key is still being processed. Retry later.');
    if (isStoredProblem(existing.response)) throw new ProblemException(existing.status, existing.response.__problem.title, existing.response.__problem.detail, existing.response.__problem.errors);
    return existing;
  }
}

function isStoredProblem(value: unknown): value is { __problem: { title: string; detail?: string; errors?: { field: string; message: string }[] } } {
  return typeof value === 'object' && value !== null && '__problem' in value;
}
