import { NotFoundError, toOperationOutcome } from '@lienthong/core';
import type { ErrorHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../logger.js';
import type { HubEnv } from './env.js';
import { fhirJson } from './fhir/respond.js';
import { familyErrorOf, problemOf } from './problem.js';

/** 404 `HUB_ROUTE_NOT_FOUND`: no endpoint serves the path and method. */
export const routeNotFound = () =>
  new NotFoundError({
    code: 'HUB_ROUTE_NOT_FOUND',
    message: 'No such endpoint.',
    messageVi: 'Không có địa chỉ này.',
  });

/** The headers an error asks its answer to carry (`details.headers`: `Retry-After`, `Allow`…). */
function headersOf(details: Readonly<Record<string, unknown>> | undefined): [string, string][] {
  const headers = details?.headers;
  if (typeof headers !== 'object' || headers === null) return [];
  return Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

/**
 * The one place errors become answers. Routes and middleware throw errors of the family; this
 * handler answers each with its status (`problem.ts`), the headers it names in `details.headers`,
 * and its body: an `OperationOutcome` under the FHIR facade (`fhirBase`), a problem document
 * everywhere else. Anything unexpected is `HUB_INTERNAL_ERROR` and is logged.
 */
export function renderError(logger: Logger, fhirBase: string): ErrorHandler<HubEnv> {
  return (thrown, c) => {
    const error = familyErrorOf(thrown);
    const { status, body } = problemOf(error);
    for (const [name, value] of headersOf(error.details)) c.header(name, value);
    if (status >= 500)
      logger.error(
        { requestId: c.get('requestId'), code: error.code, err: String(thrown) },
        'request failed',
      );
    const path = c.req.path;
    if (path === fhirBase || path.startsWith(`${fhirBase}/`))
      return fhirJson(c, toOperationOutcome(error), status);
    return c.json(body, status as ContentfulStatusCode, { 'content-type': 'application/problem+json' });
  };
}
