import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { ProblemException } from './problem-details.filter';

/** The strong ETag of a row version, e.g. `"3"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version named by the request's If-Match header. Updates require it (428 without it), so two
 * coordinators editing the same record cannot overwrite each other: the second gets 412.
 */
export const IfMatch = createParamDecorator((_data: unknown, context: ExecutionContext): number => {
  const header = context.switchToHttp().getRequest<Request>().headers['if-match'];
  if (!header) {
    throw new ProblemException(428, 'Precondition Required', 'Send the ETag you last read in an If-Match header, so concurrent edits are detected.', [
      { field: 'If-Match', message: 'If-Match header is required' },
    ]);
  }
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(String(header).trim());
  if (!match) throw new ProblemException(400, 'Invalid request', 'If-Match must be an ETag such as "3".', [{ field: 'If-Match', message: 'If-Match must be an ETag such as "3"' }]);
  return Number(match[1]);
});

export const ApiIfMatch = () => ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the version being changed (from GET). 412 when it is no longer current.' });

export function staleVersion(entity: string): ProblemException {
  return new ProblemException(412, 'Precondition Failed', `The ${entity} was changed by someone else since you read it. Read it again and reapply your change.`, [
    { field: 'If-Match', message: 'ETag is not current' },
  ]);
}
