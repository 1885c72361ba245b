import { randomUUID } from 'node:crypto';
import { AuthError, isLienThongError, parseWith, redactUrl, ValidationError } from '@lienthong/core';
import { Hono, type MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { sql } from 'kysely';
import * as z from 'zod';
import type { AuditLog } from '../audit.js';
import type { HubDb } from '../db/open-database.js';
import { addCredential, addFacility, listFacilities, revokeCredential, type Scope } from '../facilities.js';
import type { Logger } from '../logger.js';
import { hashApiKey, looksLikeApiKey } from '../security/api-keys.js';
import { createRateLimiter } from '../security/rate-limit.js';
import { DEFAULT_BODY_LIMIT_BYTES, limitBody, readJsonBody } from './body.js';
import { fhirFacade } from './fhir-facade.js';
import { problemOf } from './problem.js';
import { DEFAULT_PUBLIC_URL, normalizePublicUrl } from './public-url.js';
import { catalogueRoutes } from './routes/catalogue.js';
import { imagingRoutes } from './routes/imaging.js';
import { labReportRoutes } from './routes/lab-reports.js';
import { wholeNumber } from './routes/params.js';
import { patientRoutes } from './routes/patients.js';
import { refuseUndeclaredQuery } from './routes/query-declarations.js';
import { reuseRoutes } from './routes/reuse.js';

/** The authenticated caller of a request. */
export interface Caller {
  facilityCode: string;
  credentialId: string;
  scopes: ReadonlySet<Scope>;
  /** End user the calling system acts for (`X-User`), for the audit trail. */
  userRef: string | undefined;
  /** Purpose of use (`X-Purpose-Of-Use`, default `TREAT`). */
  purpose: string;
}

export type HubEnv = {
  Variables: { caller: Caller; requestId: string; publicUrl: string; bodyLimitBytes?: number };
};

/** Options of {@link createHubApp}. */
export interface HubAppOptions {
  store: HubDb;
  audit: AuditLog;
  logger: Logger;
  /** A bootstrap administrator key (e.g. from `LIENTHONG_HUB_ADMIN_KEY`), compared by hash. */
  adminKey?: string;
  /** Per-credential rate limit (default 200 requests/s, bursts of 400); `false` to disable. */
  rateLimit?: { perSecond: number; capacity: number } | false;
  /** Largest accepted request body in bytes (default 5 MiB). */
  bodyLimitBytes?: number;
  /**
   * The hub's public base URL (`https://hub.so-y-te.example.vn`, with a path prefix behind a
   * proxy: `https://gateway.example.vn/lienthong`): every link the hub writes (FHIR Bundle links,
   * `fullUrl`s, the CapabilityStatement) starts with it, never with the request's `Host` or
   * forwarding headers. Default `http://127.0.0.1:8080`; `startHub` defaults to the address it
   * listens on.
   */
  publicUrl?: string;
  /** Reports whether the hub is shutting down (readiness then answers 503). */
  isShuttingDown?: () => boolean;
}

const auth401 = () =>
  new AuthError({
    code: 'HUB_AUTH_REQUIRED',
    message: 'A valid API key is required.',
    messageVi: 'Cần khóa API hợp lệ.',
    status: 401,
  });
const forbidden = (scope: string) =>
  new AuthError({
    code: 'HUB_SCOPE_MISSING',
    message: `This credential lacks the "${scope}" scope.`,
    messageVi: `Thông tin xác thực này không có quyền "${scope}".`,
    status: 403,
  });

// A percent-encoded control character (%00–%1F, %7F) anywhere in the URL. A decoded NUL reaches
// PostgreSQL as an error (a 5xx), and no id, token or name the hub reads holds a control character.
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;

/** 400 `HUB_URL_INVALID` for a URL carrying a control character, before anything reads it. */
const refuseControlCharacters: MiddlewareHandler<HubEnv> = async (c, next) => {
  if (ENCODED_CONTROL.test(c.req.url))
    throw new ValidationError({
      code: 'HUB_URL_INVALID',
      message: 'The URL holds a control character (%00–%1F or %7F).',
      messageVi: 'URL chứa ký tự điều khiển (%00–%1F hoặc %7F).',
      path: 'url',
    });
  await next();
};

/** Throws 403 unless the caller holds `scope`. */
export function requireScope(caller: Caller, scope: Scope): void {
  if (!caller.scopes.has(scope) && !caller.scopes.has('admin')) throw forbidden(scope);
}

/** The publisher a caller acts as (administrators may publish on behalf of the facility a record names). */
export function publisherOf(caller: Caller): { facilityCode: string; admin: boolean } {
  return { facilityCode: caller.facilityCode, admin: caller.scopes.has('admin') };
}

/**
 * Builds the hub's HTTP application (Hono, fetch-based: it runs on Node's HTTP server, in tests
 * through `app.request()`, or behind any fetch-compatible runtime).
 */
export function createHubApp(options: HubAppOptions): Hono<HubEnv> {
  const { store, audit, logger } = options;
  const publicUrl = normalizePublicUrl(options.publicUrl ?? DEFAULT_PUBLIC_URL);
  const db = store.db;
  const adminHash = options.adminKey ? hashApiKey(options.adminKey) : undefined;
  const limiter =
    options.rateLimit === false
      ? undefined
      : createRateLimiter(options.rateLimit ?? { perSecond: 200, capacity: 400 });
  const app = new Hono<HubEnv>();

  app.onError((error, c) => {
    const { status, body } = problemOf(error);
    const acceptEncoding = isLienThongError(error) ? error.details?.acceptEncoding : undefined;
    if (typeof acceptEncoding === 'string') c.header('accept-encoding', acceptEncoding);
    if (status >= 500)
      logger.error({ requestId: c.get('requestId'), code: body.code, err: String(error) }, 'request failed');
    return c.json(body, status as ContentfulStatusCode, { 'content-type': 'application/problem+json' });
  });
  app.notFound((c) =>
    c.json(
      {
        type: 'urn:lienthong:error:HUB_ROUTE_NOT_FOUND',
        title: 'HUB_ROUTE_NOT_FOUND',
        status: 404,
        code: 'HUB_ROUTE_NOT_FOUND',
        detail: 'No such endpoint.',
        messageVi: 'Không có địa chỉ này.',
      },
      404,
      { 'content-type': 'application/problem+json' },
    ),
  );

  // Request ID and access log (URLs redacted: they may carry identifiers).
  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('publicUrl', publicUrl);
    const started = performance.now();
    await next();
    c.header('x-request-id', requestId);
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

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    if (options.isShuttingDown?.()) return c.json({ status: 'shutting-down' }, 503);
    try {
      await sql`select 1`.execute(db);
      return c.json({ status: 'ready', database: store.dialect });
    } catch {
      return c.json({ status: 'database-unavailable' }, 503);
    }
  });

  const v1 = new Hono<HubEnv>();
  v1.use('*', refuseControlCharacters);
  v1.use('*', limitBody(options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES));
  const authenticate: MiddlewareHandler<HubEnv> = async (c, next) => {
    const header = c.req.header('authorization');
    const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : c.req.header('x-api-key');
    if (!key) throw auth401();
    const hash = hashApiKey(key);
    let caller: Omit<Caller, 'userRef' | 'purpose'>;
    if (adminHash && hash === adminHash) {
      caller = {
        facilityCode: '*',
        credentialId: 'admin',
        scopes: new Set<Scope>(['admin', 'read', 'write']),
      };
    } else {
      if (!looksLikeApiKey(key)) throw auth401();
      const row = await db
        .selectFrom('credentials')
        .select(['id', 'facility_code', 'scopes'])
        .where('key_hash', '=', hash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) throw auth401();
      caller = {
        facilityCode: row.facility_code,
        credentialId: row.id,
        scopes: new Set(row.scopes.split(' ') as Scope[]),
      };
    }
    const wait = limiter?.take(caller.credentialId) ?? 0;
    if (wait > 0) {
      c.header('retry-after', String(wait));
      return c.json(
        {
          type: 'urn:lienthong:error:HUB_RATE_LIMITED',
          title: 'HUB_RATE_LIMITED',
          status: 429,
          code: 'HUB_RATE_LIMITED',
          detail: 'Too many requests for this credential.',
          messageVi: 'Quá nhiều yêu cầu cho thông tin xác thực này.',
        },
        429,
        { 'content-type': 'application/problem+json' },
      );
    }
    const user = c.req.header('x-user');
    c.set('caller', {
      ...caller,
      userRef: user && user.length <= 200 ? user : undefined,
      purpose: /^[A-Z_]{2,30}$/.test(c.req.header('x-purpose-of-use') ?? '')
        ? c.req.header('x-purpose-of-use')!
        : 'TREAT',
    });
    await next();
  };

  v1.use('*', authenticate);
  v1.use('*', refuseUndeclaredQuery);

  v1.get('/me', (c) => {
    const caller = c.get('caller');
    return c.json({ facilityCode: caller.facilityCode, scopes: [...caller.scopes] });
  });

  const NewFacility = z.object({
    code: z.string(),
    name: z.string(),
    scopes: z.array(z.string()).optional(),
  });
  v1.get('/facilities', async (c) => c.json({ items: await listFacilities(db) }));
  v1.post('/facilities', async (c) => {
    requireScope(c.get('caller'), 'admin');
    const body = parseWith(NewFacility, await readJsonBody(c), {
      code: 'HUB_REQUEST_INVALID',
      pathPrefix: 'body',
    });
    const created = await addFacility(db, body);
    return c.json(created, 201);
  });
  v1.post('/facilities/:code/credentials', async (c) => {
    requireScope(c.get('caller'), 'admin');
    const body = parseWith(
      z.object({ scopes: z.array(z.string()).optional(), label: z.string().max(100).optional() }),
      (await readJsonBody(c, { optional: true })) ?? {},
      {
        code: 'HUB_REQUEST_INVALID',
        pathPrefix: 'body',
      },
    );
    return c.json(await addCredential(db, c.req.param('code'), body), 201);
  });
  v1.delete('/credentials/:id', async (c) => {
    const caller = c.get('caller');
    const id = c.req.param('id');
    if (!caller.scopes.has('admin')) {
      const own = await db
        .selectFrom('credentials')
        .select('id')
        .where('id', '=', id)
        .where('facility_code', '=', caller.facilityCode)
        .executeTakeFirst();
      if (!own) throw forbidden('admin');
    }
    await revokeCredential(db, id);
    return c.body(null, 204);
  });

  const PatientToken = z.string().regex(/^[^|]+\|.+$/, 'Expected system|value');
  const AuditQuery = z.object({
    facility: z.string().optional(),
    patient: PatientToken.optional(),
  });
  v1.get('/audit', async (c) => {
    const caller = c.get('caller');
    const { limit: rawLimit, ...filters } = c.req.query();
    const query = {
      ...parseWith(AuditQuery, filters, { code: 'HUB_REQUEST_INVALID', pathPrefix: 'query' }),
      limit: rawLimit === undefined ? undefined : wholeNumber(rawLimit, 1, 1000),
    };
    if (rawLimit !== undefined && query.limit === undefined)
      throw new ValidationError({
        code: 'HUB_REQUEST_INVALID',
        message: 'limit must be a whole number from 1 to 1000.',
        messageVi: 'limit phải là số nguyên từ 1 đến 1000.',
        path: 'query.limit',
      });
    if (!caller.scopes.has('admin') && query.facility && query.facility !== caller.facilityCode)
      throw forbidden('admin');
    const patient = query.patient
      ? {
          system: query.patient.slice(0, query.patient.indexOf('|')),
          value: query.patient.slice(query.patient.indexOf('|') + 1),
        }
      : undefined;
    const items = await audit.list({
      facilityCode: caller.scopes.has('admin') ? query.facility : caller.facilityCode,
      ...(patient ? { patient } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
    });
    return c.json({ items });
  });

  const deps = { db, store, audit };
  patientRoutes(v1, deps);
  labReportRoutes(v1, deps);
  imagingRoutes(v1, deps);
  catalogueRoutes(v1);
  reuseRoutes(v1, deps);

  app.route('/v1', v1);

  // FHIR R4 read/search facade: the CapabilityStatement is public, every other read is authenticated and audited.
  const fhir = new Hono<HubEnv>();
  fhir.use('*', refuseControlCharacters);
  fhir.use('*', async (c, next) => (c.req.path.endsWith('/metadata') ? next() : authenticate(c, next)));
  fhirFacade(fhir, deps);
  app.route('/fhir', fhir);
  return app;
}
