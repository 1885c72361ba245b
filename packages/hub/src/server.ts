import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createAuditLog } from './audit.js';
import { type DatabaseConfig, type HubDb, openDatabase } from './db/open-database.js';
import { createHubApp, type HubAppOptions, type HubEnv } from './http/app.js';
import { createLogger, type Logger } from './logger.js';

/** Options of {@link startHub}. */
export interface StartHubOptions extends Pick<HubAppOptions, 'adminKey' | 'rateLimit' | 'bodyLimitBytes'> {
  database: DatabaseConfig;
  /** Port (default 8080; 0 picks a free one). */
  port?: number;
  /** Interface to bind (default 127.0.0.1 — expose it deliberately, behind TLS). */
  host?: string;
  logger?: Logger;
}

/** A running hub. */
export interface RunningHub {
  readonly url: string;
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
  const logger = options.logger ?? createLogger();
  const store = await openDatabase(options.database);
  const audit = await createAuditLog(store);
  let shuttingDown = false;
  const app = createHubApp({
    store,
    audit,
    logger,
    ...(options.adminKey ? { adminKey: options.adminKey } : {}),
    ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    isShuttingDown: () => shuttingDown,
  });
  const host = options.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: host }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, database: store.dialect }, 'hub started');
  return {
    url,
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
      await store.close();
      logger.info('hub stopped');
    },
  };
}
