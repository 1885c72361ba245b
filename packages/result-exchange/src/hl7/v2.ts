import type { ValidationError } from '@lienthong/core';
import { invalid } from '../errors.js';

/**
 * HL7 v2 encoding rules: segment/field/component splitting with the message's own delimiters,
 * escape sequences (`\F\ \S\ \T\ \R\ \E\ \Xhh…\`, `\.br\`, `\H\ \N\`).
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

/** A delimiter must not be a letter, digit, underscore, whitespace, CR, LF or half a surrogate pair. */
const BAD_DELIMITER = /[\r\n\w\s\ud800-\udfff]/;

/**
 * The delimiters a message declares in MSH-1 and MSH-2 (after a BOM and blank lines), or the
 * typed error saying why it declares none.
 */
export function readDelimiters(text: string): Delimiters | ValidationError {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let c = text.charCodeAt(at); c === 13 || c === 10; c = text.charCodeAt(at)) at++;
  if (!text.startsWith('MSH', at)) {
    return invalid(
      'HL7_MSH_MISSING',
      'MSH',
      'The message does not start with an MSH segment',
      'Bản tin không bắt đầu bằng đoạn MSH',
    );
  }
  const fieldSep = text[at + 3];
  const component = text[at + 4];
  const repetition = text[at + 5];
  const escapeChar = text[at + 6];
  const subcomponent = text[at + 7];
  if (
    fieldSep === undefined ||
    component === undefined ||
    repetition === undefined ||
    escapeChar === undefined ||
    subcomponent === undefined ||
    new Set([fieldSep, component, repetition, escapeChar, subcomponent]).size !== 5 ||
    BAD_DELIMITER.test(fieldSep + component + repetition + escapeChar + subcomponent)
  ) {
    return invalid(
      'HL7_DELIMITERS_INVALID',
      'MSH-2',
      'MSH-1/MSH-2 do not define five distinct delimiters',
      'MSH-1/MSH-2 không khai báo đủ năm ký tự phân cách khác nhau',
    );
  }
  return { field: fieldSep, component, repetition, escape: escapeChar, subcomponent };
}

/**
 * One segment of a message. Nothing is split up front: {@link field} finds a field on first use
 * (one `indexOf` scan of the segment, then a slice per field read), so fields the decoder never
 * reads cost nothing.
 */
export interface Segment {
  /** Segment id (`OBX`); a shared constant for the segments the ORU^R01 decoder reads. */
  name: string;
  /** 1-based occurrence of this name in the message: `OBX` 2 is the second OBX (`OBX[2]`). */
  occurrence: number;
  /** The segment text, without its separator. */
  text: string;
  /**
   * Offset in `text` where each field starts (`starts[0]` is the name), found by {@link field} as
   * far as the fields it was asked for; `undefined` until the first field is read.
   */
  starts: number[] | undefined;
  /** Whether `starts` holds every field (the scan reached the end of `text`). */
  scanned: boolean;
}

/** `OBX[2]`: the segment's name and occurrence, the prefix of every issue path. */
export const segmentPath = (s: Segment): string => `${s.name}[${s.occurrence}]`;

/** The names the decoder switches on, as constants (no string built per segment). */
function segmentName(text: string, start: number): string | undefined {
  const a = text.charCodeAt(start);
  const b = text.charCodeAt(start + 1);
  const c = text.charCodeAt(start + 2);
  if (a === 79 /* O */) {
    if (b === 66 /* B */) return c === 88 /* X */ ? 'OBX' : c === 82 /* R */ ? 'OBR' : undefined;
    return b === 82 /* R */ && c === 67 /* C */ ? 'ORC' : undefined;
  }
  if (a === 77 /* M */) return b === 83 /* S */ && c === 72 /* H */ ? 'MSH' : undefined;
  if (a === 80 /* P */) {
    if (b === 73 /* I */) return c === 68 /* D */ ? 'PID' : undefined;
    return b === 86 /* V */ && c === 49 /* 1 */ ? 'PV1' : undefined;
  }
  if (a === 78 /* N */) return b === 84 /* T */ && c === 69 /* E */ ? 'NTE' : undefined;
  if (a === 83 /* S */) return b === 80 /* P */ && c === 77 /* M */ ? 'SPM' : undefined;
  return undefined;
}

