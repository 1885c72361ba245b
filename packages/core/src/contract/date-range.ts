import { ValidationError } from '../errors/lienthong-error.js';

/**
 * An inclusive time window, as every contract's query spells it. Each bound is an ISO 8601 date
 * or a date-time with its offset (`2026-03-01T08:00:00+07:00`); either may be left open. A date
 * stands for the whole day in Vietnam time: `since: '2026-03-01'` starts at 00:00 +07:00 and
 * `until: '2026-03-01'` ends at 23:59:59.999 +07:00 (as FHIR's `le` on a date does).
 */
export interface DateRange {
  /** Earliest time included. */
  since?: string | undefined;
  /** Latest time included. */
  until?: string | undefined;
}

const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Epoch milliseconds of an ISO date or date-time; a date counts from 00:00 Vietnam time (+07:00).
 * `NaN` when the text is neither.
 * @example instantOf('2026-03-01') === Date.parse('2026-03-01T00:00:00+07:00')
 */
export function instantOf(iso: string): number {
  if (!ISO.test(iso)) return Number.NaN;
  return Date.parse(iso.length === 10 ? `${iso}T00:00:00+07:00` : iso);
}

const DAY_MS = 86_400_000;

/**
 * Epoch milliseconds of the last instant an `until` bound covers: a date covers its whole day in
 * Vietnam time, a date-time is itself. `NaN` when the text is neither.
 * @example untilInstantOf('2026-03-01') === Date.parse('2026-03-02T00:00:00+07:00') - 1
 */
export function untilInstantOf(iso: string): number {
  return iso.length === 10 ? instantOf(iso) + DAY_MS - 1 : instantOf(iso);
}

function rangeError(path: string, message: string, messageVi: string): ValidationError {
  return new ValidationError({ code: 'DATE_RANGE_INVALID', path, message, messageVi });
}

/**
 * Checks a query's time window: each bound an ISO date or date-time with offset, and `since` not
 * after `until`. Throws `ValidationError` `DATE_RANGE_INVALID` (path `since` or `until`, under
 * `path` when given).
 * @example
 * checkDateRange({ since: '2026-03-01', until: '2026-02-01' }); // throws DATE_RANGE_INVALID at "until"
 */
export function checkDateRange(range: DateRange, path?: string): void {
  const at = (bound: string) => (path ? `${path}.${bound}` : bound);
  for (const bound of ['since', 'until'] as const) {
    const value = range[bound];
    if (value !== undefined && Number.isNaN(instantOf(value)))
      throw rangeError(
        at(bound),
        `${bound} must be an ISO 8601 date or date-time with offset`,
        `${bound} phải là ngày hoặc ngày giờ ISO 8601 có múi giờ`,
      );
  }
  if (
    range.since !== undefined &&
    range.until !== undefined &&
    instantOf(range.since) > untilInstantOf(range.until)
  )
    throw rangeError(at('until'), 'since must not be after until', 'since không được sau until');
}
