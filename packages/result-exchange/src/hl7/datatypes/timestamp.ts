import { invalid, issue } from '../../errors.js';
import { type Ctx, u } from '../options.js';
import { piece, type Segment, segmentPath } from '../v2.js';

/** TS/DTM timestamps ↔ ISO 8601 dates and date-times. */

/**
 * Reads an HL7 TS/DTM (`YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]`) into ISO 8601: a date when only the
 * day is given, else a date-time with offset (`defaultOffset` when the source has none).
 * Returns `null` when malformed, `undefined` when too imprecise for the model (year or month only):
 * the decoder's fast path, which turns `null` into an issue of its own.
 */
export function timestampToIso(raw: string, defaultOffset: string): string | undefined | null {
  const t =
    raw.length > 0 && (raw.charCodeAt(0) === 32 || raw.charCodeAt(raw.length - 1) === 32) ? raw.trim() : raw;
  // Digits first (up to 14), then an optional fraction, then an optional ±ZZZZ offset.
  let i = 0;
  while (i < t.length && i < 14 && isDigit(t.charCodeAt(i))) i++;
  const digits = i;
  if (digits < 4 || digits % 2 === 1) return null;
  let frac = '';
  if (t.charCodeAt(i) === 46 /* . */) {
    const start = i;
    i++;
    while (i < t.length && isDigit(t.charCodeAt(i))) i++;
    if (i - start < 2 || i - start > 5 || digits < 14) return null;
    frac = t.slice(start, i);
  }
  let off: string | undefined;
  if (i < t.length) {
    const sign = t[i];
    if ((sign !== '+' && sign !== '-') || t.length - i !== 5) return null;
    for (let k = i + 1; k < t.length; k++) if (!isDigit(t.charCodeAt(k))) return null;
    off = t.slice(i);
  }
  if (digits < 8) return undefined;
  const y = t.slice(0, 4);
  const mo = t.slice(4, 6);
  const d = t.slice(6, 8);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const year = Number(y);
  const dim =
    month === 2
      ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
        ? 29
        : 28
      : month === 4 || month === 6 || month === 9 || month === 11
        ? 30
        : 31;
  if (day > dim) return null;
  if (digits === 8) return off === undefined ? `${y}-${mo}-${d}` : null;
  const h = t.slice(8, 10);
  const mi = digits >= 12 ? t.slice(10, 12) : '00';
  const sec = digits >= 14 ? t.slice(12, 14) : '00';
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  if (off !== undefined && (Number(off.slice(1, 3)) > 14 || Number(off.slice(3)) > 59)) return null;
  const offset = off === undefined ? defaultOffset : `${off.slice(0, 3)}:${off.slice(3)}`;
  return `${y}-${mo}-${d}T${h}:${mi}:${sec}${frac}${offset}`;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Reads an HL7 TS/DTM (`YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]`) into ISO 8601: a date when only the
 * day is given, else a date-time with offset (`defaultOffset`, Vietnam time by default, when the
 * source has none); `undefined` when too imprecise for the model (year or month only). Throws a
 * `ValidationError` `HL7_TIMESTAMP_INVALID` when `raw` is not a timestamp.
 * @example parseTimestamp('201410060929') // '2014-10-06T09:29:00+07:00'
 */
export function parseTimestamp(raw: string, defaultOffset = '+07:00'): string | undefined {
  const iso = typeof raw === 'string' ? timestampToIso(raw, defaultOffset) : null;
  if (iso === null)
    throw invalid(
      'HL7_TIMESTAMP_INVALID',
      'TS',
      'Not an HL7 timestamp (YYYYMMDDHHMMSS±ZZZZ)',
      'Sai định dạng thời gian HL7 (YYYYMMDDHHMMSS±ZZZZ)',
    );
  return iso;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Writes an ISO date or date-time as an HL7 TS (`YYYYMMDD` or `YYYYMMDDHHMMSS[.S]±ZZZZ`). */
export function formatTimestamp(iso: string): string {
  const m = ISO.exec(iso);
  if (!m) return '';
  const [, y, mo, d, h, mi, s, frac, off] = m;
  if (h === undefined) return `${y}${mo}${d}`;
  const offset = off === 'Z' || off === undefined ? '+0000' : off.replace(':', '');
  return `${y}${mo}${d}${h}${mi}${s ?? '00'}${frac ? frac.slice(0, 5) : ''}${offset}`;
}

/** Reads a TS/DTM field (its first component) of `seg`; `n` names the field in issue paths. */
export function readTimestamp(raw: string, seg: Segment, n: number, ctx: Ctx): string | undefined {
  if (raw === '') return undefined;
  const text = u(piece(raw, 0, ctx.d.component), ctx).trim();
  if (!text) return undefined;
  let iso = ctx.times.get(text);
  if (iso === undefined && !ctx.times.has(text)) {
    iso = timestampToIso(text, ctx.offset);
    ctx.times.set(text, iso);
  }
  if (iso === null) {
    ctx.errors.push(
      issue(
        'HL7_TIMESTAMP_INVALID',
        `${segmentPath(seg)}-${n}`,
        'Not an HL7 timestamp (YYYYMMDDHHMMSS±ZZZZ)',
        'Sai định dạng thời gian HL7 (YYYYMMDDHHMMSS±ZZZZ)',
      ),
    );
    return undefined;
  }
  if (iso === undefined) {
    ctx.warnings.push(
      issue(
        'HL7_TIMESTAMP_IMPRECISE',
        `${segmentPath(seg)}-${n}`,
        'Timestamp without a day is not kept',
        'Thời gian không có ngày không được giữ lại',
      ),
    );
  }
  return iso;
}
