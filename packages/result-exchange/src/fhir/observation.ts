import { attempt, type Result, type ValidationError, type ValidationIssue } from '@lienthong/core';
import type { Observation } from '@medplum/fhirtypes';
import { labObservationProblem } from '../check.js';
import { guard, invalid, invalidMany, issue } from '../errors.js';
import type { LabCoding, LabObservation, LabQuantity, LabValue, ObservationStatus } from '../model.js';
import { isRecognisedCode } from '../systems.js';
import { type Cfg, cfg, type FhirCodecOptions } from './options.js';
import { FHIR_DATE_TIME, FHIR_ID, FHIR_INSTANT, FHIR_URI, isFhirDecimal } from './primitives.js';

/**
 * FHIR Observation → lab observation, in two styles: {@link fromFhirObservation} reads what it
 * can (for bundles, where the report is checked as a whole), {@link decodeFhirObservation}
 * validates — the FHIR elements it reads must have their FHIR types and formats, the status its
 * value set, and the result must be a valid `LabObservation` — and throws a typed error otherwise.
 */

/** Where reading puts elements of the wrong FHIR type: strict decoding fails on them, lenient reading warns. */
type Problems = ValidationIssue[] | undefined;

const NO_SYSTEM = 'urn:lienthong:fhir-cs:none';

/** FHIR R4 `observation-status` (required binding) → model status; `unknown` has no model status. */
const OBS_STATUS: Record<string, ObservationStatus> = Object.assign(Object.create(null), {
  registered: 'registered',
  preliminary: 'preliminary',
  final: 'final',
  amended: 'amended',
  corrected: 'corrected',
  cancelled: 'cancelled',
  'entered-in-error': 'entered-in-error',
});
const COMPARATORS: ReadonlySet<unknown> = new Set(['<', '<=', '>=', '>']);

/** A JSON object (not null, not an array). */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Records an element of the wrong JSON type (paths are built only here, on the error branch). */
function wrongType(problems: Problems, path: string, type: string): void {
  problems?.push(issue('FHIR_ELEMENT_INVALID', path, `Expected ${type}`, `Sai kiểu, cần ${type}`));
}

/** Present (not undefined or null) but not a string: the caller records a problem. */
const notText = (v: unknown) => v !== undefined && v !== null && typeof v !== 'string';
/** Present but not an object. */
const notObject = (v: unknown) => v !== undefined && v !== null && !isObject(v);
/** Present but not an array. */
const notList = (v: unknown) => v !== undefined && v !== null && !Array.isArray(v);
const asText = (v: unknown) => (typeof v === 'string' ? v : undefined);
const asObject = (v: unknown) => (isObject(v) ? v : undefined);
const asList = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : EMPTY);
const EMPTY: readonly unknown[] = Object.freeze([]);

/**
 * Records a string element that does not match the R4 pattern of its FHIR type: codes
 * `FHIR_DATE_TIME_INVALID` (instant, dateTime), `FHIR_ID_INVALID`, `FHIR_URI_INVALID`. (A decimal
 * is a JSON number, which always matches its pattern: any other value is of the wrong type.)
 */
function malformed(problems: Problems, path: string, type: 'instant' | 'dateTime' | 'id' | 'uri'): void {
  const code = type === 'instant' || type === 'dateTime' ? 'DATE_TIME' : type.toUpperCase();
  problems?.push(issue(`FHIR_${code}_INVALID`, path, `Not a FHIR ${type}`, `Sai định dạng ${type} của FHIR`));
}

/**
 * A primitive element read as text: the string when it matches `pattern`, the R4 pattern of its
 * FHIR `type`, else `undefined` and a problem (`path` + `key` name the element).
 */
function primitive(
  v: unknown,
  pattern: RegExp,
  type: Parameters<typeof malformed>[2],
  problems: Problems,
  path: string,
  key: string,
): string | undefined {
  if (typeof v === 'string') {
    if (pattern.test(v)) return v;
    malformed(problems, `${path}${key}`, type);
  } else if (notText(v)) wrongType(problems, `${path}${key}`, 'string');
  return undefined;
}

