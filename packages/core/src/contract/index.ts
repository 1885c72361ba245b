/**
 * `@lienthong/core/contract` — the kit every Liên Thông contract is built from: the `Contract` base
 * (id + required capabilities), `CallOptions` and `throwIfAborted` (one abort code,
 * `OPERATION_ABORTED`), the one write receipt (`WriteReceipt`: `id`, `version`, `outcome`
 * `created | updated | unchanged`), the one read-only wrapper (`readOnly`, `PROVIDER_READ_ONLY`) and
 * the `since`/`until` window of queries (`checkDateRange`, `DATE_RANGE_INVALID`) and the receipts
 * kept for idempotency keys (`createIdempotencyCache`) and their one form (`isIdempotencyKey`).
 * @packageDocumentation
 */
export { OPERATION_ABORTED, throwIfAborted } from './abort.js';
export {
  type CallOptions,
  type Contract,
  type ContractCapabilities,
  type WriteOutcome,
  type WriteReceipt,
  writeReceipt,
} from './contract.js';
export { checkDateRange, type DateRange, instantOf, untilInstantOf } from './date-range.js';
export {
  createIdempotencyCache,
  type IdempotencyCache,
  isIdempotencyKey,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from './idempotency.js';
export { pagedAnswer } from './paged-answer.js';
export {
  type MethodName,
  PROVIDER_READ_ONLY,
  type ReadOnlyOptions,
  type ReadsOf,
  readOnly,
} from './read-only.js';