/**
 * Splits message text into segments: a leading BOM is skipped; CR, LF and CRLF all end a segment;
 * empty and blank lines are skipped. The name is the text before the first field separator
 * (trimmed when it starts with a space or tab or is not 3 characters long).
 */
export function splitSegments(text: string, d: Delimiters): Segment[] {
  const segments: Segment[] = [];
  const counts = new Map<string, number>();
  const end = text.length;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let cr = text.indexOf('\r', start);
  let lf = text.indexOf('\n', start);
  while (start < end) {
    if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
    if (lf >= 0 && lf < start) lf = text.indexOf('\n', start);
    const stop = cr < 0 ? (lf < 0 ? end : lf) : lf < 0 || cr < lf ? cr : lf;
    if (stop > start) {
      const line = text.slice(start, stop);
      const c0 = line.charCodeAt(0);
      const indented = c0 === 32 || c0 === 9;
      if (!indented || line.trim() !== '') {
        let name =
          line.charCodeAt(3) === d.field.charCodeAt(0) && !indented ? segmentName(line, 0) : undefined;
        if (name === undefined) {
          const sep = line.indexOf(d.field);
          name = sep < 0 ? line : line.slice(0, sep);
          if (indented || name.length !== 3) name = name.trim();
        }
        const occurrence = (counts.get(name) ?? 0) + 1;
        counts.set(name, occurrence);
        segments.push({ name, occurrence, text: line, starts: undefined, scanned: false });
      }
    }
    start = stop + 1;
  }
  return segments;
}

/**
 * Field `n` of a segment, raw (escapes kept), `''` when absent. As HL7 numbers them: for MSH,
 * field 1 is the field separator itself and field 2 the encoding characters.
 */
export function field(seg: Segment, n: number, d: Delimiters): string {
  let k = n;
  if (seg.name === 'MSH' && n >= 1) {
    if (n === 1) return d.field;
    k = n - 1;
  }
  const text = seg.text;
  let starts = seg.starts;
  if (starts === undefined) starts = seg.starts = [0];
  // Find separators only up to the end of field k: the fields after the last one read cost nothing.
  while (starts.length <= k + 1 && !seg.scanned) {
    const p = text.indexOf(d.field, starts[starts.length - 1]!);
    if (p < 0) seg.scanned = true;
    else starts.push(p + 1);
  }
  if (k >= starts.length) return '';
  const from = starts[k]!;
  const to = k + 1 < starts.length ? starts[k + 1]! - 1 : text.length;
  return to === from ? '' : text.slice(from, to);
}

/**
 * Piece `k` (0-based) of `raw` split on `sep` — a component, repetition or subcomponent — or `''`
 * when absent. No array is built.
 */
export function piece(raw: string, k: number, sep: string): string {
  let from = 0;
  for (let i = 0; i < k; i++) {
    const p = raw.indexOf(sep, from);
    if (p < 0) return '';
    from = p + 1;
  }
  const to = raw.indexOf(sep, from);
  if (to < 0) return from === 0 ? raw : raw.slice(from);
  return to === from ? '' : raw.slice(from, to);
}

/** The first `max` pieces of `raw` split on `sep` (`raw.split(sep)` stopped early, without a runtime call). */
export function pieces(raw: string, sep: string, max: number): string[] {
  const out: string[] = [];
  let from = 0;
  while (out.length < max) {
    const to = raw.indexOf(sep, from);
    if (to < 0) {
      out.push(from === 0 ? raw : raw.slice(from));
      break;
    }
    out.push(raw.slice(from, to));
    from = to + 1;
  }
  return out;
}