/**
 * A dateTime (or instant) element checked against its FHIR format, kept when the model can hold
 * it: a valid one of 10 characters or more is a full date or a date-time to the second with an
 * offset; shorter ones are a year or a month.
 */
export function dateTime(
  v: unknown,
  instant: boolean,
  problems: Problems,
  path: string,
  key: string,
): string | undefined {
  const text = primitive(
    v,
    instant ? FHIR_INSTANT : FHIR_DATE_TIME,
    instant ? 'instant' : 'dateTime',
    problems,
    path,
    key,
  );
  return text && text.length >= 10 ? text : undefined;
}

/**
 * The codings of a CodeableConcept that carry a code (`system` defaults to a "none" URN); `path`
 * + `key` name the concept in problems.
 */
export function codings(cc: unknown, c: Cfg, problems?: Problems, path = '', key = ''): LabCoding[] {
  const out: LabCoding[] = [];
  const concept = asObject(cc);
  if (!concept) {
    if (notObject(cc)) wrongType(problems, `${path}${key}`, 'object');
    return out;
  }
  const all = asList(concept.coding);
  if (notList(concept.coding)) wrongType(problems, `${path}${key}.coding`, 'array');
  for (let i = 0; i < all.length; i++) {
    const x = asObject(all[i]);
    if (!x) {
      if (notObject(all[i])) wrongType(problems, `${path}${key}.coding[${i}]`, 'object');
      continue;
    }
    let system = asText(x.system);
    if (problems) {
      if (notText(x.system)) wrongType(problems, `${path}${key}.coding[${i}].system`, 'string');
      else if (system !== undefined && !FHIR_URI.test(system)) {
        malformed(problems, `${path}${key}.coding[${i}].system`, 'uri');
        system = undefined;
      }
      if (notText(x.code)) wrongType(problems, `${path}${key}.coding[${i}].code`, 'string');
      if (notText(x.display)) wrongType(problems, `${path}${key}.coding[${i}].display`, 'string');
      if (notText(x.version)) wrongType(problems, `${path}${key}.coding[${i}].version`, 'string');
    }
    const code = asText(x.code);
    if (!code) continue;
    system ||= NO_SYSTEM;
    const coding: LabCoding = { system, code };
    const display = asText(x.display);
    if (display) coding.display = display;
    const version = asText(x.version);
    if (version) coding.version = version;
    if (!isRecognisedCode(system, code, c.systems)) coding.unrecognised = true;
    out.push(coding);
  }
  return out;
}

/** A Quantity with a finite value; `unit` is UCUM (given, or normalised from the unit text). */
export function readQuantity(
  q: unknown,
  c: Cfg,
  problems?: Problems,
  path = '',
  key = '',
): LabQuantity | undefined {
  const o = asObject(q);
  if (!o) {
    if (notObject(q)) wrongType(problems, `${path}${key}`, 'object');
    return undefined;
  }
  const value = o.value;
  if (problems) {
    // A FHIR decimal is a JSON number (Infinity and NaN are not).
    if (value !== undefined && value !== null && !isFhirDecimal(value))
      wrongType(problems, `${path}${key}.value`, 'number');
    if (notText(o.unit)) wrongType(problems, `${path}${key}.unit`, 'string');
    if (typeof o.system === 'string') {
      if (!FHIR_URI.test(o.system)) malformed(problems, `${path}${key}.system`, 'uri');
    } else if (notText(o.system)) wrongType(problems, `${path}${key}.system`, 'string');
    if (notText(o.code)) wrongType(problems, `${path}${key}.code`, 'string');
  }
  if (!isFhirDecimal(value)) return undefined;
  const unitText = asText(o.unit);
  const code = asText(o.code);
  const ucum =
    o.system === c.systems.ucum && code
      ? code
      : unitText
        ? c.unit(unitText)
        : code
          ? c.unit(code)
          : undefined;
  const original = unitText ?? code;
  const out: LabQuantity = { value };
  if (ucum) out.unit = ucum;
  if (original) out.originalUnit = original;
  return out;
}

