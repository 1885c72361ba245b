import { isLienThongError, isTransportError, LienThongError, ValidationError } from '@lienthong/core';
import { isIdempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH, type WriteReceipt } from '@lienthong/core/contract';
import type BetterSqlite3 from 'better-sqlite3';
import type { ResultExchange } from '../contract.js';
import type { LabReport } from '../model.js';
import { checkPublishable, contentKey } from '../provider-kit/publish.js';

/**
 * A durable outbox: publishes are queued in a local SQLite file (better-sqlite3) and delivered to a
 * ResultExchange when it is reachable, with exponential backoff. Each entry has a fixed idempotency
 * key, so a delivery interrupted after the receiver stored it (crash, kill, lost answer) is sent
 * again with the same key and the receiver answers `unchanged`: exactly once as the receiver sees
 * it. The file survives restarts; `list` shows pending, failed (with reason) and delivered entries.
 * Node.js only (`better-sqlite3` is an optional peer dependency).
 */

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

export interface OutboxEntry {
  seq: number;
  key: string;
  reportId: string;
  status: OutboxStatus;
  attempts: number;
  enqueuedAt: string;
  nextAttemptAt: string;
  deliveredAt?: string;
  lastError?: { code: string; message: string };
  receipt?: WriteReceipt;
}

export interface OutboxOptions {
  /** SQLite file path (`:memory:` for tests). */
  file: string;
  exchange: ResultExchange;
  /** better-sqlite3's constructor (default: loaded with `require`/`import` of `better-sqlite3`). */
  Database?: typeof BetterSqlite3;
  backoff?: { initialMs?: number; maxMs?: number; factor?: number };
  /** Give up (status `failed`) after this many retryable failures (default: never). */
  maxAttempts?: number;
  now?: () => number;
}

export interface DeliveryReport {
  delivered: number;
  retried: number;
  failed: number;
  pending: number;
}

export interface Outbox {
  /** Queues a report; answers its idempotency key. The same content queued twice is one entry. */
  enqueue(report: LabReport, options?: { idempotencyKey?: string }): { key: string; seq: number };
  /** One delivery pass over the due entries, in queue order. */
  deliver(options?: { signal?: AbortSignal; limit?: number }): Promise<DeliveryReport>;
  /** Delivers every `intervalMs` until stopped. */
  start(intervalMs?: number): { stop(): Promise<void> };
  list(filter?: { status?: OutboxStatus }): OutboxEntry[];
  counts(): Record<OutboxStatus, number>;
  /** Puts failed entries back in the queue. */
  retryFailed(): number;
  close(): void;
}

