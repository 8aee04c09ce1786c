import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { ProblemException } from '../common/problem-details.filter';

/**
 * The version named by If-Match, or undefined without one: for a PUT that creates the resource when
 * it does not exist (no If-Match) and replaces it when it does (If-Match required, 428 without).
 */
export const OptionalIfMatch = createParamDecorator((_data: unknown, context: ExecutionContext): number | undefined => {
  const header = context.switchToHttp().getRequest<Request>().headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(String(header).trim());
  if (!match) throw new ProblemException(400, 'Invalid request', 'If-Match must be an ETag such as "3".', [{ field: 'If-Match', message: 'If-Match must be an ETag such as "3"' }]);
  return Number(match[1]);
});

export const ApiOptionalIfMatch = () =>
  ApiHeader({ name: 'If-Match', required: false, description: 'Required to replace existing settings: the ETag of the version being replaced (412 when no longer current, 428 without). Leave it out to create them.' });
