import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { IsNull, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ApiTokenEntity } from '@app/persistence';
import { ProblemException } from '../common/problem-details.filter';
import { Actor, ADMIN_ACTOR, PUBLIC_ACTOR, Role } from './actor';
import { hashApiToken } from './api-tokens';
import { IS_PUBLIC, ROLES } from './roles.decorator';

/**
 * Resolves the caller from `Authorization: Bearer <token>` (the admin token, or an API token stored
 * hashed) and checks the route's roles: 401 for a missing, unknown, revoked or expired token (one
 * answer for all, so a caller learns nothing about which tokens exist), 403 for a role the route
 * does not admit. The admin token is compared as a hash of fixed length with timingSafeEqual, so
 * neither its content nor its length shows in the time an answer takes. Which rows the caller may
 * see is the services' business (jurisdiction, agency).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly adminHash: Buffer;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
  ) {
    this.adminHash = Buffer.from(hashApiToken(config.adminToken), 'hex');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false;
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES, targets) ?? [];

    const header = request.headers.authorization;
    if (!header) {
      if (isPublic) {
        request.actor = PUBLIC_ACTOR;
        return true;
      }
      throw new ProblemException(401, 'Unauthorized', 'Send an API token as "Authorization: Bearer <token>".');
    }
    const actor = await this.resolve(header);
    request.actor = actor;
    if (isPublic || actor.role === Role.Admin || roles.includes(actor.role)) return true;
    throw new ProblemException(403, 'Forbidden', `The ${actor.role} role may not do this.`);
  }

  private async resolve(header: string): Promise<Actor> {
    const [scheme, token] = header.split(' ');
    if (scheme !== 'Bearer' || !token || token.length > 200) throw new ProblemException(401, 'Unauthorized', 'The Authorization header must be "Bearer <token>".');
    const hash = hashApiToken(token);
    if (timingSafeEqual(Buffer.from(hash, 'hex'), this.adminHash)) return ADMIN_ACTOR;
    const stored = await this.tokens.findOneBy({ tokenHash: hash, revokedAt: IsNull() });
    if (!stored || isExpired(stored)) throw new ProblemException(401, 'Unauthorized', 'The token is unknown, revoked or expired.');
    void this.tokens.update({ id: stored.id }, { lastUsedAt: new Date() }).catch(() => undefined);
    return { role: stored.role as Role, label: stored.label, tokenId: stored.id, jurisdictionId: stored.jurisdictionId, agencyId: stored.agencyId };
  }
}

function isExpired(token: ApiTokenEntity, now: Date = new Date()): boolean {
  return token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime();
}
