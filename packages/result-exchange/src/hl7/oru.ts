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
  components,
  DEFAULT_DELIMITERS,
  type Delimiters,
  escapeHl7,
  formatTimestamp,
  parseTimestamp,
  repetitions,
  splitSegments,
  subcomponents,
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

const REPORT_STATUS: Record<string, ReportStatus> = {
  O: 'registered',
  I: 'registered',
  S: 'registered',
  A: 'preliminary',
  P: 'preliminary',
  R: 'preliminary',
  F: 'final',
  C: 'corrected',
  X: 'cancelled',
};
const OBS_STATUS: Record<string, ObservationStatus> = {
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
};
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
}

const UNNAMED = 'urn:lienthong:hl7-cs:none';
/** C0 control characters (an escaped CR/LF inside a code), replaced by a space. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\x00-\x1f]+/g;
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

const u = (raw: string | undefined, ctx: Ctx) => unescapeHl7(raw ?? '', ctx.d);

/** CE/CWE → codings (primary and alternate). */
function readCodings(raw: string, ctx: Ctx): { codings: LabCoding[]; text?: string } {
  const c = components(raw, ctx.d);
  const codings: LabCoding[] = [];
  for (let k = 0; k < 2; k++) {
    const ci = k * 3;
    const raw = c[ci];
    if (!raw) continue;
    const code = u(raw, ctx).replace(CONTROL, ' ').trim();
    if (!code) continue;
    const system = systemUri(u(c[ci + 2], ctx).trim(), ctx);
    const coding: LabCoding = { system, code };
    const display = u(c[ci + 1], ctx);
    if (display) coding.display = display;
    const version = u(c[6 + k], ctx);
    if (version) coding.version = version;
    if (!isRecognisedCode(system, code, ctx.systems)) coding.unrecognised = true;
    codings.push(coding);
  }
  const original = u(c[8], ctx);
  const text = original || (codings.length === 0 ? u(c[1], ctx) : '');
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

function time(raw: string | undefined, path: string, ctx: Ctx): string | undefined {
  if (!raw) return undefined;
  const first = raw.indexOf(ctx.d.component) < 0 ? raw : raw.slice(0, raw.indexOf(ctx.d.component));
  const text = u(first, ctx).trim();
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
        path,
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
        path,
        'Timestamp without a day is not kept',
        'Thời gian không có ngày không được giữ lại',
      ),
    );
  }
  return iso;
}

function readIdentifier(raw: string, ctx: Ctx): IdentifierValue | undefined {
  const c = components(raw, ctx.d);
  const value = u(c[0], ctx).trim();
  if (!value) return undefined;
  const hd = subcomponents(c[3], ctx.d).map((s) => u(s, ctx));
  const type = u(c[4], ctx);
  let system: string;
  if (hd[2] === 'URI' && hd[1] && /^[a-z][a-z0-9+.-]*:\S+$/i.test(hd[1])) system = hd[1];
  else if (type === 'NNVNM' || type === 'NN') system = DEFAULT_IDENTIFIER_SYSTEMS.cccd;
  else system = `urn:lienthong:hl7-sid:${(hd[0] || hd[1] || type || 'unknown').replace(/\s+/g, '_')}`;
  return { system, value };
}

