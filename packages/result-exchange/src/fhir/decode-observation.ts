import type { ValidationIssue, WithWarnings } from '@lienthong/core';
import type { Observation } from '@medplum/fhirtypes';
import { labObservationProblem } from '../check.js';
import { guard, invalid, invalidMany, issue } from '../errors.js';
import type { LabObservation, ObservationStatus } from '../model.js';
import { codings } from './codeable-concept.js';
import {
  asList,
  asObject,
  asText,
  dateTime,
  isObject,
  notList,
  notObject,
  notText,
  type Problems,
  primitive,
  statusReadAsPreliminary,
  wrongType,
} from './elements.js';
import { type Cfg, cfg, type FhirCodecOptions } from './options.js';
import { FHIR_ID } from './primitives.js';
import { readRanges } from './reference-range.js';
import { readValue } from './value.js';

/**
 * FHIR Observation → lab observation. One public reader, {@link decodeFhirObservation}: it
 * validates — the FHIR elements it reads must have their FHIR types and formats, the status its
 * value set, and the result must be a valid `LabObservation` — and throws a typed error otherwise.
 * Inside a bundle the observations are read leniently by {@link readFhirObservation} (internal:
 * the report is checked as a whole there).
 */

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

// The lists below are walked by hand, not through a helper taking the element's path: on this
// measured path (bench/result-exchange.bench.ts) a call per member, or a path built before a
// problem is found, makes decoding an Observation slower.

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
  if (!status) warnings.push(statusReadAsPreliminary(o.status, path));
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
 * Reads one FHIR Observation into the model as far as it can — internal, for the bundle decoder:
 * an unknown status is read as preliminary; an element of the wrong type or format is left out.
 * Both are pushed to `warnings`. The public reader is {@link decodeFhirObservation}.
 */
export function readFhirObservation(
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
 * Decodes and validates a FHIR R4 Observation as a lab observation: `value` is the observation,
 * `warnings` what was read with a caveat (`FHIR_STATUS_UNKNOWN`). Throws a `ValidationError`
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
): WithWarnings<LabObservation> {
  const path = 'Observation';
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
  // through (as decodeFhirBundle does), anything else becomes FHIR_UNREADABLE.
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
  return { value: observation, warnings: own };
}
