import { canonicalIdentifierSystem, parseTokenParam, ValidationError } from '@lienthong/core';
import type { Context } from 'hono';
import { unsupportedParameters } from '../query-parameters.js';
import { wholeNumber } from '../routes/params.js';
import { MAX_COUNT, MAX_OFFSET, type ParamSpec } from './capability.js';

/** Parameters every FHIR request may carry (the facade answers JSON only). */
const FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);

const invalid = (name: string, message: string, messageVi: string) =>
  new ValidationError({ code: 'FHIR_PARAMETER_INVALID', message, messageVi, path: `query.${name}` });

/** The accepted parameters of one request, by key as written (`patient:identifier`, `date`). */
export interface SearchRequest {
  /** Every value of `key` (repeated parameters in order; comma lists not split). */
  all(key: string): string[];
  /** True when the request carries `key`. */
  has(key: string): boolean;
  /** The parameters used, in request order (for `self` and `next` links). */
  readonly used: URLSearchParams;
}

/**
 * Reads the query of a FHIR request against the parameters declared for it and the `_include`
 * values it serves (`include`): an unknown parameter, modifier, chain or `_include` value is
 * refused (400, `FHIR_PARAMETER_UNSUPPORTED`) — never silently ignored — unless the client asked
 * `Prefer: handling=lenient`; then it is left out of the search and of the `self` link, as FHIR
 * describes.
 */
export function readSearch(
  c: Context,
  declared: readonly ParamSpec[],
  options: { include?: readonly string[] } = {},
): SearchRequest {
  const lenient = /\bhandling\s*=\s*lenient\b/i.test(c.req.header('prefer') ?? '');
  const include = options.include ?? [];
  const url = new URL(c.req.url);
  const used = new URLSearchParams();
  const unsupported: string[] = [];
  const refuse = (name: string) => {
    if (!unsupported.includes(name)) unsupported.push(name);
  };
  for (const [key, value] of url.searchParams) {
    if (key === '_include' && include.length > 0) {
      // Each value on its own: the served ones stay in the search, the others are refused (or left out).
      const values = anyOf(value);
      for (const v of values) if (!include.includes(v)) refuse(`_include=${v}`);
      const served = values.filter((v) => include.includes(v));
      if (served.length > 0) used.append(key, served.join(','));
    } else if (accepts(key, declared)) {
      if (key === '_format' && !FORMATS.has(value))
        throw invalid(
          '_format',
          `Only JSON is served (_format=${JSON.stringify(value)}).`,
          `Chỉ phục vụ định dạng JSON (_format=${JSON.stringify(value)}).`,
        );
      used.append(key, value);
    } else {
      refuse(key);
    }
  }
  if (unsupported.length > 0 && !lenient)
    throw unsupportedParameters('FHIR_PARAMETER_UNSUPPORTED', unsupported, {
      en: 'see /fhir/metadata; Prefer: handling=lenient ignores them',
      vi: 'xem /fhir/metadata; Prefer: handling=lenient để bỏ qua',
    });
  return {
    all: (key) => used.getAll(key),
    has: (key) => used.has(key),
    used,
  };
}

function accepts(key: string, declared: readonly ParamSpec[]): boolean {
  if (key === '_format') return true;
  const at = key.search(/[:.]/);
  const name = at < 0 || key.startsWith('_') ? key : key.slice(0, at);
  const suffix = name === key ? '' : key.slice(name.length);
  const spec = declared.find((p) => p.name === name);
  return spec !== undefined && (suffix === '' || (spec.suffixes ?? []).includes(suffix));
}

/** Splits a parameter value on unescaped commas (FHIR "any of"), unescaping `\,` `\|` `\$` `\\`. */
export function anyOf(value: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      current += `\\${value[++i]}`;
    } else if (ch === ',') {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}

const unescapeToken = (s: string) => s.replace(/\\([\\,|$])/g, '$1');

/** A token: `system` undefined means any system; `''` means "no system" (`|value`). */
export interface Token {
  system?: string;
  value: string;
}

/**
 * The tokens of every value of a parameter (comma lists split; each read by `parseTokenParam`). An
 * older URI of a known identifier system is read as the current one, which the hub stores; other
 * systems (codes, report ids) are no alias of anything and stay as they are.
 */
export function tokens(values: readonly string[], name: string): Token[] {
  return values.flatMap(anyOf).map((raw) => {
    const { system, value } = parseTokenParam(raw);
    if (value === undefined)
      throw invalid(
        name,
        `Parameter ${name} needs a value ("system|value" or "value").`,
        `Tham số ${name} cần giá trị ("system|value" hoặc "value").`,
      );
    return system === undefined ? { value } : { system: system && canonicalIdentifierSystem(system), value };
  });
}

/** ICD-10 codes are written with or without the dot (`J18.9`, `J189`): compared without. */
const plainCode = (system: string | undefined, code: string) =>
  system?.includes('icd-10') ? code.replace('.', '').toUpperCase() : code;

