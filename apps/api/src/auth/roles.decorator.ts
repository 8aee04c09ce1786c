import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import { Actor, PUBLIC_ACTOR, Role } from './actor';

export const ROLES = 'roles';
export const IS_PUBLIC = 'isPublic';

/**
 * The roles that may call a route (admin always may). A route without @Roles or @Public is for the
 * admin only, so a forgotten decorator fails closed.
 */
export function Roles(...roles: Role[]) {
  return applyDecorators(SetMetadata(ROLES, roles), ApiBearerAuth(), ApiExtension('x-roles', [Role.Admin, ...roles]));
}

/** A route anyone may call without a token (public data, health, signed upload links). */
export function Public() {
  return applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-roles', ['public']));
}

export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  return (context.switchToHttp().getRequest<Request & { actor?: Actor }>().actor ?? PUBLIC_ACTOR) as Actor;
});
