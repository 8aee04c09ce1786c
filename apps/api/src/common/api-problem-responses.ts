import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'dueAt' }) field!: string;
  @ApiProperty({ example: 'dueAt must not be before startAt' }) message!: string;
}

/** RFC 7807 problem document, as every error of this API is sent. */
export class ProblemDto {
  @ApiProperty({ example: 'about:blank' }) type!: string;
  @ApiProperty({ example: 'Invalid request' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional({ example: '/plans' }) instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

const PROBLEMS: [number, string][] = [
  [400, 'Invalid input; `errors` names each field'],
  [401, 'Missing or invalid bearer token'],
  [404, 'A referenced resource does not exist'],
  [409, 'Conflicts with existing data'],
  [422, 'Valid shape, but breaks a rule of the plan; `errors` names the field'],
];

/** Documents the problem+json error responses a route can give. */
export function ApiProblemResponses(extra: [number, string][] = []) {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...[...PROBLEMS, ...extra].map(([status, description]) =>
      ApiResponse({ status, description, content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } } }),
    ),
  );
}
