import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ProblemException } from '../common/problem-details.filter';
import { IS_PUBLIC } from './public.decorator';

/**
 * Every route needs the coordinator's bearer token unless marked @Public(). This is the foundation's
 * single role; per-user tokens with agency, IMB and public roles replace it (issue #3).
 */
@Injectable()
export class CoordinatorTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.expected = digest(config.coordinatorToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme !== 'Bearer' || !token) throw new ProblemException(401, 'Unauthorized', 'Send the coordinator token as "Authorization: Bearer <token>".');
    if (!timingSafeEqual(digest(token), this.expected)) throw new ProblemException(401, 'Unauthorized', 'The bearer token is not valid.');
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
