import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { LienThongError, toOperationOutcome, ValidationError } from '@lienthong/core';
import { FHIR_JSON } from '@lienthong/core/fhir';
import { parseDisclosurePolicy } from '@lienthong/visits/provider-kit';
import type { Hono } from 'hono';
import { createAuditLog } from './audit.js';
import { type DatabaseConfig, type HubDb, openDatabase } from './db/open-database.js';
import { type BulkExportOptions, type BulkExports, createBulkExports } from './export/jobs-runner.js';
import { createHubApp, FHIR_BASE, type HubAppOptions } from './http/app.js';
import type { HubEnv } from './http/env.js';
import { problemOf } from './http/problem.js';
import { normalizePublicUrl } from './http/public-url.js';
import { MAX_HEADER_BYTES } from './limits.js';
import { createLogger, type Logger } from './logger.js';
import { createSummaryPool } from './summary/summary-pool.js';

/** How long an idle keep-alive connection stays open: longer than the 60 s of common proxies. */
const KEEP_ALIVE_MS = 65_000;

/** Options of {@link startHub}. */
export interface StartHubOptions
  extends Pick<
    HubAppOptions,
    | 'adminKey'
    | 'rateLimit'
    | 'unknownKeyRate'
    | 'trustedProxyHops'
    | 'bodyLimitBytes'
    | 'publicUrl'
    | 'disclosurePolicy'
  > {
  database: DatabaseConfig;
  /** Port (default 8080; 0 picks a free one). */
  port?: number;
  /** Interface to bind (default 127.0.0.1 — expose it deliberately, behind TLS). */
  host?: string;
  logger?: Logger;
  /**
   * FHIR Bulk Data exports (`/fhir/$export`): where files go, how many jobs run at once, expiry,
   * file size, the de-identification hook (see {@link BulkExportOptions}). On by default, files
   * in {@link defaultExportDirectory} unless `directory` says otherwise; `false` turns exports off.
   * Only credentials holding the `export` scopes can start one.
   */
  exports?: BulkExportOptions | false;
  /**
   * Worker threads making patients' summaries off the event loop (`GET /v1/patients/{id}/summary`):
   * default one fewer than the machine's cores, at most 4 (`availableParallelism()`); `0` makes
   * them on the event loop. Each worker holds ICD-10 in memory (about 20 MB).
   */
  summaryWorkers?: number;
}

/**
 * Where export files go when no directory is configured: beside a SQLite file
 * (`<file>.exports`); else a directory of the database's own under the temp dir (named by a
 * digest of its URL without credentials), so hubs of different databases never share one.
 */
export function defaultExportDirectory(database: DatabaseConfig): string {
  if ('sqlite' in database && database.sqlite !== ':memory:' && database.sqlite !== '')
    return `${resolvePath(database.sqlite)}.exports`;
  let name = 'sqlite' in database ? `memory-${process.pid}` : database.postgres;
  if ('postgres' in database)
    try {
      const url = new URL(database.postgres);
      name = `${url.hostname}:${url.port}${url.pathname}`;
    } catch {
      // not a URL (a connection string): its digest still names it
    }
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return join(tmpdir(), 'lienthong-hub-exports', digest);
}

/** A running hub. */
export interface RunningHub {
  /** The address the hub listens on (`http://127.0.0.1:8080`). */
  readonly url: string;
  /** The base URL of the links it writes: `publicUrl` when configured, else {@link url}. */
  readonly publicUrl: string;
  readonly app: Hono<HubEnv>;
  readonly store: HubDb;
  /** Graceful shutdown: readiness turns 503, in-flight requests finish, then the database closes. */
  close(): Promise<void>;
}

/**
 * Opens the database (applying migrations) and starts the hub's HTTP server.
 * @example const hub = await startHub({ database: { sqlite: './hub.db' }, port: 8080 });
 */
