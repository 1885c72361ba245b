import {
  attempt,
  DEFAULT_IDENTIFIER_SYSTEMS,
  type IdentifierValue,
  type Result,
  ValidationError,
  type ValidationIssue,
} from '@lienthong/core';
import { guard, invalid, invalidMany, issue } from '../errors.js';
import type {
  LabCoding,
  LabObservation,
  LabReport,
  LabValue,
  ObservationStatus,
  ReferenceRange,
  ReportStatus,
} from '../model.js';
import { DEFAULT_LAB_SYSTEMS, isRecognisedCode, type LabSystems } from '../systems.js';
import { normaliseUnit, type UnitNormaliser } from '../units.js';
import {
  DEFAULT_DELIMITERS,
  type Delimiters,
  escapeHl7,
  field,
  formatTimestamp,
  parseTimestamp,
  piece,
  pieces,
  readDelimiters,
  type Segment,
  segmentPath,
  splitSegments,
  unescapeHl7,
} from './v2.js';

/**
 * HL7 v2 coding-system names (CWE-3) ↔ URIs. `LN`, `UCUM`, `SCT` and the `HL7nnnn` tables are
 * HL7's own; names starting `99` are local by HL7 rule — `99QD1227`, `99MADV`, `99TT23` and `L`
 * are this SDK's defaults for national, insurance-service, technique and local codes, not a
 * national convention (none exists): configure them to match your partners.
 */
export function defaultHl7CodingSystems(systems: LabSystems = DEFAULT_LAB_SYSTEMS): Record<string, string> {
  return {
    LN: systems.loinc,
    '99QD1227': systems.national,
    '99MADV': systems.serviceCode,
    '99TT23': systems.technique,
    L: systems.local,
    UCUM: systems.ucum,
    SCT: 'http://snomed.info/sct',
    HL70078: 'http://terminology.hl7.org/CodeSystem/v2-0078',
    HL70487: 'http://terminology.hl7.org/CodeSystem/v2-0487',
  };
}

/** Options shared by {@link decodeOru} and {@link encodeOru}. */
export interface OruOptions {
  systems?: Partial<LabSystems>;
  /** Coding-system names ↔ URIs (merged over {@link defaultHl7CodingSystems}). */
  codingSystems?: Record<string, string>;
}

/** Options of {@link decodeOru}. */
export interface DecodeOruOptions extends OruOptions {
  /** Offset for timestamps without one (default `+07:00`, Vietnam time). */
  defaultOffset?: string;
  /** Unit normaliser (default: common synonyms + UCUM). */
  normaliseUnit?: UnitNormaliser;
  /** Facts HL7 v2 does not carry, added to every report (e.g. the lab's quality level). */
  defaults?: Partial<Pick<LabReport, 'lab' | 'performingFacility' | 'orderingFacility'>>;
}

/** What {@link decodeOru} returns. */
export interface OruDecodeResult {
  /** One report per OBR group. */
  reports: LabReport[];
  /** Things kept with a caveat or not carried (unknown value types, OBX outside an order …). */
  warnings: ValidationIssue[];
  version: string;
  controlId?: string;
}

const SUBJECT = { en: 'HL7 v2 message', vi: 'Bản tin HL7 v2' };
const SUPPORTED = /^2\.(3|3\.1|4|5|5\.1|6)$/;

/** HL7 table 0123 (OBR-25) → report status. Null prototype: `toString` is not a status. */
const REPORT_STATUS: Record<string, ReportStatus> = Object.assign(Object.create(null), {
  O: 'registered',
  I: 'registered',
  S: 'registered',
  A: 'preliminary',
  P: 'preliminary',
  R: 'preliminary',
  F: 'final',
  C: 'corrected',
  X: 'cancelled',
});
/** HL7 table 0085 (OBX-11) → observation status. */
const OBS_STATUS: Record<string, ObservationStatus> = Object.assign(Object.create(null), {
  I: 'registered',
  P: 'preliminary',
  R: 'preliminary',
  S: 'preliminary',
  F: 'final',
  U: 'final',
  C: 'corrected',
  X: 'cancelled',
  N: 'cancelled',
  D: 'entered-in-error',
  W: 'entered-in-error',
});
const REPORT_STATUS_OUT: Record<ReportStatus, string> = {
  registered: 'I',
  preliminary: 'P',
  final: 'F',
  amended: 'C',
  corrected: 'C',
  cancelled: 'X',
};
const OBS_STATUS_OUT: Record<ObservationStatus, string> = { ...REPORT_STATUS_OUT, 'entered-in-error': 'W' };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const CONCLUSION_TYPE = 'CONCL';

interface Ctx {
  d: Delimiters;
  systems: LabSystems;
  names: Record<string, string>;
  uris: Map<string, string>;
  offset: string;
  unit: UnitNormaliser;
  warnings: ValidationIssue[];
  errors: ValidationIssue[];
  /** Timestamps repeat within a message (OBX-14 of a panel): parse each distinct one once. */
  times: Map<string, string | undefined | null>;
  /** Units repeat too (OBX-6 of a panel): read each distinct field once. */
  units: Map<string, UnitsRead>;
}

/** What OBX-6 gives: the UCUM unit when known, and the unit as written. */
interface UnitsRead {
  unit?: string;
  originalUnit?: string;
}

const UNNAMED = 'urn:lienthong:hl7-cs:none';
/** C0 controls and line/paragraph separators (an escaped CR/LF inside a code), replaced by a space. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\x00-\x1f\u2028\u2029]+/g;
/** The longest code the model takes (`code` of @lienthong/core). */
const MAX_CODE = 255;
const NAMED_PREFIX = 'urn:lienthong:hl7-cs:';

