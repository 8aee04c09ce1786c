import { QueryFailedError } from 'typeorm';
import { ProblemException } from './problem-details.filter';

/** Runs a write; a unique-constraint violation becomes a 409 naming the field. */
export async function uniqueOr409<T>(field: string, detail: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
      throw new ProblemException(409, 'Conflict', detail, [{ field, message: detail }]);
    }
    throw error;
  }
}

/** The fields of a partial update that were actually sent (DTO instances carry undefined for the rest). */
export function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** A PATCH that changes nothing is a client mistake, not a new version: 400. */
export function requireChanges(dto: object): void {
  if (Object.keys(definedOnly(dto)).length === 0) {
    throw new ProblemException(400, 'Invalid request', 'Send at least one field to change.', [{ field: 'body', message: 'no field to change' }]);
  }
}
