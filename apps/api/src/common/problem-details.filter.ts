import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { WorkflowEndedError, WorkflowEngineUnavailableError, WorkflowError, WorkflowNotFoundForQueryError, WorkflowRefusedError } from '@app/temporal';
import { PlanTransitionError, RuleViolationError, StaleVersionError } from '@app/application';
import { loggablePath } from './request-logger.middleware';

/** One invalid input field, named as the client sent it (e.g. `policy.maxReminders`). */
export interface FieldError {
  field: string;
  message: string;
}

/** RFC 7807 problem details, with the invalid fields listed in `errors`. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

/** An HTTP error whose body is a problem document. Throw it from services for rule violations. */
export class ProblemException extends HttpException {
  constructor(status: number, title: string, detail?: string, errors?: FieldError[]) {
    super({ title, detail, errors }, status);
  }
}

/** Every error leaves the API as application/problem+json; unexpected ones are logged and hidden. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = problemFrom(exception);
    problem.instance = request.originalUrl;
    if (exception instanceof WorkflowEngineUnavailableError) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    const databaseDown = isDatabaseUnavailable(exception);
    if (databaseDown) {
      response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      this.logger.warn({ msg: 'database unavailable', method: request.method, path: loggablePath(request.originalUrl), error: String((exception as Error)?.message ?? exception) });
    } else if (problem.status >= 500) {
      this.logger.error({ msg: 'unhandled error', method: request.method, path: loggablePath(request.originalUrl), error: String((exception as Error)?.stack ?? exception) });
    }
    this.send(request, response, problem);
  }

  /** Writes the answer; a filter for pages answers some problems as HTML instead. */
  protected send(_request: Request, response: Response, problem: ProblemDetails): void {
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}

/** The problem document an exception becomes (500 with no details for anything unexpected). */
export function problemFrom(exception: unknown): ProblemDetails {
  const known = fromDomainError(exception);
  if (known) return problemFrom(known);
  if (!(exception instanceof HttpException)) {
    return { type: 'about:blank', title: 'Internal Server Error', status: HttpStatus.INTERNAL_SERVER_ERROR };
  }
  const status = exception.getStatus();
  const body = exception.getResponse();
  const fromBody = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const title = typeof fromBody.title === 'string' ? fromBody.title : defaultTitle(status, exception.message);
  const detail = typeof fromBody.detail === 'string' ? fromBody.detail : typeof fromBody.message === 'string' && fromBody.message !== title ? fromBody.message : undefined;
  const problem: ProblemDetails = { type: 'about:blank', title, status };
  if (detail) problem.detail = detail;
  if (Array.isArray(fromBody.errors) && fromBody.errors.length > 0) problem.errors = fromBody.errors as FieldError[];
  return problem;
}

function defaultTitle(status: number, message: string): string {
  const name = HttpStatus[status];
  return name ? name.toLowerCase().split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join(' ') : message;
}

/**
 * The HTTP form of the system's own errors, in one place. Workflow errors come from the Temporal
 * gateways (@app/temporal) with a message meant for the client; use-case errors from @app/application.
 */
function fromDomainError(exception: unknown): ProblemException | undefined {
  if (exception instanceof WorkflowError) {
    if (exception instanceof WorkflowRefusedError || exception instanceof WorkflowEndedError) return new ProblemException(409, 'Conflict', exception.message);
    if (exception instanceof WorkflowNotFoundForQueryError) return new ProblemException(404, 'Not Found', exception.message);
    if (exception instanceof WorkflowEngineUnavailableError) return new ProblemException(503, 'Service Unavailable', exception.message);
  }
  const tooLarge = bodyTooLarge(exception);
  if (tooLarge) {
    const message = `The request body may have at most ${tooLarge.limit} bytes${tooLarge.length ? `; this one has ${tooLarge.length}` : ''}.`;
    return new ProblemException(413, 'Payload Too Large', message, [{ field: 'body', message }]);
  }
  if (isDatabaseUnavailable(exception)) return new ProblemException(503, 'Service Unavailable', 'The database cannot be reached; try again in a moment.');
  if (exception instanceof StaleVersionError) {
    return new ProblemException(412, 'Precondition Failed', `The ${exception.entity} was changed by someone else since you read it. Read it again and reapply your change.`, [{ field: 'If-Match', message: 'ETag is not current' }]);
  }
  if (exception instanceof RuleViolationError) return new ProblemException(422, 'Unprocessable Entity', exception.message, exception.violations);
  if (exception instanceof PlanTransitionError) return new ProblemException(422, 'Unprocessable Entity', exception.message, [{ field: 'status', message: exception.message }]);
  return undefined;
}

/** The body parser's refusal of a body over its limit (Nest's adapter wraps it, keeping it as the cause). */
function bodyTooLarge(exception: unknown): { limit: number; length?: number } | undefined {
  const cause = exception instanceof HttpException ? (exception.cause as { type?: unknown; limit?: unknown; length?: unknown } | undefined) : undefined;
  if (cause?.type !== 'entity.too.large' || typeof cause.limit !== 'number') return undefined;
  return { limit: cause.limit, length: typeof cause.length === 'number' ? cause.length : undefined };
}

const DATABASE_RETRY_AFTER_SECONDS = 5;
/** PostgreSQL SQLSTATEs of a server going away: connection exceptions (08…), shutting down, starting up. */
const UNAVAILABLE_SQLSTATES = /^(08...|57P01|57P02|57P03)$/;
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** node-postgres' own messages when the server goes away (they carry no SQLSTATE). */
const UNAVAILABLE_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * A request cut by PostgreSQL going away (a restart, a failover) rather than by a defect: TypeORM's
 * QueryFailedError keeps the pg error in driverError; connecting fails with a socket error. A cut
 * transaction is rolled back (only a cut during COMMIT itself leaves the outcome unknown), so 503.
 */
export function isDatabaseUnavailable(exception: unknown, depth = 0): boolean {
  if (depth > 3 || typeof exception !== 'object' || exception === null) return false;
  const error = exception as { name?: unknown; code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  if (error.name === 'QueryRunnerAlreadyReleasedError') return true; // its connection was lost mid-transaction
  if (typeof error.code === 'string' && (UNAVAILABLE_SQLSTATES.test(error.code) || UNAVAILABLE_SOCKET_CODES.has(error.code))) return true;
  if (typeof error.message === 'string' && UNAVAILABLE_MESSAGES.test(error.message)) return true;
  if (exception instanceof AggregateError && exception.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(error.driverError, depth + 1) || isDatabaseUnavailable(error.cause, depth + 1);
}
