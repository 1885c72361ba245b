import { type LienThongError, toLienThongError, type ValidationIssue } from './errors/lienthong-error.js';

/**
 * What every `safeX` function answers — `safeParseX`, `safeDecodeX` — shaped like zod's
 * `safeParse`: the value, or the error its throwing twin (`parseX`, `decodeX`) would throw.
 * No other function returns a `Result` (docs/en/guide/architecture.md, "Names").
 * @example
 * const r = safeParseNationalDate('20250231');
 * if (!r.ok) console.log(r.error.code); // DATE_OUT_OF_RANGE
 */
export type Result<T, E extends LienThongError = LienThongError> =
  | { ok: true; value: T }
  | { ok: false; error: E };

/**
 * What every codec answers — `decodeX` and `encodeX` alike: the value, and the warnings. A decoder
 * warns about what it read with a caveat (a status read as preliminary, an element of the wrong
 * type left out); an encoder about what the target format cannot carry and was left out. Bad input
 * is never a warning: it throws (or, from a `safeDecodeX`, is the `Result`'s error).
 * @example
 * const { value: reports, warnings } = decodeOru(message);
 * const { value: message, warnings: omitted } = encodeOru(reports);
 */
export interface WithWarnings<T> {
  value: T;
  warnings: ValidationIssue[];
}

/** A successful {@link Result}. */
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/** A failed {@link Result}. */
export const fail = <E extends LienThongError>(error: E): { ok: false; error: E } => ({ ok: false, error });

/** The value of a result, or throws its error: turns a `safeParseX` answer into what `parseX` gives. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw result.error;
}

/**
 * Runs a throwing function (a `parseX`, `decodeX`) and returns its {@link Result} — how a `safeX`
 * twin is built. Anything thrown that is not in the error family is wrapped first.
 * @example export const safeDecodeOru = (text: string) => attempt<OruDecoded, ValidationError>(() => decodeOru(text));
 */
export function attempt<T, E extends LienThongError = LienThongError>(run: () => T): Result<T, E> {
  try {
    return ok(run());
  } catch (error) {
    return fail(toLienThongError(error) as E);
  }
}