function systemUri(name: string, ctx: Ctx): string {
  if (name === '') return UNNAMED;
  const known = ctx.names[name];
  if (known) return known;
  if (/^[a-z][a-z0-9+.-]*:\S+$/i.test(name)) return name;
  return `${NAMED_PREFIX}${name.replace(/\s+/g, '_')}`;
}

function systemName(uri: string, ctx: Ctx): string {
  if (uri === UNNAMED) return '';
  const name = ctx.uris.get(uri);
  if (name !== undefined) return name;
  if (uri.startsWith(NAMED_PREFIX)) return uri.slice(NAMED_PREFIX.length);
  return uri;
}

const u = (raw: string, ctx: Ctx) => unescapeHl7(raw, ctx.d);

/** Whether a code holds a character {@link CONTROL} replaces (rare: an escaped CR/LF inside a code). */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/** What {@link readCodings} returns. */
interface CodingsRead {
  codings: LabCoding[];
  text?: string;
}

/** CE/CWE → codings (primary and alternate); field `n` of `seg` names the field in issue paths. */
function readCodings(raw: string, seg: Segment, n: number, ctx: Ctx): CodingsRead {
  const codings: LabCoding[] = [];
  if (raw === '') return { codings };
  const c = pieces(raw, ctx.d.component, 9);
  for (let k = 0; k < 2; k++) {
    const ci = k * 3;
    const rawCode = c[ci];
    if (!rawCode) continue;
    let code = u(rawCode, ctx);
    if (hasControl(code)) code = code.replace(CONTROL, ' ');
    code = code.trim();
    if (!code) continue;
    if (code.length > MAX_CODE) {
      ctx.errors.push(
        issue(
          'HL7_CODE_TOO_LONG',
          `${segmentPath(seg)}-${n}`,
          `A code is ${code.length} characters long; at most ${MAX_CODE} are allowed`,
          `Mã dài ${code.length} ký tự; tối đa ${MAX_CODE} ký tự`,
        ),
      );
      continue;
    }
    const system = systemUri(u(c[ci + 2] ?? '', ctx).trim(), ctx);
    const coding: LabCoding = { system, code };
    const display = u(c[ci + 1] ?? '', ctx);
    if (display) coding.display = display;
    const version = u(c[6 + k] ?? '', ctx);
    if (version) coding.version = version;
    if (!isRecognisedCode(system, code, ctx.systems)) coding.unrecognised = true;
    codings.push(coding);
  }
  const original = u(c[8] ?? '', ctx);
  const text = original || (codings.length === 0 ? u(c[1] ?? '', ctx) : '');
  return text ? { codings, text } : { codings };
}

function writeCodings(
  codings: readonly LabCoding[],
  text: string | undefined,
  ctx: Ctx,
  path: string,
): string {
  const e = (s: string | undefined) => escapeHl7(s ?? '', ctx.d);
  const [a, b] = codings;
  if (codings.length > 2) {
    ctx.warnings.push(
      issue(
        'HL7_CODING_NOT_CARRIED',
        path,
        `HL7 v2 CWE carries two codings; ${codings.length - 2} more were not written`,
        `CWE của HL7 v2 chỉ mang hai mã; ${codings.length - 2} mã còn lại không được ghi`,
      ),
    );
  }
  const parts = [
    e(a?.code),
    e(a?.display),
    a ? e(systemName(a.system, ctx)) : '',
    e(b?.code),
    e(b?.display),
    b ? e(systemName(b.system, ctx)) : '',
    e(a?.version),
    e(b?.version),
    e(text),
  ];
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join(ctx.d.component);
}