/** The value[x] of an Observation (the first one present, in FHIR's order of likelihood for labs). */
function readValue(
  o: Record<string, unknown>,
  c: Cfg,
  warnings: ValidationIssue[],
  problems: Problems,
  path: string,
): LabValue | undefined {
  if (o.valueQuantity) {
    const q = readQuantity(o.valueQuantity, c, problems, path, '.valueQuantity');
    if (!q) return undefined;
    const value: LabValue = { kind: 'quantity', value: q.value };
    if (q.unit) value.unit = q.unit;
    if (q.originalUnit) value.originalUnit = q.originalUnit;
    const comparator = (o.valueQuantity as { comparator?: unknown }).comparator;
    if (comparator) {
      if (COMPARATORS.has(comparator)) value.comparator = comparator as '<';
      else wrongType(problems, `${path}.valueQuantity.comparator`, '<, <=, >= or >');
    }
    return value;
  }
  if (o.valueCodeableConcept) {
    const concept = o.valueCodeableConcept as { text?: unknown };
    const found = codings(concept, c, problems, path, '.valueCodeableConcept');
    if (notText(concept.text)) wrongType(problems, `${path}.valueCodeableConcept.text`, 'string');
    const conceptText = asText(concept.text);
    if (found.length)
      return conceptText
        ? { kind: 'coded', codings: found, text: conceptText }
        : { kind: 'coded', codings: found };
    return conceptText ? { kind: 'text', text: conceptText } : undefined;
  }
  if (typeof o.valueString === 'string' && o.valueString !== '') return { kind: 'text', text: o.valueString };
  if (notText(o.valueString)) wrongType(problems, `${path}.valueString`, 'string');
  if (o.valueRatio) {
    const ratio = asObject(o.valueRatio);
    if (!ratio) wrongType(problems, `${path}.valueRatio`, 'object');
    const n = readQuantity(ratio?.numerator, c, problems, path, '.valueRatio.numerator');
    const d = readQuantity(ratio?.denominator, c, problems, path, '.valueRatio.denominator');
    return n && d ? { kind: 'ratio', numerator: n, denominator: d } : undefined;
  }
  if (o.valueRange) {
    const range = asObject(o.valueRange);
    if (!range) wrongType(problems, `${path}.valueRange`, 'object');
    const low = readQuantity(range?.low, c, problems, path, '.valueRange.low');
    const high = readQuantity(range?.high, c, problems, path, '.valueRange.high');
    if (!low && !high) return undefined;
    const value: LabValue = { kind: 'range' };
    if (low) value.low = low;
    if (high) value.high = high;
    return value;
  }
  if (typeof o.valueBoolean === 'boolean') return { kind: 'text', text: String(o.valueBoolean) };
  if (typeof o.valueInteger === 'number') return { kind: 'quantity', value: o.valueInteger };
  if (notList(o.component)) wrongType(problems, `${path}.component`, 'array');
  else if (Array.isArray(o.component) && o.component.length) {
    warnings.push(
      issue(
        'FHIR_COMPONENTS_NOT_CARRIED',
        `${path}.component`,
        'Observation components are not part of the lab model',
        'Thành phần (component) của Observation không thuộc mô hình xét nghiệm',
      ),
    );
  }
  return undefined;
}

/** Type problems of a reference range's low or high (only its value and code are read). */
function rangeQuantityProblems(q: unknown, problems: Problems, path: string, i: number, key: string): void {
  if (notObject(q)) wrongType(problems, `${path}.referenceRange[${i}].${key}`, 'object');
  else if (q) {
    const v = (q as { value?: unknown }).value;
    if (v !== undefined && v !== null && !isFhirDecimal(v))
      wrongType(problems, `${path}.referenceRange[${i}].${key}.value`, 'number');
    if (notText((q as { code?: unknown }).code))
      wrongType(problems, `${path}.referenceRange[${i}].${key}.code`, 'string');
  }
}

