import { ValidationError } from '@lienthong/core';
import {
  DEFAULT_DISCLOSURE_POLICY,
  type DisclosurePolicy,
  parseDisclosurePolicy,
} from '@lienthong/visits/provider-kit';
import type { Hono } from 'hono';
import { sql } from 'kysely';
import type { AuditLog } from '../audit.js';
import type { HubDb } from '../db/open-database.js';
import type { BulkExports } from '../export/jobs-runner.js';
import type { Logger } from '../logger.js';
import { hashApiKey } from '../security/api-keys.js';
import { createCredentialCache } from '../security/credential-cache.js';
import { createRateLimiter } from '../security/rate-limit.js';
import type { SummaryPool } from '../summary/summary-pool.js';
import { authenticate } from './auth.js';
import { DEFAULT_BODY_LIMIT_BYTES, limitBody } from './body.js';
import type { RouteDeps } from './deps.js';
import type { HubEnv } from './env.js';
import { hubFactory } from './factory.js';
import { fhirFacade } from './fhir-facade.js';
import { DEFAULT_PUBLIC_URL, normalizePublicUrl } from './public-url.js';
import { renderError, routeNotFound } from './render-error.js';
import { requestLog } from './request-log.js';
import { adminRoutes } from './routes/admin.js';
import { catalogueRoutes } from './routes/catalogue.js';
import { imagingRoutes } from './routes/imaging.js';
import { labReportRoutes } from './routes/lab-reports.js';
import { patientRoutes } from './routes/patients.js';
import { refuseUndeclaredQuery } from './routes/query-declarations.js';
import { reuseRoutes } from './routes/reuse.js';
import { patientVisitRoutes, visitRoutes } from './routes/visits.js';
import { refuseControlCharacters } from './url-guard.js';

/** Options of {@link createHubApp}. */
export interface HubAppOptions {
  store: HubDb;
  audit: AuditLog;
  logger: Logger;
  /** A bootstrap administrator key (e.g. from `LIENTHONG_HUB_ADMIN_KEY`), compared by hash. */
  adminKey?: string;
  /** Per-credential rate limit (default 200 requests/s, bursts of 400); `false` to disable. */
  rateLimit?: { perSecond: number; capacity: number } | false;
  /**
   * Lookups of unknown API keys per client address (default 5/s, bursts of 20): each costs a
   * database read, so past it the hub answers 429 before looking a key up. Keys found recently are
   * never refused by it. `false` to disable.
   */
  unknownKeyRate?: { perSecond: number; capacity: number } | false;
  /**
   * Proxies in front of the hub that append the address they received from to `X-Forwarded-For`
   * (default 0: the TCP peer is the client). Set it to the number of such proxies, never more: the
   * client writes the entries left of theirs (`http/client-address.ts`).
   */
  trustedProxyHops?: number;
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
  /**
   * Sensitive diagnoses: ICD-10 ranges withheld from readers of another facility unless their
   * purpose of use (`X-Purpose-Of-Use`) allows it, on every visit read and summary (the answer and
   * the audit entry count what was withheld). Validated with `parseDisclosurePolicy`
   * (`DISCLOSURE_POLICY_INVALID` at start-up); default `DEFAULT_DISCLOSURE_POLICY`, withholding nothing.
   */
  disclosurePolicy?: DisclosurePolicy;
  /** FHIR Bulk Data exports (`/fhir/$export`, `export/jobs-runner.ts`); without them the facade serves none. */
  exports?: BulkExports;
  /**
   * Worker threads that make `GET /v1/patients/{id}/summary` answers off the event loop
   * (`createSummaryPool`; its owner closes it). Without them summaries are made on the event loop:
   * the same answers, fewer per second.
   */
  summaries?: SummaryPool;
  /** Reports whether the hub is shutting down (readiness then answers 503). */
  isShuttingDown?: () => boolean;
}