/** Reads a TS/DTM field (its first component) of `seg`; `n` names the field in issue paths. */
function time(raw: string, seg: Segment, n: number, ctx: Ctx): string | undefined {
  if (raw === '') return undefined;
  const text = u(piece(raw, 0, ctx.d.component), ctx).trim();
  if (!text) return undefined;
  let iso = ctx.times.get(text);
  if (iso === undefined && !ctx.times.has(text)) {
    iso = parseTimestamp(text, ctx.offset);
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

const URI = /^[a-z][a-z0-9+.-]*:\S+$/i;

function readIdentifier(raw: string, ctx: Ctx): IdentifierValue | undefined {
  const d = ctx.d;
  const value = u(piece(raw, 0, d.component), ctx).trim();
  if (!value) return undefined;
  const hdRaw = piece(raw, 3, d.component);
  const hd0 = u(piece(hdRaw, 0, d.subcomponent), ctx);
  const hd1 = u(piece(hdRaw, 1, d.subcomponent), ctx);
  const hd2 = u(piece(hdRaw, 2, d.subcomponent), ctx);
  const type = u(piece(raw, 4, d.component), ctx);
  let system: string;
  if (hd2 === 'URI' && hd1 && URI.test(hd1)) system = hd1;
  else if (type === 'NNVNM' || type === 'NN') system = DEFAULT_IDENTIFIER_SYSTEMS.cccd;
  else system = `urn:lienthong:hl7-sid:${(hd0 || hd1 || type || 'unknown').replace(/\s+/g, '_')}`;
  return { system, value };
}

const NO_UNITS: UnitsRead = Object.freeze({});

/** OBX-6: the UCUM unit (given as UCUM, or normalised from the text) and the unit as written. */
function readUnits(raw: string, ctx: Ctx): UnitsRead {
  if (raw === '') return NO_UNITS;
  const cached = ctx.units.get(raw);
  if (cached) return cached;
  const j = ctx.d.component;
  const c0 = piece(raw, 0, j);
  const original = (u(c0, ctx) || u(piece(raw, 1, j), ctx)).trim();
  let unit: string | undefined;
  const c3 = piece(raw, 3, j);
  if (c3 && piece(raw, 5, j) === 'UCUM') unit = u(c3, ctx);
  else if (c0 && piece(raw, 2, j) === 'UCUM') unit = u(c0, ctx);
  else if (original) unit = ctx.unit(original);
  const out: UnitsRead = {};
  if (unit) out.unit = unit;
  if (original) out.originalUnit = original;
  ctx.units.set(raw, out);
  return out;
}

/** A quantity with the units of OBX-6 (copied: the units object is shared within a message). */
function withUnits<const T extends object>(target: T, units: UnitsRead): T & UnitsRead {
  const out = target as T & UnitsRead;
  if (units.unit !== undefined) out.unit = units.unit;
  if (units.originalUnit !== undefined) out.originalUnit = units.originalUnit;
  return out;
}

function writeUnits(q: { unit?: string | undefined; originalUnit?: string | undefined }, ctx: Ctx): string {
  const e = (s: string) => escapeHl7(s, ctx.d);
  const j = ctx.d.component;
  if (q.unit && q.originalUnit && q.originalUnit !== q.unit)
    return [e(q.originalUnit), '', 'L', e(q.unit), '', 'UCUM'].join(j);
  if (q.unit) return [e(q.unit), '', 'UCUM'].join(j);
  return q.originalUnit ? e(q.originalUnit) : '';
}

/** A decimal (`undefined` when not one, or too large for a finite number). */
function num(text: string): number | undefined {
  const t = text.trim();
  if (t === '' || !NUMBER.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

export function formatDecimal(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

const BETWEEN = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*-\s*([+-]?(?:\d+\.?\d*|\.\d+))$/;
const BELOW = /^<=?\s*([+-]?(?:\d+\.?\d*|\.\d+))$/;
const ABOVE = /^>=?\s*([+-]?(?:\d+\.?\d*|\.\d+))$/;

/** OBX-7: `low-high`, `<high`, `>low` as numbers; anything else (or out of range) as text. */
function parseRange(text: string): ReferenceRange | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const between = BETWEEN.exec(t);
  if (between) {
    const low = Number(between[1]);
    const high = Number(between[2]);
    if (Number.isFinite(low) && Number.isFinite(high)) return { low, high };
  }
  const below = BELOW.exec(t);
  if (below && Number.isFinite(Number(below[1]))) return { high: Number(below[1]) };
  const above = ABOVE.exec(t);
  if (above && Number.isFinite(Number(above[1]))) return { low: Number(above[1]) };
  return { text: t };
}

function writeRange(r: ReferenceRange): string {
  if (r.low !== undefined && r.high !== undefined) return `${formatDecimal(r.low)}-${formatDecimal(r.high)}`;
  if (r.low !== undefined) return `>${formatDecimal(r.low)}`;
  if (r.high !== undefined) return `<${formatDecimal(r.high)}`;
  return r.text ?? '';
}

/** Whether `raw` holds nothing but repetition separators (no value at all). */
function onlySeparators(raw: string, rep: string): boolean {
  for (let i = 0; i < raw.length; i++) if (raw[i] !== rep) return false;
  return true;
}

/** The repetitions of a text value, unescaped, one per line. */
function textLines(raw: string, ctx: Ctx): string {
  const rep = ctx.d.repetition;
  if (raw.indexOf(rep) < 0) return u(raw, ctx);
  let out = '';
  let from = 0;
  for (;;) {
    const to = raw.indexOf(rep, from);
    out += u(to < 0 ? raw.slice(from) : raw.slice(from, to), ctx);
    if (to < 0) return out;
    out += '\n';
    from = to + 1;
  }
}

const COMPARATOR = /^(<=|>=|<|>)\s*([+-]?(?:\d+\.?\d*|\.\d+))$/;
const SN_COMPARATORS = new Set(['', '<', '>', '<=', '>=', '=']);

function readValue(
  type: string,
  raw: string,
  unitsRaw: string,
  seg: Segment,
  ctx: Ctx,
): LabValue | undefined {
  const rep = ctx.d.repetition;
  if (onlySeparators(raw, rep)) return undefined;
  const cut = raw.indexOf(rep);
  const first = cut < 0 ? raw : raw.slice(0, cut);
  if (cut >= 0 && type !== 'TX' && type !== 'FT' && type !== 'ST') {
    let count = 1;
    for (let p = cut; p >= 0; p = raw.indexOf(rep, p + 1)) count++;
    ctx.warnings.push(
      issue(
        'HL7_VALUE_REPEATED',
        `${segmentPath(seg)}-5`,
        `Only the first of ${count} values of type ${type} is kept`,
        `Chỉ giữ giá trị đầu trong ${count} giá trị kiểu ${type}`,
      ),
    );
  }
  switch (type) {
    case 'NM': {
      const text = u(first, ctx);
      const n = num(text);
      if (n !== undefined) return withUnits({ kind: 'quantity', value: n }, readUnits(unitsRaw, ctx));
      const cmp = COMPARATOR.exec(text.trim());
      if (cmp && Number.isFinite(Number(cmp[2])))
        return withUnits(
          { kind: 'quantity', value: Number(cmp[2]), comparator: cmp[1] as '<' },
          readUnits(unitsRaw, ctx),
        );
      ctx.warnings.push(
        issue(
          'HL7_NM_NOT_NUMERIC',
          `${segmentPath(seg)}-5`,
          'NM value is not a number; kept as text',
          'Giá trị NM không phải số; giữ dưới dạng văn bản',
        ),
      );
      return text.trim() ? { kind: 'text', text } : undefined;
    }
    case 'SN': {
      const c = first.split(ctx.d.component).map((x) => u(x, ctx).trim());
      const comparator = c[0] ?? '';
      const n1 = c[1] ?? '';
      const sep = c[2] ?? '';
      const n2 = c[3] ?? '';
      const a = num(n1);
      const b = num(n2);
      if (a !== undefined && sep === '' && n2 === '' && SN_COMPARATORS.has(comparator)) {
        const q: LabValue = { kind: 'quantity', value: a };
        if (comparator && comparator !== '=') q.comparator = comparator as '<';
        return withUnits(q, readUnits(unitsRaw, ctx));
      }
      if (a !== undefined && b !== undefined && comparator === '' && (sep === ':' || sep === '/')) {
        return {
          kind: 'ratio',
          numerator: withUnits({ value: a }, readUnits(unitsRaw, ctx)),
          denominator: { value: b },
        };
      }
      if (
        comparator === '' &&
        sep === '-' &&
        (a !== undefined || n1 === '') &&
        (b !== undefined || n2 === '') &&
        (a !== undefined || b !== undefined)
      ) {
        const range: LabValue = { kind: 'range' };
        if (a !== undefined) range.low = withUnits({ value: a }, readUnits(unitsRaw, ctx));
        if (b !== undefined) range.high = withUnits({ value: b }, readUnits(unitsRaw, ctx));
        return range;
      }
      ctx.warnings.push(
        issue(
          'HL7_SN_UNREADABLE',
          `${segmentPath(seg)}-5`,
          'SN value kept as text',
          'Giá trị SN được giữ dưới dạng văn bản',
        ),
      );
      const text = c.join('');
      return text ? { kind: 'text', text } : undefined;
    }
    case 'CE':
    case 'CWE':
    case 'CNE':
    case 'CF': {
      const { codings, text } = readCodings(first, seg, 5, ctx);
      if (codings.length > 0) return text ? { kind: 'coded', codings, text } : { kind: 'coded', codings };
      return text ? { kind: 'text', text } : undefined;
    }
    case 'ST':
    case 'TX':
    case 'FT': {
      const text = textLines(raw, ctx);
      return text ? { kind: 'text', text } : undefined;
    }
    default: {
      ctx.warnings.push(
        issue(
          'HL7_VALUE_TYPE_UNSUPPORTED',
          `${segmentPath(seg)}-5`,
          `Value type ${type || '(empty)'} kept as text`,
          `Kiểu giá trị ${type || '(trống)'} được giữ dưới dạng văn bản`,
        ),
      );
      const text = textLines(raw, ctx);
      return text ? { kind: 'text', text } : undefined;
    }
  }
}

function writeValue(value: LabValue, ctx: Ctx): { type: string; field: string; units: string } {
  const e = (s: string) => escapeHl7(s, ctx.d);
  const j = ctx.d.component;
  switch (value.kind) {
    case 'quantity':
      if (value.comparator)
        return {
          type: 'SN',
          field: [e(value.comparator), formatDecimal(value.value)].join(j),
          units: writeUnits(value, ctx),
        };
      return { type: 'NM', field: formatDecimal(value.value), units: writeUnits(value, ctx) };
    case 'ratio':
      return {
        type: 'SN',
        field: ['', formatDecimal(value.numerator.value), ':', formatDecimal(value.denominator.value)].join(
          j,
        ),
        units: writeUnits(value.numerator, ctx),
      };
    case 'range':
      return {
        type: 'SN',
        field: [
          '',
          value.low ? formatDecimal(value.low.value) : '',
          '-',
          value.high ? formatDecimal(value.high.value) : '',
        ].join(j),
        units: writeUnits(value.low ?? value.high ?? {}, ctx),
      };
    case 'coded':
      return { type: 'CWE', field: writeCodings(value.codings, value.text, ctx, 'OBX-5'), units: '' };
    case 'text': {
      const lines = value.text.split('\n');
      if (lines.length === 1 && value.text.length <= 199)
        return { type: 'ST', field: e(value.text), units: '' };
      return { type: 'TX', field: lines.map(e).join(ctx.d.repetition), units: '' };
    }
  }
}

/** XON (ORC-21, OBX-23): organisation name (component 1) and identifier (component 10). */
function readFacility(raw: string, ctx: Ctx): { code?: string; name?: string } | undefined {
  if (raw === '') return undefined;
  const name = u(piece(raw, 0, ctx.d.component), ctx).trim();
  const code = u(piece(raw, 9, ctx.d.component), ctx).trim();
  if (!name && !code) return undefined;
  const out: { code?: string; name?: string } = {};
  if (code) out.code = code;
  if (name) out.name = name;
  return out;
}

function writeFacility(
  f: { code?: string | undefined; name?: string | undefined } | undefined,
  ctx: Ctx,
): string {
  if (!f) return '';
  const parts = [
    escapeHl7(f.name ?? '', ctx.d),
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    escapeHl7(f.code ?? '', ctx.d),
  ];
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join(ctx.d.component);
}

let defaultTables:
  | { systems: LabSystems; names: Record<string, string>; uris: Map<string, string> }
  | undefined;

function tables(options: OruOptions) {
  if (!options.systems && !options.codingSystems && defaultTables) return defaultTables;
  const systems = { ...DEFAULT_LAB_SYSTEMS, ...options.systems };
  // Null prototype: a CWE-3 of `constructor` is an unknown name, not Object's constructor.
  const names: Record<string, string> = Object.assign(
    Object.create(null),
    defaultHl7CodingSystems(systems),
    options.codingSystems,
  );
  const uris = new Map<string, string>();
  for (const [name, uri] of Object.entries(names)) if (!uris.has(uri)) uris.set(uri, name);
  const t = { systems, names, uris };
  if (!options.systems && !options.codingSystems) defaultTables = t;
  return t;
}

function makeCtx(options: DecodeOruOptions, d: Delimiters): Ctx {
  const { systems, names, uris } = tables(options);
  return {
    d,
    systems,
    names,
    uris,
    offset: options.defaultOffset ?? '+07:00',
    unit: options.normaliseUnit ?? normaliseUnit,
    warnings: [],
    errors: [],
    times: new Map(),
    units: new Map(),
  };
}

/** Non-throwing twin of {@link decodeOru}. */
export function parseOru(
  text: string,
  options: DecodeOruOptions = {},
): Result<OruDecodeResult, ValidationError> {
  return attempt<OruDecodeResult, ValidationError>(() => decodeOru(text, options));
}

/**
 * Decodes an HL7 v2 ORU^R01 message (v2.3–2.6; CR, LF or CRLF; leading BOM) into one report per
 * OBR group. Throws a `ValidationError` whose `issues` name each bad segment/field (`OBX[2]-14`).
 */
export function decodeOru(text: string, options: DecodeOruOptions = {}): OruDecodeResult {
  return guard(
    'HL7_MESSAGE_UNREADABLE',
    { en: 'HL7 v2 message', vi: 'bản tin HL7 v2' },
    () => decodeOruUnsafe(text, options),
    'MSH',
  );
}

/** One OBR group being read: its report, and the notes that follow its segments. */
interface OpenReport {
  report: LabReport;
  lastObs?: LabObservation;
  notes: string[];
  conclusion: string[];
  obsNotes: Map<LabObservation, string[]>;
}

/** What the segments before the first OBR say about every report of the message. */
interface MessageFacts {
  controlId: string;
  sendingFacility: string;
  identifiers: IdentifierValue[];
  encounterId?: string;
  orderingFacility?: { code?: string; name?: string };
  placer?: string;
}

function decodeOruUnsafe(text: string, options: DecodeOruOptions): OruDecodeResult {
  if (typeof text !== 'string')
    throw invalid(
      'HL7_MESSAGE_UNREADABLE',
      'MSH',
      'Expected message text',
      'Cần nội dung bản tin dạng văn bản',
    );
  const d = readDelimiters(text);
  if (d instanceof ValidationError) throw d;
  const ctx = makeCtx(options, d);
  const segments = splitSegments(text, d);
  const msh = segments[0]!;
  const type = field(msh, 9, d);
  const event = piece(type, 0, d.component);
  const trigger = piece(type, 1, d.component);
  if (event !== 'ORU' || trigger !== 'R01') {
    throw invalid(
      'HL7_MESSAGE_TYPE_UNSUPPORTED',
      'MSH-9',
      `Message type ${u(event, ctx)}^${u(trigger, ctx)} is not ORU^R01`,
      `Loại bản tin ${u(event, ctx)}^${u(trigger, ctx)} không phải ORU^R01`,
    );
  }
  const version = u(piece(field(msh, 12, d), 0, d.component), ctx).trim();
  if (!SUPPORTED.test(version)) {
    ctx.warnings.push(
      issue(
        'HL7_VERSION_UNSUPPORTED',
        'MSH-12',
        `Version ${version || '(empty)'} is outside 2.3–2.6; read as 2.6`,
        `Phiên bản ${version || '(trống)'} ngoài 2.3–2.6; đọc như 2.6`,
      ),
    );
  }
  const facts: MessageFacts = {
    controlId: u(field(msh, 10, d), ctx).trim(),
    sendingFacility: u(piece(field(msh, 4, d), 0, d.component), ctx).trim(),
    identifiers: [],
  };
  const reports: LabReport[] = [];
  const open: OpenReport[] = [];
  let current: OpenReport | undefined;

  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    switch (seg.name) {
      case 'PID':
        readPatient(seg, facts, ctx);
        break;
      case 'PV1': {
        const visit = u(piece(field(seg, 19, d), 0, d.component), ctx).trim();
        if (visit) facts.encounterId = visit;
        break;
      }
      case 'ORC':
        facts.placer = u(piece(field(seg, 2, d), 0, d.component), ctx).trim() || undefined;
        facts.orderingFacility = readFacility(field(seg, 21, d), ctx);
        break;
      case 'OBR': {
        const report = readOrder(seg, facts, reports.length, options, ctx);
        current = { report, notes: [], conclusion: [], obsNotes: new Map() };
        open.push(current);
        reports.push(report);
        break;
      }
      case 'OBX': {
        if (!current) {
          ctx.warnings.push(
            issue(
              'HL7_OBX_OUTSIDE_ORDER',
              segmentPath(seg),
              'OBX before any OBR is not part of a report',
              'OBX đứng trước mọi OBR không thuộc phiếu kết quả nào',
            ),
          );
          break;
        }
        const observation = readObservation(seg, current.report, ctx);
        current.report.observations.push(observation);
        current.lastObs = observation;
        break;
      }
      case 'NTE': {
        if (!current) break;
        const textOf = textLines(field(seg, 3, d), ctx);
        if (current.lastObs) {
          const list = current.obsNotes.get(current.lastObs);
          if (list) list.push(textOf);
          else current.obsNotes.set(current.lastObs, [textOf]);
        } else if (u(piece(field(seg, 4, d), 0, d.component), ctx) === CONCLUSION_TYPE)
          current.conclusion.push(textOf);
        else current.notes.push(textOf);
        break;
      }
      case 'SPM':
        if (current) readSpecimen(seg, current.report, ctx);
        break;
      default:
        break;
    }
  }
  for (const o of open) {
    // Blank notes are left out (the model has no empty strings), as a blank CONCL line is.
    const note = o.notes.join('\n');
    if (note) o.report.note = note;
    else delete o.report.note;
    const conclusion = o.conclusion.join('\n');
    if (conclusion) o.report.conclusion = conclusion;
    for (const [obs, notes] of o.obsNotes) {
      const obsNote = notes.join('\n');
      if (obsNote) obs.note = obsNote;
    }
  }
  if (ctx.errors.length > 0) throw invalidMany(ctx.errors, SUBJECT);
  // Reports are valid LabReports by construction: every string is checked non-empty before it
  // is set, numbers come from a decimal pattern, times from parseTimestamp. The property test
  // "decoded reports satisfy labReportSchema" (oru.test.ts) holds the decoder to it; a schema
  // pass here would cost more than the whole decode.
  return {
    reports,
    warnings: ctx.warnings,
    version,
    ...(facts.controlId ? { controlId: facts.controlId } : {}),
  };
}

/** PID-3 (and PID-2, v2.3): every identifier, each once. */
function readPatient(seg: Segment, facts: MessageFacts, ctx: Ctx): void {
  const d = ctx.d;
  for (const n of [3, 2]) {
    const raw = field(seg, n, d);
    if (raw === '') continue;
    for (let from = 0; from <= raw.length; ) {
      let to = raw.indexOf(d.repetition, from);
      if (to < 0) to = raw.length;
      const id = readIdentifier(raw.slice(from, to), ctx);
      if (id && !facts.identifiers.some((x) => x.system === id.system && x.value === id.value))
        facts.identifiers.push(id);
      from = to + 1;
    }
  }
}

/** OBR: one report (observations, notes and specimen are added by the segments that follow). */
function readOrder(
  seg: Segment,
  facts: MessageFacts,
  index: number,
  options: DecodeOruOptions,
  ctx: Ctx,
): LabReport {
  const d = ctx.d;
  const fillerRaw = field(seg, 3, d);
  const filler0 = u(piece(fillerRaw, 0, d.component), ctx).trim();
  const placerHere = u(piece(field(seg, 2, d), 0, d.component), ctx).trim() || facts.placer;
  const id = filler0 || placerHere || `${facts.controlId || 'message'}-${index + 1}`;
  const service = readCodings(field(seg, 4, d), seg, 4, ctx);
  const statusCode = u(field(seg, 25, d), ctx).trim();
  const status = REPORT_STATUS[statusCode];
  if (statusCode && !status) {
    ctx.warnings.push(
      issue(
        'HL7_STATUS_UNKNOWN',
        `${segmentPath(seg)}-25`,
        `Result status ${statusCode} read as preliminary`,
        `Trạng thái ${statusCode} được đọc là sơ bộ`,
      ),
    );
  }
  // OBR-32 (NDL): the first repetition's first component, split into subcomponents.
  const signerRaw = piece(piece(field(seg, 32, d), 0, d.repetition), 0, d.component);
  const signerId = u(piece(signerRaw, 0, d.subcomponent), ctx).trim();
  const family = u(piece(signerRaw, 1, d.subcomponent), ctx).trim();
  const given = u(piece(signerRaw, 2, d.subcomponent), ctx).trim();
  const signerName = family && given ? `${family} ${given}` : family || given;
  // OBR-15 (v2.3 SPS): the specimen type is the first component's subcomponents.
  const sps = piece(field(seg, 15, d), 0, d.component);
  const specimenType = readCodings(
    sps.indexOf(d.subcomponent) < 0 ? sps : sps.split(d.subcomponent).join(d.component),
    seg,
    15,
    ctx,
  );
  const effectiveAt = time(field(seg, 7, d), seg, 7, ctx);
  const issuedAt = time(field(seg, 22, d), seg, 22, ctx);
  const receivedAt = time(field(seg, 14, d), seg, 14, ctx);
  // Keys in the order the model lists them (JSON output reads the same for every report).
  const report = { id } as LabReport;
  if (u(piece(fillerRaw, 3, d.component), ctx).trim() === 'URI') {
    const idSystem = u(piece(fillerRaw, 2, d.component), ctx).trim();
    if (URI.test(idSystem)) report.idSystem = idSystem;
    else if (idSystem)
      ctx.warnings.push(
        issue(
          'HL7_ID_SYSTEM_INVALID',
          `${segmentPath(seg)}-3`,
          'The filler order number names a URI system that is not an absolute URI; the id is kept without it',
          'Hệ thống mã của số phiếu không phải URI tuyệt đối; giữ mã phiếu, bỏ hệ thống mã',
        ),
      );
  }
  report.patient = { identifiers: facts.identifiers };
  if (facts.encounterId) report.encounterId = facts.encounterId;
  if (placerHere) report.orderId = placerHere;
  report.codes = service.codings;
  const name = service.text || service.codings[0]?.display;
  if (name) report.name = name;
  report.status = status ?? (statusCode ? 'preliminary' : 'final');
  if (facts.orderingFacility) report.orderingFacility = facts.orderingFacility;
  if (facts.sendingFacility) report.performingFacility = { code: facts.sendingFacility };
  const specimenCoding = specimenType.codings[0];
  if (specimenCoding || receivedAt) {
    const specimen: NonNullable<LabReport['specimen']> = {};
    if (specimenCoding) specimen.type = specimenCoding;
    if (receivedAt) specimen.receivedAt = receivedAt;
    report.specimen = specimen;
  }
  if (effectiveAt) report.effectiveAt = effectiveAt;
  if (issuedAt) report.issuedAt = issuedAt;
  if (signerId || signerName) {
    const signer: NonNullable<LabReport['signer']> = {};
    if (signerId) signer.id = signerId;
    if (signerName) signer.name = signerName;
    report.signer = signer;
  }
  report.observations = [];
  return options.defaults ? { ...report, ...options.defaults } : report;
}

/** OBX: one observation of the current report (OBX-23 also names the performing facility). */
function readObservation(seg: Segment, report: LabReport, ctx: Ctx): LabObservation {
  const d = ctx.d;
  const type = u(field(seg, 2, d), ctx)
    .trim()
    .toUpperCase();
  const code = readCodings(field(seg, 3, d), seg, 3, ctx);
  const value = readValue(type, field(seg, 5, d), field(seg, 6, d), seg, ctx);
  const range = parseRange(u(field(seg, 7, d), ctx));
  const flags = readFlags(field(seg, 8, d), ctx);
  const statusCode = u(field(seg, 11, d), ctx).trim();
  const status = OBS_STATUS[statusCode];
  if (statusCode && !status) {
    ctx.warnings.push(
      issue(
        'HL7_STATUS_UNKNOWN',
        `${segmentPath(seg)}-11`,
        `Result status ${statusCode} read as preliminary`,
        `Trạng thái ${statusCode} được đọc là sơ bộ`,
      ),
    );
  }
  // OBX-17 (CWE): the method's text (component 2), else its code.
  const methodRaw = piece(field(seg, 17, d), 0, d.repetition);
  const method =
    u(piece(methodRaw, 1, d.component), ctx).trim() || u(piece(methodRaw, 0, d.component), ctx).trim();
  const performedAt = time(field(seg, 14, d), seg, 14, ctx);
  const performer = readFacility(field(seg, 23, d), ctx);
  if (performer) report.performingFacility = performer;
  const observation: LabObservation = {
    codes: code.codings,
    status: status ?? (statusCode ? 'preliminary' : report.status === 'cancelled' ? 'cancelled' : 'final'),
  };
  const obsName = code.text || code.codings[0]?.display;
  if (obsName) observation.name = obsName;
  if (value) observation.value = value;
  if (range) observation.referenceRange = [range];
  if (flags) observation.interpretation = flags;
  if (method) observation.method = method;
  if (performedAt) observation.performedAt = performedAt;
  return observation;
}

/** OBX-8: the first component of each repetition, blanks left out; `undefined` when none. */
function readFlags(raw: string, ctx: Ctx): string[] | undefined {
  if (raw === '') return undefined;
  let flags: string[] | undefined;
  for (let from = 0; from <= raw.length; ) {
    let to = raw.indexOf(ctx.d.repetition, from);
    if (to < 0) to = raw.length;
    const flag = u(piece(raw.slice(from, to), 0, ctx.d.component), ctx).trim();
    if (flag) {
      if (flags) flags.push(flag);
      else flags = [flag];
    }
    from = to + 1;
  }
  return flags;
}

/** SPM (v2.5+): specimen id, type, collection and reception times, merged into the report's. */
function readSpecimen(seg: Segment, report: LabReport, ctx: Ctx): void {
  const d = ctx.d;
  const sid = u(piece(piece(field(seg, 2, d), 0, d.component), 0, d.subcomponent), ctx).trim();
  const type = readCodings(field(seg, 4, d), seg, 4, ctx);
  const collectedAt = time(piece(field(seg, 17, d), 0, d.component), seg, 17, ctx);
  const receivedAt = time(field(seg, 18, d), seg, 18, ctx);
  const read = type.codings[0];
  let typeCoding: LabCoding | undefined;
  if (read) {
    // SPM-4 without a coding system is HL7 table 0487; a specimen type is never flagged.
    typeCoding = { system: read.system === UNNAMED ? ctx.names.HL70487! : read.system, code: read.code };
    if (read.display) typeCoding.display = read.display;
    if (read.version) typeCoding.version = read.version;
  }
  const specimen: NonNullable<LabReport['specimen']> = { ...report.specimen };
  if (sid) specimen.id = sid;
  if (typeCoding) specimen.type = typeCoding;
  if (type.text) specimen.typeText = type.text;
  if (collectedAt) specimen.collectedAt = collectedAt;
  if (receivedAt) specimen.receivedAt = receivedAt;
  report.specimen = specimen;
}

/** Options of {@link encodeOru}. */
export interface EncodeOruOptions extends OruOptions {
  /** HL7 version written in MSH-12 (default `2.5.1`). */
  version?: '2.3' | '2.3.1' | '2.4' | '2.5' | '2.5.1' | '2.6';
  /** MSH-10 (default: derived from the first report id). */
  controlId?: string;
  /** MSH-7 (default: now). */
  messageTime?: string;
  sendingApplication?: string;
  receivingApplication?: string;
  receivingFacility?: string;
  /** Collects what HL7 v2 cannot carry (third coding, lab quality level …). */
  warnings?: ValidationIssue[];
}

/**
 * Encodes reports of one patient as an HL7 v2 ORU^R01 message (CR separators, UTF-8, escaped
 * text). HL7 v2 has no field for the lab's quality level, accreditation or more than two codings
 * per code: those are reported in `options.warnings` and not written.
 */
export function encodeOru(reports: LabReport | readonly LabReport[], options: EncodeOruOptions = {}): string {
  return guard(
    'HL7_ENCODE_FAILED',
    { en: 'lab report', vi: 'phiếu kết quả' },
    () => encodeOruUnsafe(reports, options),
    'reports',
  );
}

function encodeOruUnsafe(input: LabReport | readonly LabReport[], options: EncodeOruOptions): string {
  const list = (Array.isArray(input) ? input : [input]) as readonly LabReport[];
  if (list.length === 0)
    throw invalid(
      'HL7_NOTHING_TO_ENCODE',
      'reports',
      'No report to encode',
      'Không có phiếu kết quả để mã hóa',
    );
  const d = DEFAULT_DELIMITERS;
  const ctx = makeCtx(options, d);
  const version = options.version ?? '2.5.1';
  const modern = !/^2\.(3|3\.1|4)$/.test(version);
  const e = (s: string | undefined) => escapeHl7(s ?? '', d);
  const key = (r: LabReport) => JSON.stringify(r.patient.identifiers);
  if (list.some((r) => key(r) !== key(list[0]!))) {
    throw invalid(
      'HL7_PATIENT_MISMATCH',
      'reports',
      'One ORU^R01 message carries one patient',
      'Một bản tin ORU^R01 chỉ mang một người bệnh',
    );
  }
  const first = list[0]!;
  const seg = (...fields: string[]) => {
    while (fields.length > 1 && fields[fields.length - 1] === '') fields.pop();
    return fields.join(d.field);
  };
  const now = options.messageTime ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const lines: string[] = [];
  lines.push(
    `MSH${d.field}${d.component}${d.repetition}${d.escape}${d.subcomponent}${d.field}${[
      e(options.sendingApplication ?? 'LIENTHONG'),
      e(first.performingFacility?.code),
      e(options.receivingApplication),
      e(options.receivingFacility),
      formatTimestamp(now),
      '',
      ['ORU', 'R01', modern ? 'ORU_R01' : ''].filter(Boolean).join(d.component),
      e(options.controlId ?? first.id.slice(0, 20)),
      'P',
      version,
    ].join(d.field)}`,
  );
  const pid = first.patient.identifiers
    .map((id) => {
      const type = id.system === DEFAULT_IDENTIFIER_SYSTEMS.cccd ? 'NNVNM' : '';
      return [e(id.value), '', '', ['', e(id.system), 'URI'].join(d.subcomponent), type]
        .join(d.component)
        .replace(/\^+$/, '');
    })
    .join(d.repetition);
  lines.push(seg('PID', '1', '', pid));
  if (first.encounterId) lines.push(seg('PV1', '1', 'U', ...Array(16).fill(''), e(first.encounterId)));
  list.forEach((r, index) => {
    if (r.lab?.qualityLevel !== undefined || r.lab?.accreditation?.length) {
      ctx.warnings.push(
        issue(
          'HL7_FIELD_NOT_CARRIED',
          `OBR[${index + 1}]`,
          'HL7 v2 has no field for the lab quality level or accreditation',
          'HL7 v2 không có trường cho mức chất lượng hoặc công nhận của phòng xét nghiệm',
        ),
      );
    }
    lines.push(
      seg('ORC', 'RE', e(r.orderId), e(r.id), ...Array(17).fill(''), writeFacility(r.orderingFacility, ctx)),
    );
    const filler = r.idSystem ? [e(r.id), '', e(r.idSystem), 'URI'].join(d.component) : e(r.id);
    const specimenSource =
      !modern && r.specimen?.type
        ? [e(r.specimen.type.code), e(r.specimen.type.display), e(systemName(r.specimen.type.system, ctx))]
            .join(d.subcomponent)
            .replace(/&+$/, '')
        : '';
    const signer = r.signer ? [e(r.signer.id), e(r.signer.name)].join(d.subcomponent).replace(/&+$/, '') : '';
    lines.push(
      seg(
        'OBR',
        String(index + 1),
        e(r.orderId),
        filler,
        writeCodings(
          r.codes,
          r.name !== r.codes[0]?.display ? r.name : undefined,
          ctx,
          `OBR[${index + 1}]-4`,
        ),
        '',
        '',
        r.effectiveAt ? formatTimestamp(r.effectiveAt) : '',
        '',
        '',
        '',
        '',
        '',
        '',
        !modern && r.specimen?.receivedAt ? formatTimestamp(r.specimen.receivedAt) : '',
        specimenSource,
        '',
        '',
        '',
        '',
        '',
        '',
        r.issuedAt ? formatTimestamp(r.issuedAt) : '',
        '',
        '',
        REPORT_STATUS_OUT[r.status],
        '',
        '',
        '',
        '',
        '',
        '',
        signer,
      ),
    );
    let nte = 0;
    const writeNotes = (text: string | undefined, type = '') => {
      if (text === undefined) return;
      for (const line of text.split('\n')) lines.push(seg('NTE', String(++nte), '', e(line), type));
    };
    writeNotes(r.note);
    writeNotes(r.conclusion, CONCLUSION_TYPE);
    r.observations.forEach((o, i) => {
      const v = o.value ? writeValue(o.value, ctx) : { type: '', field: '', units: '' };
      lines.push(
        seg(
          'OBX',
          String(i + 1),
          v.type,
          writeCodings(
            o.codes,
            o.name !== o.codes[0]?.display ? o.name : undefined,
            ctx,
            `OBR[${index + 1}].OBX[${i + 1}]-3`,
          ),
          '',
          v.field,
          v.units,
          o.referenceRange?.[0] ? e(writeRange(o.referenceRange[0])) : '',
          (o.interpretation ?? []).map(e).join(d.repetition),
          '',
          '',
          OBS_STATUS_OUT[o.status],
          '',
          '',
          o.performedAt ? formatTimestamp(o.performedAt) : '',
          '',
          '',
          o.method ? `${d.component}${e(o.method)}` : '',
          '',
          '',
          '',
          '',
          '',
          modern ? writeFacility(r.performingFacility, ctx) : '',
        ),
      );
      nte = 0;
      writeNotes(o.note);
    });
    if (
      modern &&
      r.specimen &&
      (r.specimen.id ||
        r.specimen.type ||
        r.specimen.typeText ||
        r.specimen.collectedAt ||
        r.specimen.receivedAt)
    ) {
      const t = r.specimen.type;
      const typeField = t
        ? writeCodings([t], r.specimen.typeText, ctx, 'SPM-4')
        : r.specimen.typeText
          ? ['', '', '', '', '', '', '', '', e(r.specimen.typeText)].join(d.component)
          : '';
      lines.push(
        seg(
          'SPM',
          '1',
          e(r.specimen.id),
          '',
          typeField,
          ...Array(12).fill(''),
          r.specimen.collectedAt ? formatTimestamp(r.specimen.collectedAt) : '',
          r.specimen.receivedAt ? formatTimestamp(r.specimen.receivedAt) : '',
        ),
      );
    }
  });
  if (options.warnings) options.warnings.push(...ctx.warnings);
  return `${lines.join('\r')}\r`;
}