/** Reference ranges: numbers, their unit when it differs from the value's, text. */
function readRanges(
  rangesIn: unknown,
  unit: string | undefined,
  problems: Problems,
  path: string,
): LabObservation['referenceRange'] {
  if (notList(rangesIn)) wrongType(problems, `${path}.referenceRange`, 'array');
  const all = asList(rangesIn);
  let out: LabObservation['referenceRange'];
  for (let i = 0; i < all.length; i++) {
    const r = asObject(all[i]);
    if (!r) {
      if (notObject(all[i])) wrongType(problems, `${path}.referenceRange[${i}]`, 'object');
      continue;
    }
    if (problems) {
      rangeQuantityProblems(r.low, problems, path, i, 'low');
      rangeQuantityProblems(r.high, problems, path, i, 'high');
      if (notText(r.text)) wrongType(problems, `${path}.referenceRange[${i}].text`, 'string');
    }
    const lowQ = asObject(r.low);
    const highQ = asObject(r.high);
    const low = lowQ?.value;
    const high = highQ?.value;
    const rUnit = asText(lowQ?.code) ?? asText(highQ?.code);
    const rangeText = asText(r.text);
    const range: NonNullable<LabObservation['referenceRange']>[number] = {};
    if (isFhirDecimal(low)) range.low = low;
    if (isFhirDecimal(high)) range.high = high;
    if (rUnit && rUnit !== unit) range.unit = rUnit;
    if (rangeText) range.text = rangeText;
    if (range.low !== undefined || range.high !== undefined || range.unit || range.text) {
      if (out) out.push(range);
      else out = [range];
    }
  }
  return out;
}

/** The codes of every interpretation concept. */
function readInterpretation(input: unknown, problems: Problems, path: string): string[] | undefined {
  if (notList(input)) wrongType(problems, `${path}.interpretation`, 'array');
  const concepts = asList(input);
  let out: string[] | undefined;
  for (let i = 0; i < concepts.length; i++) {
    const concept = asObject(concepts[i]);
    if (!concept) {
      if (notObject(concepts[i])) wrongType(problems, `${path}.interpretation[${i}]`, 'object');
      continue;
    }
    if (notList(concept.coding)) wrongType(problems, `${path}.interpretation[${i}].coding`, 'array');
    const all = asList(concept.coding);
    for (let k = 0; k < all.length; k++) {
      const x = asObject(all[k]);
      if (!x) {
        if (notObject(all[k])) wrongType(problems, `${path}.interpretation[${i}].coding[${k}]`, 'object');
        continue;
      }
      if (notText(x.code)) wrongType(problems, `${path}.interpretation[${i}].coding[${k}].code`, 'string');
      const flag = asText(x.code);
      if (flag) {
        if (out) out.push(flag);
        else out = [flag];
      }
    }
  }
  return out;
}

/** Notes, one per line. */
function readNotes(input: unknown, problems: Problems, path: string): string {
  if (notList(input)) wrongType(problems, `${path}.note`, 'array');
  const notes = asList(input);
  let note = '';
  for (let i = 0; i < notes.length; i++) {
    const n = asObject(notes[i]);
    if (!n) {
      if (notObject(notes[i])) wrongType(problems, `${path}.note[${i}]`, 'object');
      continue;
    }
    if (notText(n.text)) wrongType(problems, `${path}.note[${i}].text`, 'string');
    const t = asText(n.text);
    if (t) note = note ? `${note}\n${t}` : t;
  }
  return note;
}

