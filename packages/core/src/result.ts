import type { LienThongError } from './errors/lienthong-error.js';

/**
 * The non-throwing answer of every `parseX` function, shaped like zod's `safeParse`.
 * @example
 * const r = parseNationalDate('20250231');
 * if (!r.ok) console.log(r.error.code); // DATE_OUT_OF_RANGE
 */
export type Result<T, E extends LienThongError = LienThongError> =
  | { ok: true; value: T }
  | { ok: false; error: E };

/** A successful {@link Result}. */
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/** A failed {@link Result}. */
export const fail = <E extends LienThongError>(error: E): { ok: false; error: E } => ({ ok: false, error });

/** The value of a result, or throws its error: turns a `parseX` into its `assertX` twin. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw result.error;
}
