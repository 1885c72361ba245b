import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { HubEnv } from '../env.js';
import { unsupportedParameters } from '../query-parameters.js';

/**
 * The query parameters of each `/v1` operation, keyed `METHOD /v1/path` as in `openapi.yaml` (a
 * test keeps the two equal). An operation not listed takes none.
 */
export const V1_QUERY_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  'GET /v1/audit': ['facility', 'patient', 'limit'],
  'GET /v1/patients': ['identifier', 'family', 'given', 'name', 'birthDate', 'sex', 'limit', 'cursor'],
  'GET /v1/patients/by-identifier': ['identifier'],
  'GET /v1/patients/cross-reference': ['identifier', 'targetSystem'],
  'GET /v1/lab-reports': ['patient', 'code', 'since', 'until', 'facility', 'status', 'limit', 'cursor'],
  'GET /v1/imaging-references': ['patient', 'modality', 'since', 'until', 'facility', 'limit', 'cursor'],
  'GET /v1/patients/{identifier}/visits': [
    'facility',
    'visitType',
    'diagnosis',
    'since',
    'until',
    'limit',
    'cursor',
  ],
  'GET /v1/patients/{identifier}/summary': ['asOf'],
};

/** A Hono route path as the contract writes it: `/v1/visits/:key` → `/v1/visits/{key}`. */
const contractPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/**
 * 400 `HUB_PARAMETER_UNSUPPORTED` for a query parameter the operation does not declare, before
 * its handler runs; a path no operation serves goes on to its 404.
 */
export const refuseUndeclaredQuery: MiddlewareHandler<HubEnv> = async (c, next) => {
  // The last route matched is the operation's handler (HEAD requests match GET handlers).
  const route = matchedRoutes(c).at(-1);
  if (route && route.method !== 'ALL') {
    const declared = V1_QUERY_PARAMETERS[`${route.method} ${contractPath(route.path)}`] ?? [];
    const undeclared = [...new Set(new URL(c.req.url).searchParams.keys())].filter(
      (key) => !declared.includes(key),
    );
    if (undeclared.length > 0)
      throw unsupportedParameters('HUB_PARAMETER_UNSUPPORTED', undeclared, {
        en: "see the hub's OpenAPI contract",
        vi: 'xem hợp đồng OpenAPI của sàn',
      });
  }
  await next();
};
