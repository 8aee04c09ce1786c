import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ProblemException } from './problem-details.filter';

/**
 * Refuses any string with a NUL character, naming where it is. PostgreSQL cannot store U+0000 in
 * text or jsonb, so without this such input would fail deep in a write instead of at the door.
 */
@Injectable()
export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // Text bodies (CSV) are checked by their parser, which can name the line and column.
    if (metadata.type === 'custom' || (metadata.type === 'body' && typeof value === 'string')) return value;
    const root = metadata.type === 'body' ? '' : (metadata.data ?? metadata.type);
    const field = findNul(value, root);
    if (field !== null) {
      const name = field || 'body';
      throw new ProblemException(400, 'Invalid request', `${name} contains a NUL character.`, [{ field: name, message: 'must not contain NUL characters' }]);
    }
    return value;
  }
}

/** The field holding a NUL, named as validation errors name fields: `contacts.0.name`, but `links` for a list of strings. */
function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object' || depth > 20) return null;
  if (Array.isArray(value)) {
    for (const [index, child] of value.entries()) {
      const found = typeof child === 'string' ? findNul(child, path, depth + 1) : findNul(child, path ? `${path}.${index}` : String(index), depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const found = findNul(child, path ? `${path}.${key}` : key, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
