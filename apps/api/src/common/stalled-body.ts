import type { NextFunction, Request, RequestHandler, Response } from 'express';

const CUT_OFF = Symbol('request body cut off');

/** Whether the request's body stalled and was cut off (its 408 is already written). */
export function wasCutOff(request: Request): boolean {
  return (request as unknown as Record<symbol, unknown>)[CUT_OFF] === true;
}

export const stalledMessage = (idleMs: number) => `No data of the request body arrived for ${idleMs / 1000} s; the request was cut off. Send it again.`;

/** The field a stalled body's problem names: the files of a multipart form, else the body. */
export const stalledField = (request: Request) => (request.is('multipart/form-data') ? 'files' : 'body');

/**
 * Every request with a body (JSON, CSV, forms, multipart uploads): when no byte of it arrives for
 * `idleMs`, answers 408 problem+json (written on the socket: the request is still being received)
 * and closes the connection, which makes the body parser or multer drop what it buffered. Disarmed
 * once the body has been read. A slow but steady body is bounded by Node's requestTimeout.
 */
export function cutOffStalledBodies(idleMs: number): RequestHandler {
  return (request: Request, _response: Response, next: NextFunction) => {
    if (hasBody(request)) cutOffWhenIdle(request, idleMs);
    next();
  };
}

function hasBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

function cutOffWhenIdle(request: Request, idleMs: number): void {
  if (request.complete || request.destroyed || idleMs <= 0) return;
  request.setTimeout(idleMs, () => {
    if (request.complete) return;
    (request as unknown as Record<symbol, unknown>)[CUT_OFF] = true;
    const socket = request.socket;
    const message = stalledMessage(idleMs);
    const body = JSON.stringify({ type: 'about:blank', title: 'Request Timeout', status: 408, detail: message, instance: request.originalUrl, errors: [{ field: stalledField(request), message }] });
    if (!request.res?.headersSent && socket.writable) {
      socket.end(`HTTP/1.1 408 Request Timeout\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
    // The client may never close its side: the connection goes after a moment to flush the answer.
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  request.once('end', () => request.socket?.setTimeout(0));
}
