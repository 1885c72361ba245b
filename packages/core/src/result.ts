import { type LienThongError, toLienThongError } from './errors/lienthong-error.js';

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

/**
 * Runs a throwing function (a `decodeX` / `assertX`) and returns its {@link Result} twin — how every
 * `parseX` is built. Anything thrown that is not in the error family is wrapped first.
 * @example export const parseOru = (text: string) => attempt<OruDecodeResult, ValidationError>(() => decodeOru(text));
 */
export function attempt<T, E extends LienThongError = LienThongError>(run: () => T): Result<T, E> {
  try {
    return ok(run());
  } catch (error) {
    return fail(toLienThongError(error) as E);
  }
}