/** Reads an Observation; `problems` collects elements of the wrong type or format. */
function readObservation(
  o: Record<string, unknown>,
  c: Cfg,
  warnings: ValidationIssue[],
  path: string,
  problems: Problems,
): LabObservation {
  // Elements the model does not keep, checked for their FHIR type and format. The calls stay
  // behind a test of presence: left out for absent elements, they also keep this function fast.
  if (o.id !== undefined) primitive(o.id, FHIR_ID, 'id', problems, path, '.id');
  if (o.meta !== undefined) {
    if (notObject(o.meta)) wrongType(problems, `${path}.meta`, 'object');
    dateTime(asObject(o.meta)?.lastUpdated, true, problems, path, '.meta.lastUpdated');
  }
  if (o.issued !== undefined) dateTime(o.issued, true, problems, path, '.issued');
  const code = asObject(o.code);
  const codes = codings(o.code, c, problems, path, '.code');
  const value = readValue(o, c, warnings, problems, path);
  const status = typeof o.status === 'string' ? OBS_STATUS[o.status] : undefined;
  if (!status)
    warnings.push(
      issue(
        'FHIR_STATUS_UNKNOWN',
        `${path}.status`,
        `Status ${String(o.status)} read as preliminary`,
        `Trạng thái ${String(o.status)} được đọc là sơ bộ`,
      ),
    );
  // Every effective[x] present is checked, the first the model can hold is kept.
  if (notObject(o.effectivePeriod)) wrongType(problems, `${path}.effectivePeriod`, 'object');
  const period = asObject(o.effectivePeriod);
  const effective =
    o.effectiveDateTime !== undefined &&
    dateTime(o.effectiveDateTime, false, problems, path, '.effectiveDateTime');
  const start = dateTime(period?.start, false, problems, path, '.effectivePeriod.start');
  if (period?.end !== undefined) dateTime(period.end, false, problems, path, '.effectivePeriod.end');
  const instant =
    o.effectiveInstant !== undefined &&
    dateTime(o.effectiveInstant, true, problems, path, '.effectiveInstant');
  const performedAt = effective || start || instant;
  if (code && notText(code.text)) wrongType(problems, `${path}.code.text`, 'string');
  const name = asText(code?.text);
  // Keys in the order the model lists them (JSON output reads the same for every observation).
  const observation: LabObservation =
    name && name !== 'Laboratory result'
      ? { codes, name, status: status ?? 'preliminary' }
      : { codes, status: status ?? 'preliminary' };
  if (value) observation.value = value;
  const ranges =
    o.referenceRange === undefined
      ? undefined
      : readRanges(o.referenceRange, value?.kind === 'quantity' ? value.unit : undefined, problems, path);
  if (ranges) observation.referenceRange = ranges;
  const interpretation =
    o.interpretation === undefined ? undefined : readInterpretation(o.interpretation, problems, path);
  if (interpretation) observation.interpretation = interpretation;
  if (o.method !== undefined) {
    const method = asObject(o.method);
    if (!method) wrongType(problems, `${path}.method`, 'object');
    else {
      if (notText(method.text)) wrongType(problems, `${path}.method.text`, 'string');
      // The text, else the first coding's display (whether or not that coding has a code).
      const first = asObject(asList(method.coding)[0]);
      const methodText = asText(method.text) || asText(first?.display);
      if (methodText) observation.method = methodText;
    }
  }
  if (performedAt) observation.performedAt = performedAt;
  const note = o.note === undefined ? '' : readNotes(o.note, problems, path);
  if (note) observation.note = note;
  return observation;
}

/**
 * Converts one FHIR Observation to the model, reading what it can: an unknown status is read as
 * preliminary; an element of the wrong type or format is left out. Both are reported in `warnings`.
 * To validate instead, use {@link decodeFhirObservation}.
 */
export function fromFhirObservation(
  o: Observation,
  options: FhirCodecOptions = {},
  warnings: ValidationIssue[] = [],
  path = 'Observation',
): LabObservation {
  return readObservation(asObject(o) ?? {}, cfg(options), warnings, path, warnings);
}

