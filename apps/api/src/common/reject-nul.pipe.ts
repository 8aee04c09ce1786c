import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ProblemException } from './problem-details.filter';

/**
 * Nesting no request of the API comes near (a plan document is 7 levels deep). Deeper bodies are
 * refused here: class-transformer and class-validator walk a body recursively, and a few thousand
 * nested arrays overflowed the stack into a 500 (found by test/integration/api-fuzz.int-spec.ts).
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Refuses any string with a NUL character or a lone UTF-16 surrogate (text that is not Unicode,
 * e.g. JSON's "\udfff"), naming where it is, bodies nested deeper than MAX_BODY_DEPTH, and a list
 * directly inside a list: no field of the API takes a list of lists, and class-validator's
 * `@ValidateNested({ each: true })` lets `[[]]` through as a list of objects (`{"items":[[]]}`
 * reached the agenda's handler and failed there with a 500).
 * PostgreSQL cannot store U+0000 in text or jsonb, and validators that encode the text (isEmail's
 * encodeURI) throw on a lone surrogate, so without this such input would fail deep in validation or
 * in a write (a 500) instead of at the door.
 */
@Injectable()
export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // Text bodies (CSV) are checked by their parser, which can name the line and column.
    if (metadata.type === 'custom' || (metadata.type === 'body' && typeof value === 'string')) return value;
    const root = metadata.type === 'body' ? '' : (metadata.data ?? metadata.type);
    const found = findBadText(value, root);
    if (found !== null) {
      const name = found.field || 'body';
      if (found.problem === 'depth') throw new ProblemException(400, 'Invalid request', `${name} is nested more than ${MAX_BODY_DEPTH} levels deep.`, [{ field: name, message: `must not be nested more than ${MAX_BODY_DEPTH} levels deep` }]);
      if (found.problem === 'list in a list') throw new ProblemException(400, 'Invalid request', `${name} is a list inside a list.`, [{ field: name, message: 'must not be a list (a list of lists is not an input of this API)' }]);
      if (found.problem === 'surrogate') throw new ProblemException(400, 'Invalid request', `${name} is not valid Unicode text.`, [{ field: name, message: 'must be valid Unicode text (no lone surrogate)' }]);
      throw new ProblemException(400, 'Invalid request', `${name} contains a NUL character.`, [{ field: name, message: 'must not contain NUL characters' }]);
    }
    return value;
  }
}

/** In `u` mode a paired surrogate is one astral code point; only a lone one is in category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

type Found = { field: string; problem: 'nul' | 'surrogate' | 'depth' | 'list in a list' };

function checkText(text: string, field: string): Found | null {
  if (text.includes('\u0000')) return { field, problem: 'nul' };
  if (LONE_SURROGATE.test(text)) return { field, problem: 'surrogate' };
  return null;
}

/** The field holding a NUL or a lone surrogate, named as validation errors name fields: `contacts.0.name`, but `links` for a list of strings. */
function findBadText(value: unknown, path: string, depth = 0): Found | null {
  if (typeof value === 'string') return checkText(value, path);
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_BODY_DEPTH) return { field: path, problem: 'depth' };
  if (Array.isArray(value)) {
    for (const [index, child] of value.entries()) {
      if (Array.isArray(child)) return { field: path ? `${path}.${index}` : String(index), problem: 'list in a list' };
      const found = typeof child === 'string' ? findBadText(child, path, depth + 1) : findBadText(child, path ? `${path}.${index}` : String(index), depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const keyProblem = checkText(key, path ? `${path}.${key}` : key);
    if (keyProblem) return keyProblem;
    const found = findBadText(child, path ? `${path}.${key}` : key, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