function readUnits(raw: string | undefined, ctx: Ctx): { unit?: string; originalUnit?: string } {
  const out: { unit?: string; originalUnit?: string } = {};
  if (!raw) return out;
  const c = components(raw, ctx.d);
  const original = (u(c[0], ctx) || u(c[1], ctx)).trim();
  let unit: string | undefined;
  if (c[5] === 'UCUM' && c[3]) unit = u(c[3], ctx);
  else if (c[2] === 'UCUM' && c[0]) unit = u(c[0], ctx);
  else if (original) unit = ctx.unit(original);
  if (unit) out.unit = unit;
  if (original) out.originalUnit = original;
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

function num(text: string): number | undefined {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

export function formatDecimal(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

function parseRange(text: string): ReferenceRange | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const between = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*-\s*([+-]?(?:\d+\.?\d*|\.\d+))$/.exec(t);
  if (between) return { low: Number(between[1]), high: Number(between[2]) };
  const below = /^<=?\s*([+-]?(?:\d+\.?\d*|\.\d+))$/.exec(t);
  if (below) return { high: Number(below[1]) };
  const above = /^>=?\s*([+-]?(?:\d+\.?\d*|\.\d+))$/.exec(t);
  if (above) return { low: Number(above[1]) };
  return { text: t };
}

function writeRange(r: ReferenceRange): string {
  if (r.low !== undefined && r.high !== undefined) return `${formatDecimal(r.low)}-${formatDecimal(r.high)}`;
  if (r.low !== undefined) return `>${formatDecimal(r.low)}`;
  if (r.high !== undefined) return `<${formatDecimal(r.high)}`;
  return r.text ?? '';
}

function readValue(
  type: string,
  raw: string,
  units: string | undefined,
  path: string,
  ctx: Ctx,
): LabValue | undefined {
  const reps = repetitions(raw, ctx.d);
  if (reps.every((r) => r === '')) return undefined;
  let unitCache: { unit?: string; originalUnit?: string } | undefined;
  const unit = () => {
    unitCache ??= readUnits(units, ctx);
    return unitCache;
  };
  const first = reps[0] ?? '';
  if (reps.length > 1 && !['TX', 'FT', 'ST'].includes(type)) {
    ctx.warnings.push(
      issue(
        'HL7_VALUE_REPEATED',
        path,
        `Only the first of ${reps.length} values of type ${type} is kept`,
        `Chỉ giữ giá trị đầu trong ${reps.length} giá trị kiểu ${type}`,
      ),
    );
  }
  switch (type) {
    case 'NM': {
      const text = u(first, ctx);
      const n = num(text);
      if (n !== undefined) return { kind: 'quantity', value: n, ...unit() };
      const cmp = /^(<=|>=|<|>)\s*([+-]?(?:\d+\.?\d*|\.\d+))$/.exec(text.trim());
      if (cmp) return { kind: 'quantity', value: Number(cmp[2]), comparator: cmp[1] as '<', ...unit() };
      ctx.warnings.push(
        issue(
          'HL7_NM_NOT_NUMERIC',
          path,
          'NM value is not a number; kept as text',
          'Giá trị NM không phải số; giữ dưới dạng văn bản',
        ),
      );
      return text.trim() ? { kind: 'text', text } : undefined;
    }
    case 'SN': {
      const c = components(first, ctx.d).map((x) => u(x, ctx).trim());
      const [comparator = '', n1 = '', sep = '', n2 = ''] = c;
      const a = num(n1);
      const b = num(n2);
      if (
        a !== undefined &&
        sep === '' &&
        n2 === '' &&
        ['', '<', '>', '<=', '>=', '='].includes(comparator)
      ) {
        return {
          kind: 'quantity',
          value: a,
          ...(comparator && comparator !== '=' ? { comparator: comparator as '<' } : {}),
          ...unit(),
        };
      }
      if (a !== undefined && b !== undefined && comparator === '' && (sep === ':' || sep === '/')) {
        return { kind: 'ratio', numerator: { value: a, ...unit() }, denominator: { value: b } };
      }
      if (
        comparator === '' &&
        sep === '-' &&
        (a !== undefined || n1 === '') &&
        (b !== undefined || n2 === '') &&
        (a !== undefined || b !== undefined)
      ) {
        return {
          kind: 'range',
          ...(a !== undefined ? { low: { value: a, ...unit() } } : {}),
          ...(b !== undefined ? { high: { value: b, ...unit() } } : {}),
        };
      }
      ctx.warnings.push(
        issue('HL7_SN_UNREADABLE', path, 'SN value kept as text', 'Giá trị SN được giữ dưới dạng văn bản'),
      );
      const text = c.join('');
      return text ? { kind: 'text', text } : undefined;
    }
    case 'CE':
    case 'CWE':
    case 'CNE':
    case 'CF': {
      const { codings, text } = readCodings(first, ctx);
      if (codings.length > 0) return { kind: 'coded', codings, ...(text ? { text } : {}) };
      return text ? { kind: 'text', text } : undefined;
    }
    case 'ST':
    case 'TX':
    case 'FT': {
      const text = reps.map((r) => u(r, ctx)).join('\n');
      return text ? { kind: 'text', text } : undefined;
    }
    default: {
      ctx.warnings.push(
        issue(
          'HL7_VALUE_TYPE_UNSUPPORTED',
          path,
          `Value type ${type || '(empty)'} kept as text`,
          `Kiểu giá trị ${type || '(trống)'} được giữ dưới dạng văn bản`,
        ),
      );
      const text = reps.map((r) => u(r, ctx)).join('\n');
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

function readFacility(raw: string | undefined, ctx: Ctx): { code?: string; name?: string } | undefined {
  const c = components(raw, ctx.d).map((x) => u(x, ctx).trim());
  const name = c[0];
  const code = c[9];
  if (!name && !code) return undefined;
  return { ...(code ? { code } : {}), ...(name ? { name } : {}) };
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
  const names = { ...defaultHl7CodingSystems(systems), ...options.codingSystems };
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
  };
}

function readDelimiters(text: string): Delimiters | ValidationError {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const start = body.replace(/^[\r\n]+/, '');
  if (!start.startsWith('MSH')) {
    return invalid(
      'HL7_MSH_MISSING',
      'MSH',
      'The message does not start with an MSH segment',
      'Bản tin không bắt đầu bằng đoạn MSH',
    );
  }
  const field = start[3];
  const enc = start.slice(4, 8);
  const chars = field === undefined ? [] : [field, ...enc];
  if (
    field === undefined ||
    /[\r\n\w\s]/.test(field) ||
    enc.length < 4 ||
    new Set(chars).size !== 5 ||
    chars.some((c) => /[\r\n\w\s]/.test(c))
  ) {
    return invalid(
      'HL7_DELIMITERS_INVALID',
      'MSH-2',
      'MSH-1/MSH-2 do not define five distinct delimiters',
      'MSH-1/MSH-2 không khai báo đủ năm ký tự phân cách khác nhau',
    );
  }
  return { field, component: enc[0]!, repetition: enc[1]!, escape: enc[2]!, subcomponent: enc[3]! };
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
  const type = components(msh.fields[9], d);
  if (type[0] !== 'ORU' || type[1] !== 'R01') {
    throw invalid(
      'HL7_MESSAGE_TYPE_UNSUPPORTED',
      'MSH-9',
      `Message type ${u(type[0], ctx)}^${u(type[1], ctx)} is not ORU^R01`,
      `Loại bản tin ${u(type[0], ctx)}^${u(type[1], ctx)} không phải ORU^R01`,
    );
  }
  const version = u(components(msh.fields[12], d)[0], ctx).trim();
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
  const controlId = u(msh.fields[10], ctx).trim();
  const sendingFacility = u(components(msh.fields[4], d)[0], ctx).trim();

  const identifiers: IdentifierValue[] = [];
  let encounterId: string | undefined;
  let orderingFacility: { code?: string; name?: string } | undefined;
  let placer: string | undefined;
  const reports: LabReport[] = [];
  interface Open {
    report: LabReport;
    lastObs?: LabObservation;
    notes: string[];
    conclusion: string[];
    obsNotes: Map<LabObservation, string[]>;
    path: string;
  }
  const open: Open[] = [];
  let current: Open | undefined;

  for (const seg of segments) {
    const f = seg.fields;
    switch (seg.name) {
      case 'PID':
        for (const field of [f[3], f[2]]) {
          for (const rep of repetitions(field, d)) {
            const id = readIdentifier(rep, ctx);
            if (id && !identifiers.some((x) => x.system === id.system && x.value === id.value))
              identifiers.push(id);
          }
        }
        break;
      case 'PV1': {
        const visit = u(components(f[19], d)[0], ctx).trim();
        if (visit) encounterId = visit;
        break;
      }
      case 'ORC':
        placer = u(components(f[2], d)[0], ctx).trim() || undefined;
        orderingFacility = readFacility(f[21], ctx);
        break;
      case 'OBR': {
        const filler = components(f[3], d).map((x) => u(x, ctx).trim());
        const placerHere = u(components(f[2], d)[0], ctx).trim() || placer;
        const id = filler[0] || placerHere || `${controlId || 'message'}-${reports.length + 1}`;
        const service = readCodings(f[4] ?? '', ctx);
        const statusCode = u(f[25], ctx).trim();
        const status = REPORT_STATUS[statusCode];
        if (statusCode && !status) {
          ctx.warnings.push(
            issue(
              'HL7_STATUS_UNKNOWN',
              `${seg.path}-25`,
              `Result status ${statusCode} read as preliminary`,
              `Trạng thái ${statusCode} được đọc là sơ bộ`,
            ),
          );
        }
        const signerParts = subcomponents(components(repetitions(f[32], d)[0], d)[0], d).map((x) =>
          u(x, ctx).trim(),
        );
        const signerName = [signerParts[1], signerParts[2]].filter(Boolean).join(' ');
        const specimenType = readCodings(subcomponents(components(f[15], d)[0], d).join(d.component), ctx);
        const effectiveAt = time(f[7], `${seg.path}-7`, ctx);
        const issuedAt = time(f[22], `${seg.path}-22`, ctx);
        const receivedAt = time(f[14], `${seg.path}-14`, ctx);
        const report: LabReport = {
          id,
          ...(filler[3] === 'URI' && filler[2] ? { idSystem: filler[2] } : {}),
          patient: { identifiers },
          ...(encounterId ? { encounterId } : {}),
          ...(placerHere ? { orderId: placerHere } : {}),
          codes: service.codings,
          ...(service.text
            ? { name: service.text }
            : service.codings[0]?.display
              ? { name: service.codings[0].display }
              : {}),
          status: status ?? (statusCode ? 'preliminary' : 'final'),
          ...(orderingFacility ? { orderingFacility } : {}),
          ...(sendingFacility ? { performingFacility: { code: sendingFacility } } : {}),
          ...(specimenType.codings[0] || receivedAt
            ? {
                specimen: {
                  ...(specimenType.codings[0] ? { type: specimenType.codings[0] } : {}),
                  ...(receivedAt ? { receivedAt } : {}),
                },
              }
            : {}),
          ...(effectiveAt ? { effectiveAt } : {}),
          ...(issuedAt ? { issuedAt } : {}),
          ...(signerParts[0] || signerName
            ? {
                signer: {
                  ...(signerParts[0] ? { id: signerParts[0] } : {}),
                  ...(signerName ? { name: signerName } : {}),
                },
              }
            : {}),
          observations: [],
          ...options.defaults,
        };
        current = { report, notes: [], conclusion: [], obsNotes: new Map(), path: seg.path };
        open.push(current);
        reports.push(report);
        break;
      }
      case 'OBX': {
        if (!current) {
          ctx.warnings.push(
            issue(
              'HL7_OBX_OUTSIDE_ORDER',
              seg.path,
              'OBX before any OBR is not part of a report',
              'OBX đứng trước mọi OBR không thuộc phiếu kết quả nào',
            ),
          );
          break;
        }
        const type = u(f[2], ctx).trim().toUpperCase();
        const code = readCodings(f[3] ?? '', ctx);
        const value = readValue(type, f[5] ?? '', f[6], `${seg.path}-5`, ctx);
        const rangeText = u(f[7], ctx);
        const range = parseRange(rangeText);
        const flags = repetitions(f[8], d)
          .map((r) => u(components(r, d)[0], ctx).trim())
          .filter(Boolean);
        const statusCode = u(f[11], ctx).trim();
        const status = OBS_STATUS[statusCode];
        if (statusCode && !status) {
          ctx.warnings.push(
            issue(
              'HL7_STATUS_UNKNOWN',
              `${seg.path}-11`,
              `Result status ${statusCode} read as preliminary`,
              `Trạng thái ${statusCode} được đọc là sơ bộ`,
            ),
          );
        }
        const method = components(repetitions(f[17], d)[0], d).map((x) => u(x, ctx).trim());
        const performedAt = time(f[14], `${seg.path}-14`, ctx);
        const performer = readFacility(f[23], ctx);
        if (performer) current.report.performingFacility = performer;
        const observation: LabObservation = {
          codes: code.codings,
          status:
            status ??
            (statusCode ? 'preliminary' : current.report.status === 'cancelled' ? 'cancelled' : 'final'),
        };
        const obsName = code.text || code.codings[0]?.display;
        if (obsName) observation.name = obsName;
        if (value) observation.value = value;
        if (range) observation.referenceRange = [range];
        if (flags.length) observation.interpretation = flags;
        if (method[1] || method[0]) observation.method = (method[1] || method[0])!;
        if (performedAt) observation.performedAt = performedAt;
        current.report.observations.push(observation);
        current.lastObs = observation;
        break;
      }
      case 'NTE': {
        if (!current) break;
        const textOf = repetitions(f[3], d)
          .map((r) => u(r, ctx))
          .join('\n');
        if (current.lastObs) {
          const list = current.obsNotes.get(current.lastObs) ?? [];
          list.push(textOf);
          current.obsNotes.set(current.lastObs, list);
        } else if (u(components(f[4], d)[0], ctx) === CONCLUSION_TYPE) current.conclusion.push(textOf);
        else current.notes.push(textOf);
        break;
      }
      case 'SPM': {
        if (!current) break;
        const sid = u(subcomponents(components(f[2], d)[0], d)[0], ctx).trim();
        const type = readCodings(f[4] ?? '', ctx);
        const collectedAt = time(components(f[17], d)[0], `${seg.path}-17`, ctx);
        const receivedAt = time(f[18], `${seg.path}-18`, ctx);
        const specimenTypeCoding = type.codings[0]
          ? type.codings[0].system === UNNAMED
            ? { ...type.codings[0], system: ctx.names.HL70487!, unrecognised: undefined }
            : type.codings[0]
          : undefined;
        if (specimenTypeCoding) delete specimenTypeCoding.unrecognised;
        current.report.specimen = {
          ...current.report.specimen,
          ...(sid ? { id: sid } : {}),
          ...(specimenTypeCoding ? { type: specimenTypeCoding } : {}),
          ...(type.text ? { typeText: type.text } : {}),
          ...(collectedAt ? { collectedAt } : {}),
          ...(receivedAt ? { receivedAt } : {}),
        };
        break;
      }
      default:
        break;
    }
  }
  for (const o of open) {
    if (o.notes.length) o.report.note = o.notes.join('\n');
    if (o.conclusion.length) o.report.conclusion = o.conclusion.join('\n');
    for (const [obs, notes] of o.obsNotes) {
      const note = notes.join('\n');
      if (note) obs.note = note;
    }
    if (!o.report.note) delete o.report.note;
  }
  if (ctx.errors.length > 0) throw invalidMany(ctx.errors, SUBJECT);
  // Reports are valid LabReports by construction (property-tested against labReportSchema):
  // no schema pass here, it would cost more than the whole decode.
  const checked = reports;
  return { reports: checked, warnings: ctx.warnings, version, ...(controlId ? { controlId } : {}) };
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