/**
 * Whether one of `codings` holds one of the `wanted` tokens (a token without a system matches the
 * code in any system); ICD-10 codes compare without their dot. The code rule of the facade's visit
 * searches and of an export's `_typeFilter`.
 */
export function holdsCode(
  codings: readonly { system?: string | undefined; code?: string | undefined }[],
  wanted: readonly Token[],
): boolean {
  return codings.some(
    (c) =>
      c.code !== undefined &&
      wanted.some(
        (t) =>
          (t.system === undefined || t.system === c.system) &&
          plainCode(c.system, t.value) === plainCode(c.system, c.code!),
      ),
  );
}

/**
 * The tokens with each identifier once: SDK clients ask for an identifier under its current URI and
 * its older aliases (`…/sid/national_id|v,…hl7.org.vn/core/sid/cccd|v`), which {@link tokens} reads
 * as the same token.
 */
export function distinctTokens(list: readonly Token[]): Token[] {
  const seen = new Set<string>();
  return list.filter((t) => {
    const key = JSON.stringify([t.system ?? null, t.value]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The one token of a parameter naming one identifier ({@link distinctTokens}); several: 400. */
export function oneToken(search: SearchRequest, key: string): Token | undefined {
  const list = distinctTokens(tokens(search.all(key), key));
  if (list.length > 1)
    throw invalid(
      key,
      `Parameter ${key} takes one value here.`,
      `Tham số ${key} chỉ nhận một giá trị ở đây.`,
    );
  return list[0];
}

/** The single value of a parameter that does not take several (repeated or comma-separated). */
export function oneValue(search: SearchRequest, key: string): string | undefined {
  const values = search.all(key).flatMap(anyOf);
  if (values.length > 1)
    throw invalid(
      key,
      `Parameter ${key} takes one value here.`,
      `Tham số ${key} chỉ nhận một giá trị ở đây.`,
    );
  return values[0] === undefined ? undefined : unescapeToken(values[0]);
}

/** A reference search value: `Patient/<id>`, `<id>` or an absolute URL ending so. */
export function referenceId(raw: string, name: string, type: string): string {
  const m = new RegExp(`^(?:.*/)?(?:${type}/)?([A-Za-z0-9\\-.]{1,64})$`).exec(raw);
  const typed = /^(?:.*\/)?([A-Z][A-Za-z]+)\/[^/]+$/.exec(raw);
  if (!m || (typed && typed[1] !== type))
    throw invalid(
      name,
      `Parameter ${name} must reference a ${type} ("${type}/<id>").`,
      `Tham số ${name} phải tham chiếu tới ${type} ("${type}/<id>").`,
    );
  return m[1]!;
}

const VN = '+07:00';
const DAY = 86_400_000;
const DATE_RE =
  /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/** Inclusive bounds in epoch ms (undefined: unbounded). */
interface Bounds {
  from?: number;
  to?: number;
}

/** The range `[lo, hi)` a date search value covers, and whether it has a time. */
function dateValue(raw: string, name: string): { prefix: string; lo: number; hi: number; time: boolean } {
  const m = DATE_RE.exec(raw);
  const bad = () =>
    invalid(
      name,
      `Unsupported ${name} value ${JSON.stringify(raw)} (prefixes eq, ge, gt, le, lt; YYYY[-MM[-DD[Thh:mm[:ss]±zz:zz]]]).`,
      `Giá trị ${name} không được hỗ trợ: ${JSON.stringify(raw)} (tiền tố eq, ge, gt, le, lt; YYYY[-MM[-DD[Thh:mm[:ss]±zz:zz]]]).`,
    );
  if (!m) throw bad();
  const [, prefix = 'eq', y, mo, d, hh, mm, ss, frac, zone] = m;
  if (!['eq', 'ge', 'gt', 'le', 'lt'].includes(prefix)) throw bad();
  let lo: number;
  let hi: number;
  if (hh !== undefined) {
    lo = Date.parse(`${y}-${mo}-${d}T${hh}:${mm}:${ss ?? '00'}${frac ?? ''}${zone}`);
    hi = lo + (frac ? 1 : ss ? 1000 : 60_000);
  } else if (d !== undefined) {
    lo = Date.parse(`${y}-${mo}-${d}T00:00:00${VN}`);
    hi = lo + DAY;
  } else if (mo !== undefined) {
    lo = Date.parse(`${y}-${mo}-01T00:00:00${VN}`);
    const next =
      Number(mo) === 12 ? `${Number(y) + 1}-01` : `${y}-${String(Number(mo) + 1).padStart(2, '0')}`;
    hi = Date.parse(`${next}-01T00:00:00${VN}`);
  } else {
    lo = Date.parse(`${y}-01-01T00:00:00${VN}`);
    hi = Date.parse(`${Number(y) + 1}-01-01T00:00:00${VN}`);
  }
  // Reject what Date.parse rolls over (2026-02-30) or cannot read.
  const local = Number.isNaN(lo) ? '' : new Date(lo + 7 * 3_600_000).toISOString();
  if (Number.isNaN(lo) || (d !== undefined && hh === undefined && local.slice(0, 10) !== `${y}-${mo}-${d}`))
    throw bad();
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) throw bad();
  return { prefix, lo, hi, time: hh !== undefined };
}

function bounds(values: readonly string[], name: string, dayPrecision: boolean): Bounds {
  const out: Bounds = {};
  for (const raw of values.flatMap(anyOf)) {
    const v = dateValue(raw, name);
    if (dayPrecision && v.time)
      throw invalid(
        name,
        `${name} is searched by day: give a date without a time.`,
        `${name} được tìm theo ngày: hãy nhập ngày, không kèm giờ.`,
      );
    const [from, to] =
      v.prefix === 'eq'
        ? [v.lo, v.hi - 1]
        : v.prefix === 'ge'
          ? [v.lo, undefined]
          : v.prefix === 'gt'
            ? [v.hi, undefined]
            : v.prefix === 'le'
              ? [undefined, v.hi - 1]
              : [undefined, v.lo - 1];
    if (from !== undefined) out.from = Math.max(out.from ?? from, from);
    if (to !== undefined) out.to = Math.min(out.to ?? to, to);
  }
  return out;
}

/** A date search (repeats AND together) as inclusive instants (UTC ISO), for `since`/`until`. */
export function instantRange(values: readonly string[], name: string): { since?: string; until?: string } {
  const b = bounds(values, name, false);
  return {
    ...(b.from !== undefined ? { since: new Date(b.from).toISOString() } : {}),
    ...(b.to !== undefined ? { until: new Date(b.to).toISOString() } : {}),
  };
}

/** A date search at day precision (Vietnam time) as inclusive `YYYY-MM-DD` bounds, for `since`/`until`. */
export function dayRange(values: readonly string[], name: string): { since?: string; until?: string } {
  const b = bounds(values, name, true);
  const day = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
  return {
    ...(b.from !== undefined ? { since: day(b.from) } : {}),
    ...(b.to !== undefined ? { until: day(b.to) } : {}),
  };
}

/** `_count` (capped), `_cursor` and `_offset` of a search. */
export function pageOf(search: SearchRequest): { limit: number; cursor?: string; offset?: number } {
  const rawCount = oneValue(search, '_count');
  const count = rawCount === undefined ? 50 : wholeNumber(rawCount, 1);
  if (count === undefined)
    throw invalid(
      '_count',
      '_count must be a whole number from 1, in decimal digits.',
      '_count phải là số nguyên từ 1, viết bằng chữ số thập phân.',
    );
  const cursor = oneValue(search, '_cursor');
  const rawOffset = oneValue(search, '_offset');
  const offset = rawOffset === undefined ? undefined : wholeNumber(rawOffset, 0, MAX_OFFSET);
  if (rawOffset !== undefined && offset === undefined)
    throw invalid(
      '_offset',
      `_offset must be a whole number from 0 to ${MAX_OFFSET}; follow the next links beyond.`,
      `_offset phải là số nguyên từ 0 đến ${MAX_OFFSET}; xa hơn hãy theo liên kết next.`,
    );
  if (cursor !== undefined && offset !== undefined)
    throw invalid(
      '_offset',
      'Give _cursor or _offset, not both.',
      'Chỉ dùng _cursor hoặc _offset, không dùng cả hai.',
    );
  return {
    limit: Math.min(count, MAX_COUNT),
    ...(cursor !== undefined ? { cursor } : {}),
    ...(offset ? { offset } : {}),
  };
}

/** `_elements`: top-level element names (undefined: whole resources). */
export function elementsOf(search: SearchRequest): string[] | undefined {
  if (!search.has('_elements')) return undefined;
  const names = search.all('_elements').flatMap(anyOf);
  for (const n of names)
    if (!/^[a-z][A-Za-z0-9]*$/.test(n))
      throw invalid(
        '_elements',
        `_elements: ${JSON.stringify(n)} is not an element name.`,
        `_elements: ${JSON.stringify(n)} không phải tên phần tử.`,
      );
  return names;
}

/** Checks `_sort`: only the natural order (`-<key>`) is served. */
export function checkSort(search: SearchRequest, key: string): void {
  for (const v of search.all('_sort').flatMap(anyOf))
    if (v !== `-${key}`)
      throw invalid(
        '_sort',
        `_sort=${v} is not supported; results come newest first (_sort=-${key}).`,
        `Không hỗ trợ _sort=${v}; kết quả luôn xếp mới nhất trước (_sort=-${key}).`,
      );
}

/** The `_include` values of a search (each one the facade serves: {@link readSearch} checked them). */
export function includesOf(search: SearchRequest): Set<string> {
  return new Set(search.all('_include').flatMap(anyOf));
}