/** `options.trustedProxyHops` (default 0); `HUB_TRUSTED_PROXY_HOPS_INVALID` unless a whole number ≥ 0. */
function trustedProxyHops(options: HubAppOptions): number {
  const hops = options.trustedProxyHops ?? 0;
  if (Number.isSafeInteger(hops) && hops >= 0) return hops;
  throw new ValidationError({
    code: 'HUB_TRUSTED_PROXY_HOPS_INVALID',
    message: `trustedProxyHops takes a whole number ≥ 0, not ${String(hops)}.`,
    messageVi: `trustedProxyHops nhận số nguyên ≥ 0, không phải ${String(hops)}.`,
    path: 'trustedProxyHops',
  });
}

/** Where the FHIR facade is mounted; its errors are answered as OperationOutcomes. */
export const FHIR_BASE = '/fhir';

/**
 * Builds the hub's HTTP application (Hono, fetch-based: it runs on Node's HTTP server, in tests
 * through `app.request()`, or behind any fetch-compatible runtime): `/health` and `/ready`, the
 * hub API under `/v1` — one sub-app per route family behind the same guards — and the FHIR facade
 * under `/fhir`. Every error is thrown as an error of the family and answered in one place
 * (`render-error.ts`).
 */
export function createHubApp(options: HubAppOptions): Hono<HubEnv> {
  const { store, audit, logger } = options;
  const deps: RouteDeps = { db: store.db, store, audit };
  const visitOptions = {
    disclosurePolicy: parseDisclosurePolicy(options.disclosurePolicy ?? DEFAULT_DISCLOSURE_POLICY),
    summaries: options.summaries,
  };
  const rateLimit = options.rateLimit ?? { perSecond: 200, capacity: 400 };
  const unknownKeyRate = options.unknownKeyRate ?? { perSecond: 5, capacity: 20 };
  // One middleware, so /v1 and /fhir share each credential's rate limit.
  const credentials = createCredentialCache();
  const authenticated = authenticate({
    db: store.db,
    credentials,
    adminKeyHash: options.adminKey ? hashApiKey(options.adminKey) : undefined,
    limiter: rateLimit === false ? undefined : createRateLimiter(rateLimit),
    unknownKeys:
      unknownKeyRate === false
        ? undefined
        : { limiter: createRateLimiter(unknownKeyRate), trustedProxyHops: trustedProxyHops(options) },
  });

  const v1 = hubFactory
    .createApp()
    .use(refuseControlCharacters)
    .use(limitBody(options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES))
    .use(authenticated)
    .use(refuseUndeclaredQuery)
    .route('/', adminRoutes(deps, credentials))
    .route('/patients', patientRoutes(deps))
    .route('/patients', patientVisitRoutes(deps, visitOptions))
    .route('/visits', visitRoutes(deps, visitOptions))
    .route('/lab-reports', labReportRoutes(deps))
    .route('/imaging-references', imagingRoutes(deps))
    .route('/catalogue', catalogueRoutes())
    .route('/reuse-check', reuseRoutes(deps));

  const app = hubFactory.createApp();
  const answerError = renderError(logger, FHIR_BASE);
  app.onError(answerError);
  // Answered, not thrown: Hono calls this handler outside the chain's error boundary, so a throw
  // would unwind through the request log and lose its X-Request-ID.
  app.notFound((c) => answerError(routeNotFound(), c));
  app.use(requestLog(logger, normalizePublicUrl(options.publicUrl ?? DEFAULT_PUBLIC_URL)));
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    if (options.isShuttingDown?.()) return c.json({ status: 'shutting-down' }, 503);
    try {
      await sql`select 1`.execute(store.db);
      return c.json({ status: 'ready', database: store.dialect });
    } catch {
      return c.json({ status: 'database-unavailable' }, 503);
    }
  });
  app.route('/v1', v1);
  app.route(FHIR_BASE, fhirFacade(deps, authenticated, visitOptions, options.exports));
  return app;
}
