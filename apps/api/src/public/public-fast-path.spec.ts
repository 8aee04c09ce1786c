import { Controller, Get } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { assertPublicBudget, type CachedAnswerLookup, publicFastPath } from './public-fast-path';
import { PublicController } from './public.controller';

@Controller('secret')
class PrivateController {
  @Get()
  read(): string {
    return '';
  }
}

@Public()
@Controller('links')
class SignedLinkController {
  @Get(':token')
  read(): string {
    return '';
  }
}

describe(assertPublicBudget.name, () => {
  it('accepts public-budget routes and refuses routes outside it', () => {
    expect(() => assertPublicBudget(PublicController, ['plan', 'planCsv'])).not.toThrow();
    expect(() => assertPublicBudget(PrivateController, ['read'])).toThrow(/not a public-budget route/);
    expect(() => assertPublicBudget(SignedLinkController, ['read'])).toThrow(/not a public-budget route/);
    expect(() => assertPublicBudget(PublicController, ['nothing'])).toThrow();
  });
});

describe(publicFastPath.name, () => {
  const lookup = jest.fn<ReturnType<CachedAnswerLookup>, Parameters<CachedAnswerLookup>>(() => undefined);
  const spend = jest.fn(() => true);
  const middleware = publicFastPath([lookup], spend);
  const run = (request: Partial<Request>) => {
    const next = jest.fn();
    middleware({ method: 'GET', url: '/public/plans/x', headers: {}, ...request } as Request, {} as Response, next);
    return next;
  };
  beforeEach(() => jest.clearAllMocks());

  it.each([
    ['a POST', { method: 'POST' }],
    ['a request with a token', { headers: { authorization: 'Bearer t' } }],
    ['a request with a body', { headers: { 'content-length': '2' } }],
    ['a chunked request', { headers: { 'transfer-encoding': 'chunked' } }],
  ])('leaves %s to Nest without looking it up or spending the budget', (_what, request) => {
    expect(run(request as Partial<Request>)).toHaveBeenCalledWith();
    expect(lookup).not.toHaveBeenCalled();
    expect(spend).not.toHaveBeenCalled();
  });

  it('looks the path up without the query; a miss or a failing lookup goes to Nest without spending', () => {
    expect(run({ url: '/public/plans/x?lang=en' })).toHaveBeenCalledWith();
    expect(lookup).toHaveBeenCalledWith(expect.anything(), '/public/plans/x');
    lookup.mockImplementationOnce(() => {
      throw new Error('boom');
    });
    expect(run({})).toHaveBeenCalledWith();
    expect(spend).not.toHaveBeenCalled();
  });
});
