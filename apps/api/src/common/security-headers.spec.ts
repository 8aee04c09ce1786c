import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Request, Response } from 'express';
import helmet from 'helmet';
import { DOCS_CSP, helmetOptions, PAGE_CSP, securityHeaders } from './security-headers';

function response(): ServerResponse {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  res.setHeader('X-Powered-By', 'Express');
  return res;
}

describe(securityHeaders.name, () => {
  it.each([
    ['/p/rosario', PAGE_CSP, 'same-origin'],
    ['/public/plans/x', PAGE_CSP, 'cross-origin'],
    ['/docs', DOCS_CSP, 'same-origin'],
    ['/plans/x', PAGE_CSP, 'same-origin'],
  ] as const)('sets on %s exactly what helmet itself sets (precomputed once)', (path, csp, resourcePolicy) => {
    const expected = response();
    helmet(helmetOptions(csp, resourcePolicy))({} as never, expected as never, () => undefined);
    const actual = response();
    const next = jest.fn();
    securityHeaders()({ path, url: path } as Request, actual as unknown as Response, next);
    expect(next).toHaveBeenCalledWith();
    expect(actual.getHeaders()).toEqual(expected.getHeaders());
    expect(actual.getHeader('x-powered-by')).toBeUndefined();
    expect(actual.getHeader('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
