/**
 * `@lienthong/result-exchange/provider-kit` — for provider authors (and the exchange hub), not for
 * applications: the rules every `ResultExchange` provider shares, so a vendor's provider answers
 * exactly like the shipped ones. `checkPublishable` validates, `decidePublish` decides the outcome
 * (and refuses a silent change to a final report), `contentKey` tells "same or changed", the
 * idempotency cache replays receipts, `matchesQuery` and `byClinicalTimeDesc` filter and order
 * query answers. The abort check, the receipt and the read-only wrapper are in
 * `@lienthong/core/contract`.
 * @packageDocumentation
 */
export { createIdempotencyCache, type IdempotencyCache } from './idempotency.js';
export { checkPublishable, contentKey, decidePublish, idempotencyConflict } from './publish.js';
export { byClinicalTimeDesc, clinicalTime, matchesQuery, statusesOf } from './query.js';
