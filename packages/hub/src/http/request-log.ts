import { randomUUID } from 'node:crypto';
import { redactUrl } from '@lienthong/core';
import type { Logger } from '../logger.js';
import { hubFactory } from './factory.js';

/**
 * Middleware that gives every request an ID (a well-formed `X-Request-ID` is kept, else a new
 * UUID; echoed in the answer), sets the public URL links start with, and writes one access-log
 * line — URL redacted: it may carry identifiers.
 */
export function requestLog(logger: Logger, publicUrl: string) {
  return hubFactory.createMiddleware(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('publicUrl', publicUrl);
    const started = performance.now();
    // Set before the answer exists, so it is built with the header: set on a finished answer, it
    // makes the answer be rebuilt as a stream (a copy of the body, slow for a large one).
    c.header('x-request-id', requestId);
    await next();
    // An answer built without the context's headers (a bare Response) still gets it.
    if (!c.res.headers.has('x-request-id')) c.header('x-request-id', requestId);
    logger.info(
      {
        requestId,
        method: c.req.method,
        url: redactUrl(c.req.url),
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        facility: c.get('caller')?.facilityCode,
      },
      'request',
    );
  });
}
