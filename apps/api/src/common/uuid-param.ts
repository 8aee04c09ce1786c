import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from './problem-details.filter';

/** A path parameter that must be a UUID; otherwise a 400 problem naming the parameter. */
export function UuidParam(name: string): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => new ProblemException(400, 'Invalid request', `${name} must be a UUID.`, [{ field: name, message: `${name} must be a UUID` }]),
    }),
  );
}
