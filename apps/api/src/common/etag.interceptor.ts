import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';
import { etagOf } from './etag';

/** Sets ETag on every response that is one versioned resource (an object with `id` and `version`). */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body) => {
        if (body && typeof body === 'object' && !Array.isArray(body) && 'id' in body && typeof (body as { version?: unknown }).version === 'number') {
          context.switchToHttp().getResponse<Response>().setHeader('ETag', etagOf((body as { version: number }).version));
        }
        return body;
      }),
    );
  }
}