interface Row {
  seq: number;
  key: string;
  report_id: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  enqueued_at: number;
  next_attempt_at: number;
  delivered_at: number | null;
  error_code: string | null;
  error_message: string | null;
  receipt: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The key of a report queued without one: `lt-<report id>-<content hash>`, readable in the hub's
 * logs; a report id that would make it no idempotency key (longer than ~180 characters, or not
 * printable ASCII) is hashed too — a receiver would refuse the key, and the entry never be delivered.
 */
function defaultKey(report: LabReport): string {
  const content = hash(contentKey(report));
  const readable = `lt-${report.id}-${content}`;
  return isIdempotencyKey(readable) ? readable : `lt-${hash(report.id)}-${content}`;
}

const keyInvalid = () =>
  new ValidationError({
    code: 'OUTBOX_KEY_INVALID',
    path: 'idempotencyKey',
    message: `An idempotency key is 1–${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters; nothing was queued.`,
    messageVi: `Khóa idempotency gồm 1–${MAX_IDEMPOTENCY_KEY_LENGTH} ký tự ASCII in được; chưa xếp hàng phiếu nào.`,
  });

function hash(text: string): string {
  // FNV-1a 64-bit as two 32-bit halves: a stable, dependency-free content fingerprint.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x811c9dc5) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/** Whether a failure may pass when sent again (remote down, timeout, 5xx, 429). */
function retryable(error: unknown): boolean {
  if (isTransportError(error)) return error.retryable;
  if (isLienThongError(error)) return false;
  return true; // unknown failures (network stacks) are retried
}

/** Creates (or reopens) an outbox stored in `options.file`. */
export function createOutbox(options: OutboxOptions): Outbox {
  const Database = options.Database ?? loadSqlite();
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    report_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','delivered','failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    enqueued_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    delivered_at INTEGER,
    error_code TEXT,
    error_message TEXT,
    receipt TEXT
  ); CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at, seq);`);
  const now = options.now ?? Date.now;
  const initial = options.backoff?.initialMs ?? 1000;
  const max = options.backoff?.maxMs ?? 5 * 60_000;
  const factor = options.backoff?.factor ?? 2;

  const insert = db.prepare(
    `INSERT INTO outbox (key, report_id, payload, status, enqueued_at, next_attempt_at) VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT(key) DO NOTHING`,
  );
  const byKey = db.prepare('SELECT * FROM outbox WHERE key = ?');
  const due = db.prepare(
    `SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY seq LIMIT ?`,
  );
  const markDelivered = db.prepare(
    `UPDATE outbox SET status = 'delivered', delivered_at = ?, attempts = attempts + 1, receipt = ?, error_code = NULL, error_message = NULL WHERE seq = ?`,
  );
  const markRetry = db.prepare(
    `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error_code = ?, error_message = ? WHERE seq = ?`,
  );
  const markFailed = db.prepare(
    `UPDATE outbox SET status = 'failed', attempts = attempts + 1, error_code = ?, error_message = ? WHERE seq = ?`,
  );

  const toEntry = (r: Row): OutboxEntry => ({
    seq: r.seq,
    key: r.key,
    reportId: r.report_id,
    status: r.status,
    attempts: r.attempts,
    enqueuedAt: iso(r.enqueued_at),
    nextAttemptAt: iso(r.next_attempt_at),
    ...(r.delivered_at !== null ? { deliveredAt: iso(r.delivered_at) } : {}),
    ...(r.error_code !== null ? { lastError: { code: r.error_code, message: r.error_message ?? '' } } : {}),
    ...(r.receipt !== null ? { receipt: JSON.parse(r.receipt) as WriteReceipt } : {}),
  });

  let running: Promise<DeliveryReport> | undefined;

  async function deliverOnce(opts: { signal?: AbortSignal; limit?: number }): Promise<DeliveryReport> {
    const result: DeliveryReport = { delivered: 0, retried: 0, failed: 0, pending: 0 };
    const rows = due.all(now(), opts.limit ?? 1000) as Row[];
    for (const row of rows) {
      if (opts.signal?.aborted) break;
      const report = JSON.parse(row.payload) as LabReport;
      try {
        const receipt = await options.exchange.publish(report, {
          idempotencyKey: row.key,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        markDelivered.run(now(), JSON.stringify(receipt), row.seq);
        result.delivered++;
      } catch (error) {
        const code = isLienThongError(error) ? error.code : 'OUTBOX_DELIVERY_FAILED';
        const message = error instanceof Error ? error.message : String(error);
        const attempts = row.attempts + 1;
        if (retryable(error) && (options.maxAttempts === undefined || attempts < options.maxAttempts)) {
          const wait = Math.min(max, initial * factor ** (attempts - 1));
          markRetry.run(now() + wait, code, message, row.seq);
          result.retried++;
        } else {
          markFailed.run(code, message, row.seq);
          result.failed++;
        }
      }
    }
    result.pending = (
      db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'`).get() as { n: number }
    ).n;
    return result;
  }

  return {
    enqueue(input, opts = {}) {
      const report = checkPublishable(input);
      const key = opts.idempotencyKey ?? defaultKey(report);
      if (!isIdempotencyKey(key)) throw keyInvalid();
      insert.run(key, report.id, JSON.stringify(report), now(), now());
      const row = byKey.get(key) as Row;
      if (
        row.payload !== JSON.stringify(report) &&
        contentKey(JSON.parse(row.payload)) !== contentKey(report)
      ) {
        throw new LienThongError({
          code: 'IDEMPOTENCY_KEY_REUSED',
          path: 'idempotencyKey',
          message: 'This idempotency key is queued with another report',
          messageVi: 'Khóa idempotency này đã được xếp hàng với một phiếu khác',
        });
      }
      return { key, seq: row.seq };
    },
    deliver(opts = {}) {
      // One pass at a time: a concurrent call waits for the running pass.
      running ??= deliverOnce(opts).finally(() => {
        running = undefined;
      });
      return running;
    },
    start(intervalMs = 5000) {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = async () => {
        if (stopped) return;
        try {
          await this.deliver();
        } finally {
          if (!stopped) timer = setTimeout(tick, intervalMs);
        }
      };
      timer = setTimeout(tick, 0);
      return {
        async stop() {
          stopped = true;
          if (timer) clearTimeout(timer);
          await running;
        },
      };
    },
    list(filter = {}) {
      const rows = (
        filter.status
          ? db.prepare('SELECT * FROM outbox WHERE status = ? ORDER BY seq').all(filter.status)
          : db.prepare('SELECT * FROM outbox ORDER BY seq').all()
      ) as Row[];
      return rows.map(toEntry);
    },
    counts() {
      const out: Record<OutboxStatus, number> = { pending: 0, delivered: 0, failed: 0 };
      for (const r of db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as {
        status: OutboxStatus;
        n: number;
      }[])
        out[r.status] = r.n;
      return out;
    },
    retryFailed() {
      return db
        .prepare(`UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE status = 'failed'`)
        .run(now()).changes;
    },
    close() {
      db.close();
    },
  };
}

function loadSqlite(): typeof BetterSqlite3 {
  try {
    // better-sqlite3 is CommonJS; `module.createRequire` works from both builds.
    const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module');
    return createRequire(import.meta.url ?? `${process.cwd()}/`)('better-sqlite3') as typeof BetterSqlite3;
  } catch (error) {
    throw new LienThongError({
      code: 'OUTBOX_SQLITE_MISSING',
      message: 'The outbox needs better-sqlite3 (npm install better-sqlite3) or options.Database',
      messageVi: 'Hàng đợi cần better-sqlite3 (npm install better-sqlite3) hoặc options.Database',
      cause: error,
    });
  }
}