/** FHIR R4 `observation-status`: the codes a valid Observation may carry. */
const FHIR_OBSERVATION_STATUSES: ReadonlySet<unknown> = new Set([...Object.keys(OBS_STATUS), 'unknown']);
const SUBJECT = { en: 'FHIR Observation', vi: 'FHIR Observation' };
const shown = (v: unknown) => (typeof v === 'string' ? `"${v}"` : v === undefined ? '(missing)' : typeof v);

/**
 * Decodes and validates a FHIR R4 Observation as a lab observation; throws a `ValidationError`
 * listing every problem: `FHIR_RESOURCE_TYPE_UNSUPPORTED`; `FHIR_STATUS_INVALID` (a status outside
 * the required value set); `FHIR_CODE_MISSING`; `FHIR_ELEMENT_INVALID` (an element it reads with
 * the wrong JSON type); `FHIR_DATE_TIME_INVALID`, `FHIR_ID_INVALID`, `FHIR_URI_INVALID` (an
 * instant, dateTime, id or uri it reads that does not match its R4 pattern);
 * `FHIR_OBSERVATION_INVALID` (the result is not a valid `LabObservation`, e.g. a code with
 * surrounding spaces). The status `unknown` is read as preliminary, with a `FHIR_STATUS_UNKNOWN`
 * warning. Besides what the model keeps it checks `id`, `meta.lastUpdated`, `issued` and
 * `effectivePeriod.end`; other elements are not checked: this validates a lab observation, not
 * every rule of the Observation profile.
 */
export function decodeFhirObservation(
  input: unknown,
  options: FhirCodecOptions = {},
  warnings: ValidationIssue[] = [],
  path = 'Observation',
): LabObservation {
  if (!isObject(input) || input.resourceType !== 'Observation')
    throw invalid(
      'FHIR_RESOURCE_TYPE_UNSUPPORTED',
      `${path}.resourceType`,
      'Expected an Observation',
      'Cần một tài nguyên Observation',
    );
  const problems: ValidationIssue[] = [];
  if (!FHIR_OBSERVATION_STATUSES.has(input.status))
    problems.push(
      issue(
        'FHIR_STATUS_INVALID',
        `${path}.status`,
        `Status ${shown(input.status)} is not an Observation status`,
        `Trạng thái ${shown(input.status)} không phải trạng thái của Observation`,
      ),
    );
  if (!isObject(input.code))
    problems.push(
      issue('FHIR_CODE_MISSING', `${path}.code`, 'Observation.code is required', 'Thiếu Observation.code'),
    );
  const own: ValidationIssue[] = [];
  // Only a unit normaliser given in options can throw here: a LienThongError it throws is passed
  // through (as fromFhirBundle does), anything else becomes FHIR_UNREADABLE.
  const observation = guard(
    'FHIR_UNREADABLE',
    SUBJECT,
    () => readObservation(input, cfg(options), own, path, problems),
    path,
  );
  if (problems.length === 0) {
    const bad = labObservationProblem(observation);
    if (bad) {
      const at = bad.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
      problems.push(
        issue(
          'FHIR_OBSERVATION_INVALID',
          path,
          `The lab observation read from it is invalid at ${at.slice(1) || '(root)'}: ${bad.message}`,
          `Kết quả xét nghiệm đọc được không hợp lệ tại ${at.slice(1) || '(gốc)'}`,
        ),
      );
    }
  }
  if (problems.length > 0) throw invalidMany(problems, SUBJECT);
  for (const w of own) warnings.push(w);
  return observation;
}

/** Non-throwing twin of {@link decodeFhirObservation}. */
export function parseFhirObservation(
  input: unknown,
  options: FhirCodecOptions = {},
  warnings: ValidationIssue[] = [],
): Result<LabObservation, ValidationError> {
  return attempt<LabObservation, ValidationError>(() => decodeFhirObservation(input, options, warnings));
}
