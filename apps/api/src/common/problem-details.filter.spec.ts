import { QueryFailedError } from 'typeorm';
import { HttpException } from '@nestjs/common';
import { isDatabaseUnavailable, problemFrom } from './problem-details.filter';

/** Issue #12: PostgreSQL going away mid-request is a 503 the client may retry, not a 500. */
describe('database unavailable', () => {
  const pgError = (code: string | undefined, message: string) => Object.assign(new Error(message), code ? { code } : {});
  const cases: [string, unknown][] = [
    ['the server shutting down (57P03)', pgError('57P03', 'the database system is shutting down')],
    ['a session terminated by the stop (57P01), wrapped by TypeORM', new QueryFailedError('SELECT 1', [], pgError('57P01', 'terminating connection due to administrator command'))],
    ['a connection cut without a SQLSTATE, wrapped', new QueryFailedError('INSERT', [], pgError(undefined, 'Connection terminated unexpectedly'))],
    ['no server listening', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a transaction whose connection was lost', Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), { name: 'QueryRunnerAlreadyReleasedError' })],
  ];
  it.each(cases)('answers 503 for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(problemFrom(error)).toMatchObject({ status: 503, title: 'Service Unavailable' });
  });

  it('keeps other database errors as 500 (a defect, not an outage)', () => {
    for (const error of [new QueryFailedError('SELECT', [], pgError('42P01', 'relation "x" does not exist')), pgError('23505', 'duplicate key'), new Error('boom')]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
      expect(problemFrom(error).status).toBe(500);
    }
  });
});

describe('a body over the parser limit', () => {
  /** What body-parser raises (http-errors), as Nest's Express adapter hands it on: wrapped, kept as the cause. */
  const wrapped = (fields: object) => new HttpException('request entity too large', 413, { cause: Object.assign(new Error('request entity too large'), { status: 413, expose: true, type: 'entity.too.large', ...fields }) });

  it('names the limit and the size sent, field `body`', () => {
    const message = 'The request body may have at most 2097152 bytes; this one has 3000000.';
    expect(problemFrom(wrapped({ limit: 2_097_152, length: 3_000_000 }))).toEqual({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: message, errors: [{ field: 'body', message }] });
  });

  it('names the limit alone when the size was not announced (chunked)', () => {
    expect(problemFrom(wrapped({ limit: 2_097_152 })).detail).toBe('The request body may have at most 2097152 bytes.');
  });

  it('leaves other 413s as they are', () => {
    expect(problemFrom(new HttpException({ message: 'too big' }, 413))).toEqual({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'too big' });
  });
});
