import { WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';

/**
 * What can go wrong when the system talks to a workflow, in the system's words. The gateways in
 * this library turn Temporal's errors into these; the API's problem-details filter maps each to an
 * HTTP status once. Callers catch them only to decide what to keep (e.g. evidence), never to map them.
 */
export abstract class WorkflowError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The workflow refused the message: an Update's validator (or its handler) said no. HTTP 409, with the workflow's reason. */
export class WorkflowRefusedError extends WorkflowError {}

/** The message was meant for a running workflow that has ended (or never ran): there is nothing to decide. HTTP 409. */
export class WorkflowEndedError extends WorkflowError {}

/** A query for a workflow that does not exist (yet): HTTP 404. */
export class WorkflowNotFoundForQueryError extends WorkflowError {}

/**
 * Temporal did not answer in time or could not be reached. `outcomeUnknown`: the message may still
 * be taken later (an Update sent but not answered within its wait), so the caller must not undo
 * what it saved. HTTP 503 with Retry-After.
 */
export class WorkflowEngineUnavailableError extends WorkflowError {
  readonly retryAfterSeconds = 5;
  constructor(
    message: string,
    readonly outcomeUnknown: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Temporal's message of an error, without gRPC's "14 UNAVAILABLE:" prefixes. */
export function reasonOf(error: unknown): string {
  if (error instanceof WorkflowUpdateFailedError) return error.cause?.message ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** True when the server said the workflow has ended (Temporal reports an Update to a closed run this way). */
function isEnded(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError || /already completed|workflow execution.*(completed|not found)/i.test(reasonOf(error));
}

/** Converts an error of an Update call into the messages of that call. */
export function fromUpdateError(error: unknown, texts: { refused: (reason: string) => string; ended: string; unavailable: string }): Error {
  if (error instanceof WorkflowError) return error;
  if (error instanceof WorkflowUpdateFailedError) return new WorkflowRefusedError(texts.refused(reasonOf(error)), { cause: error });
  if (isEnded(error)) return new WorkflowEndedError(texts.ended, { cause: error });
  // Not answered in time (WorkflowUpdateRPCTimeoutOrCancelledError), or the connection failed meanwhile
  // (ServiceError): the Update may have reached the server and may still be taken.
  return new WorkflowEngineUnavailableError(`${texts.unavailable} (${reasonOf(error)})`, true, { cause: error });
}

/** Converts an error of a query. */
export function fromQueryError(error: unknown, texts: { notFound: string; unavailable: string }): Error {
  if (error instanceof WorkflowError) return error;
  if (error instanceof WorkflowNotFoundError) return new WorkflowNotFoundForQueryError(texts.notFound, { cause: error });
  return new WorkflowEngineUnavailableError(`${texts.unavailable}: ${reasonOf(error)}`, false, { cause: error });
}

/** Converts an error of a signal (or signal-with-start): a signal is taken or not; when the call failed, it may have been taken. */
export function fromSignalError(error: unknown, text: string): Error {
  if (error instanceof WorkflowError) return error;
  return new WorkflowEngineUnavailableError(`${text} (${reasonOf(error)})`, true, { cause: error });
}