export async function startHub(options: StartHubOptions): Promise<RunningHub> {
  // Checked before anything is opened: a bad configuration leaves nothing behind.
  const configuredUrl = options.publicUrl === undefined ? undefined : normalizePublicUrl(options.publicUrl);
  const disclosurePolicy =
    options.disclosurePolicy === undefined ? undefined : parseDisclosurePolicy(options.disclosurePolicy);
  const summaryWorkers = options.summaryWorkers ?? Math.min(4, availableParallelism() - 1);
  if (!Number.isInteger(summaryWorkers) || summaryWorkers < 0)
    throw new ValidationError({
      code: 'HUB_OPTION_INVALID',
      message: 'summaryWorkers must be a whole number, 0 or more.',
      messageVi: 'summaryWorkers phải là số nguyên không âm.',
      path: 'summaryWorkers',
    });
  const logger = options.logger ?? createLogger();
  const store = await openDatabase(options.database);
  const audit = await createAuditLog(store);
  let exports: BulkExports | undefined;
  if (options.exports !== false) {
    const directory = options.exports?.directory ?? defaultExportDirectory(options.database);
    exports = createBulkExports(
      store,
      { ...(disclosurePolicy ? { disclosurePolicy } : {}), ...options.exports, directory },
      logger,
    );
    try {
      await exports.start();
    } catch (error) {
      await exports.close();
      await store.close();
      throw error;
    }
  }
  const summaries = summaryWorkers > 0 ? createSummaryPool({ workers: summaryWorkers }) : undefined;
  let shuttingDown = false;
  // The app is built once the port is known (its default public URL is the listening address);
  // no request is read before: the listen callback and this function's continuation run before
  // the event loop accepts a connection.
  let app: Hono<HubEnv> | undefined;
  const host = options.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      {
        fetch: (request, env) => (app ? app.fetch(request, env) : new Response(null, { status: 503 })),
        port: options.port ?? 8080,
        hostname: host,
        serverOptions: { maxHeaderSize: MAX_HEADER_BYTES },
      },
      () => resolve(s),
    );
  });
  (server as Server).on('clientError', answerClientError);
  // Idle keep-alive connections stay open longer than the clients and proxies that reuse them
  // (Node's 5 s is shorter than most): a client never sends on a socket the hub is closing, which
  // it would see as ECONNRESET. Headers must still arrive within their own, longer, timeout.
  (server as Server).keepAliveTimeout = KEEP_ALIVE_MS;
  (server as Server).headersTimeout = KEEP_ALIVE_MS + 1_000;
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const publicUrl = configuredUrl ?? url;
  app = createHubApp({
    store,
    audit,
    logger,
    publicUrl,
    ...(options.adminKey ? { adminKey: options.adminKey } : {}),
    ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
    ...(options.unknownKeyRate !== undefined ? { unknownKeyRate: options.unknownKeyRate } : {}),
    ...(options.trustedProxyHops !== undefined ? { trustedProxyHops: options.trustedProxyHops } : {}),
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    ...(disclosurePolicy ? { disclosurePolicy } : {}),
    ...(exports ? { exports } : {}),
    ...(summaries ? { summaries } : {}),
    isShuttingDown: () => shuttingDown,
  });
  logger.info({ url, publicUrl, database: store.dialect }, 'hub started');
  return {
    url,
    publicUrl,
    app,
    store,
    async close() {
      if (shuttingDown) return;
      shuttingDown = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open; in-flight requests still finish.
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
      // Running exports stop and stay queued: the next hub on this database runs them again.
      await exports?.close();
      await summaries?.close();
      await store.close();
      logger.info('hub stopped');
    },
  };
}

/** What Node's HTTP parser refuses before the app sees a request, as problem documents. */
const CLIENT_ERRORS: Record<
  string,
  { status: number; reason: string; code: string; en: string; vi: string }
> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    code: 'HUB_REQUEST_HEADER_TOO_LARGE',
    en: `The request line (URL) and headers exceed ${MAX_HEADER_BYTES / 1024} KiB; send long values in a JSON body.`,
    vi: `Dòng yêu cầu (URL) và các header vượt quá ${MAX_HEADER_BYTES / 1024} KiB; hãy gửi giá trị dài trong nội dung JSON.`,
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    code: 'HUB_REQUEST_TIMEOUT',
    en: 'The request was not received in time.',
    vi: 'Không nhận đủ yêu cầu trong thời gian cho phép.',
  },
};
const MALFORMED = {
  status: 400,
  reason: 'Bad Request',
  code: 'HUB_REQUEST_MALFORMED',
  en: 'The request is not well-formed HTTP/1.1.',
  vi: 'Yêu cầu không đúng cú pháp HTTP/1.1.',
};

/**
 * Node answers what its parser refuses (an oversized URL or header block, malformed HTTP) with a
 * bare status line; the hub answers with its problem document instead — an OperationOutcome when
 * the refused request names the FHIR facade — then closes the connection.
 */
function answerClientError(error: Error & { code?: string; rawPacket?: Buffer }, socket: Socket): void {
  const pending = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  const known = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
  const { code, en: message, vi: messageVi, status } = known;
  const refusal = new LienThongError({ code, message, messageVi, details: { status } });
  const fhir = namesFhirFacade(error.rawPacket);
  const body = JSON.stringify(fhir ? toOperationOutcome(refusal) : problemOf(refusal).body);
  socket.end(
    `HTTP/1.1 ${known.status} ${known.reason}\r\n` +
      `Content-Type: ${fhir ? FHIR_JSON : 'application/problem+json'}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/**
 * Whether the request Node refused names the FHIR facade. Node hands over the bytes it was parsing
 * when it refused (`rawPacket`); when they start the request line, its path says. A request whose
 * line came in an earlier packet is answered with the problem document.
 */
function namesFhirFacade(packet: Buffer | undefined): boolean {
  const line = packet?.subarray(0, 64).toString('latin1') ?? '';
  const target = /^[A-Z]{3,10} (\S+)/.exec(line)?.[1] ?? '';
  return target === FHIR_BASE || target.startsWith(`${FHIR_BASE}/`) || target.startsWith(`${FHIR_BASE}?`);
}
