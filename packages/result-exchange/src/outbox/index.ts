/**
 * `@lienthong/result-exchange/outbox` — a durable publish queue in a local SQLite file
 * (better-sqlite3, Node.js only).
 * @packageDocumentation
 */
export {
  createOutbox,
  type DeliveryReport,
  type Outbox,
  type OutboxEntry,
  type OutboxOptions,
  type OutboxStatus,
} from './outbox.js';
