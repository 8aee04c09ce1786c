import { ArgumentsHost, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { ProblemDetailsFilter } from './problem-details.filter';
import { maskTokens, RequestLoggerMiddleware } from './request-logger.middleware';

const TOKEN = 'eyJzIjoiM2YxZiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe(maskTokens.name, () => {
  it.each([
    [`/evidence-uploads/${TOKEN}`, '/evidence-uploads/:token'],
    [`/evidence-uploads/${TOKEN}/files`, '/evidence-uploads/:token/files'],
    [`/subscriptions/confirm/${TOKEN}`, '/subscriptions/confirm/:token'],
    [`/subscriptions/manage/${TOKEN}`, '/subscriptions/manage/:token'],
    [`/subscriptions/unsubscribe/${TOKEN}`, '/subscriptions/unsubscribe/:token'],
    // Express matches routes case-insensitively: so does the mask.
    [`/Subscriptions/Confirm/${TOKEN}`, '/subscriptions/Confirm/:token'],
    ['/public/plans/3f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10/subscriptions', '/public/plans/3f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10/subscriptions'],
    ['/plans/p1/subscribers/erase', '/plans/p1/subscribers/erase'],
  ])('%s → %s', (path, masked) => {
    expect(maskTokens(path)).toBe(masked);
  });
});

describe(RequestLoggerMiddleware.name, () => {
  it('logs the path without the query or a signed link’s token', () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const response = Object.assign(new EventEmitter(), { statusCode: 200 }) as unknown as Response;
    const next = jest.fn();
    new RequestLoggerMiddleware().use({ method: 'POST', originalUrl: `/subscriptions/unsubscribe/${TOKEN}?List-Unsubscribe=One-Click` } as Request, response, next);
    (response as unknown as EventEmitter).emit('finish');
    expect(next).toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.objectContaining({ msg: 'request', method: 'POST', path: '/subscriptions/unsubscribe/:token', status: 200 }));
    expect(JSON.stringify(log.mock.calls)).not.toContain(TOKEN);
    log.mockRestore();
  });
});

describe('errors on a signed link (issue #12)', () => {
  it('logs a 5xx with the path masked and without the query, like every request', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const response = { setHeader: jest.fn(), status: jest.fn().mockReturnThis(), type: jest.fn().mockReturnThis(), send: jest.fn() };
    const request = { method: 'POST', originalUrl: `/evidence-uploads/${TOKEN}?again=${TOKEN}` };
    const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }) } as unknown as ArgumentsHost;
    new ProblemDetailsFilter().catch(new Error('boom'), host);
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ msg: 'unhandled error', path: '/evidence-uploads/:token' }));
    expect(JSON.stringify(error.mock.calls)).not.toContain(TOKEN);
    error.mockRestore();
  });
});
