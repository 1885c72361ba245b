/**
 * The shape every Liên Thông contract shares: a versioned id, declared capabilities, an
 * `AbortSignal` on every method and one receipt for every write.
 */

/** What every contract declares; `write: false` means its write methods reject (see `readOnly`). */
export interface ContractCapabilities {
  /** The write methods (`publish`, `upsert`) store data; `false` for read-only providers. */
  readonly write: boolean;
}

/**
 * The base of every contract: its id (`result-exchange/v1`) and what the provider supports.
 * Capabilities are required: a case of the conformance suite that needs one the provider does not
 * declare is reported "not applicable".
 * @example
 * interface VisitHistory extends Contract<'visit-history/v1', { write: boolean; search: boolean }> {
 *   get(id: string, options?: CallOptions): Promise<Visit | undefined>;
 * }
 */
export interface Contract<
  Id extends string = string,
  Capabilities extends ContractCapabilities = ContractCapabilities,
> {
  readonly contract: Id;
  readonly capabilities: Readonly<Capabilities>;
}

/** Options every contract method takes. */
export interface CallOptions {
  /** Cancels the call: an aborted signal rejects with `OPERATION_ABORTED` (see `throwIfAborted`). */
  signal?: AbortSignal;
}

/**
 * What a write did: `created` a new record (version 1), `updated` it (a new version now current),
 * or left it `unchanged` (the same content was already there — a retry; nothing written).
 */
export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/** The one answer of every write method (`publish`, `upsert`). */
export interface WriteReceipt {
  /** The record's business key: the report id, the study instance UID, the patient record's id. */
  id: string;
  /** The version now current: 1 when created, one more on each update, the same when unchanged. */
  version: number;
  outcome: WriteOutcome;
}

/**
 * The receipt of a write, from the version current before it (`undefined`: there was none) and
 * whether the content it stores differs from that version.
 * @example
 * const receipt = writeReceipt(uid, stored?.version, stableJson(stored?.value) !== stableJson(next));
 * // { id: uid, version: 1, outcome: 'created' } | { …, version: n + 1, outcome: 'updated' } | { …, version: n, outcome: 'unchanged' }
 */
export function writeReceipt(
  id: string,
  previousVersion: number | undefined,
  changed: boolean,
): WriteReceipt {
  if (previousVersion === undefined) return { id, version: 1, outcome: 'created' };
  return changed
    ? { id, version: previousVersion + 1, outcome: 'updated' }
    : { id, version: previousVersion, outcome: 'unchanged' };
}
