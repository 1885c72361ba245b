/**
 * HL7 v2 encoding rules: segment/field/component splitting with the message's own delimiters,
 * escape sequences (`\F\ \S\ \T\ \R\ \E\ \Xhh…\`, `\.br\`, `\H\ \N\`) and TS timestamps.
 */

/** The delimiters of one message (MSH-1 and MSH-2). */
export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

export const DEFAULT_DELIMITERS: Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
};

const HEX = /^[0-9A-Fa-f]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Decodes escape sequences of a leaf value. Unknown or unterminated escapes are kept literally. */
export function unescapeHl7(value: string, d: Delimiters): string {
  if (!value.includes(d.escape)) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const ch = value[i]!;
    if (ch !== d.escape) {
      out += ch;
      i++;
      continue;
    }
    const end = value.indexOf(d.escape, i + 1);
    if (end < 0) {
      out += value.slice(i);
      break;
    }
    const seq = value.slice(i + 1, end);
    let replaced: string | undefined;
    if (seq === 'F') replaced = d.field;
    else if (seq === 'S') replaced = d.component;
    else if (seq === 'T') replaced = d.subcomponent;
    else if (seq === 'R') replaced = d.repetition;
    else if (seq === 'E') replaced = d.escape;
    else if (seq === 'H' || seq === 'N') replaced = '';
    else if (seq === '.br') replaced = '\n';
    else if (seq.length > 1 && seq[0] === 'X' && HEX.test(seq.slice(1)) && seq.length % 2 === 1) {
      const bytes = new Uint8Array((seq.length - 1) / 2);
      for (let b = 0; b < bytes.length; b++) bytes[b] = Number.parseInt(seq.slice(1 + b * 2, 3 + b * 2), 16);
      replaced = utf8.decode(bytes);
    }
    if (replaced === undefined) {
      out += value.slice(i, end + 1);
    } else {
      out += replaced;
    }
    i = end + 1;
  }
  return out;
}

/** Escapes a leaf value: delimiters, the escape character, CR and LF. */
export function escapeHl7(value: string, d: Delimiters = DEFAULT_DELIMITERS): string {
  let out = '';
  for (const ch of value) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (ch === '\r') out += `${d.escape}X0D${d.escape}`;
    else if (ch === '\n') out += `${d.escape}X0A${d.escape}`;
    else out += ch;
  }
  return out;
}

/** A parsed segment: its name, raw fields (index = HL7 field number) and its occurrence path. */
export interface Segment {
  name: string;
  /** `fields[n]` is field n (for MSH, `fields[1]` is the field separator, `fields[2]` the encoding characters). */
  fields: string[];
  /** `OBX[2]`: the second OBX of the message. */
  path: string;
  /** 1-based line number in the message. */
  line: number;
}

/** Segments whose fields the ORU^R01 decoder reads; others are kept by name only. */
const READ = new Set(['MSH', 'PID', 'PV1', 'ORC', 'OBR', 'OBX', 'NTE', 'SPM']);

/** Splits message text into segments (BOM stripped; CR, LF or CRLF separators). */
export function splitSegments(text: string, d: Delimiters, read: ReadonlySet<string> = READ): Segment[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const counts: Record<string, number> = {};
  const segments: Segment[] = [];
  const lines = body.includes('\n') ? body.split('\n') : body.split('\r');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.includes('\r')) {
      // CRLF, or CR inside an LF-separated file: both separate segments.
      const parts = line.split('\r');
      line = parts[0]!;
      if (parts.length > 1 && parts.slice(1).some((p) => p !== '')) lines.splice(i + 1, 0, ...parts.slice(1));
    }
    if (line.length === 0) continue;
    const c0 = line.charCodeAt(0);
    if ((c0 === 32 || c0 === 9) && line.trim() === '') continue;
    const sep = line.indexOf(d.field);
    let name = sep < 0 ? line : line.slice(0, sep);
    if (c0 === 32 || c0 === 9 || name.length !== 3) name = name.trim();
    const n = (counts[name] ?? 0) + 1;
    counts[name] = n;
    let fields: string[];
    if (!read.has(name)) fields = [name];
    else {
      const raw = line.split(d.field);
      fields = name === 'MSH' ? ['MSH', d.field, ...raw.slice(1)] : raw;
    }
    segments.push({ name, fields, path: `${name}[${n}]`, line: i + 1 });
  }
  return segments;
}

/** Components of a field (or of one repetition). */
export const components = (raw: string | undefined, d: Delimiters): string[] =>
  raw ? raw.split(d.component) : [];
/** Repetitions of a field. */
export const repetitions = (raw: string | undefined, d: Delimiters): string[] =>
  raw ? raw.split(d.repetition) : [];
/** Subcomponents of a component. */
export const subcomponents = (raw: string | undefined, d: Delimiters): string[] =>
  raw ? raw.split(d.subcomponent) : [];

/**
 * Reads an HL7 TS/DTM (`YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]`) into ISO 8601: a date when only the
 * day is given, else a date-time with offset (`defaultOffset` when the source has none).
 * Returns `null` when malformed, `undefined` when too imprecise for the model (year or month only).
 */
export function parseTimestamp(raw: string, defaultOffset: string): string | undefined | null {
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
