import { isoDate, isoDateTime } from '@lienthong/core';
import { OBSERVATION_STATUSES } from './model.js';

/**
 * A hand-written twin of `LabObservationSchema.safeParse(value).success` for hot paths (a decoded
 * FHIR Observation is checked in ~0.1 µs instead of ~3 µs). It accepts exactly what the zod schema
 * accepts — `check.prop.test.ts` holds it to that on generated and mutated observations and on
 * every Observation of the real fixtures — and says where the first problem is. The zod schemas in
 * `model.ts` stay the source of truth: change them first, then this file.
 */

/** The first problem found: the path of the bad field in the model and what is wrong. */
export interface ModelProblem {
  path: (string | number)[];
  message: string;
}

/** The pattern behind a zod string format (same regex, so same answers); `safeParse` if none. */
function formatTest(schema: {
  _zod: { def: { pattern?: RegExp } };
  safeParse(v: unknown): { success: boolean };
}) {
  const pattern = schema._zod.def.pattern;
  return pattern ? (v: string) => pattern.test(v) : (v: string) => schema.safeParse(v).success;
}
const isDateTime = formatTest(isoDateTime);
const isDate = formatTest(isoDate);

// The patterns of `uri` and `code` in @lienthong/core (primitives.ts).
const URI = /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/;
const CODE = /^\S(.*\S)?$/;
const STATUSES: ReadonlySet<unknown> = new Set(OBSERVATION_STATUSES);
const COMPARATORS: ReadonlySet<unknown> = new Set(['<', '<=', '>=', '>']);

/** zod's `z.object`: an object, not null, not an array. */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** `z.string().min(1).optional()`. */
const optionalText = (v: unknown) => v === undefined || (typeof v === 'string' && v.length > 0);
/** zod 4 `z.number()` (finite only) with the model's finiteness refinement. */
const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

type Path = (string | number)[];
/** A problem at `base` followed by `more` (paths are built only when something is wrong). */
const problem = (base: Path, message: string, ...more: (string | number)[]): ModelProblem => ({
  path: [...base, ...more],
  message,
});

function codingProblem(c: unknown, base: Path, i: number): ModelProblem | undefined {
  if (!isObject(c)) return problem(base, 'Expected a coding', i);
  if (typeof c.system !== 'string' || !URI.test(c.system))
    return problem(base, 'Expected an absolute URI', i, 'system');
  if (typeof c.code !== 'string' || c.code.length > 255 || !CODE.test(c.code))
    return problem(base, 'Expected a code without surrounding spaces (at most 255 characters)', i, 'code');
  if (!optionalText(c.display)) return problem(base, 'Expected non-empty text', i, 'display');
  if (!optionalText(c.version)) return problem(base, 'Expected non-empty text', i, 'version');
  if (c.unrecognised !== undefined && c.unrecognised !== true)
    return problem(base, 'Expected true', i, 'unrecognised');
  return undefined;
}

function codingsProblem(list: unknown, path: Path, min: number): ModelProblem | undefined {
  if (!Array.isArray(list)) return problem(path, 'Expected a list of codings');
  if (list.length < min) return problem(path, `Expected at least ${min} coding`);
  for (let i = 0; i < list.length; i++) {
    const p = codingProblem(list[i], path, i);
    if (p) return p;
  }
  return undefined;
}

function quantityProblem(q: unknown, base: Path, key?: string): ModelProblem | undefined {
  const at = key === undefined ? base : [...base, key];
  if (!isObject(q)) return problem(at, 'Expected a quantity');
  if (!finite(q.value)) return problem(at, 'Expected a finite number', 'value');
  if (!optionalText(q.unit)) return problem(at, 'Expected non-empty text', 'unit');
  if (!optionalText(q.originalUnit)) return problem(at, 'Expected non-empty text', 'originalUnit');
  return undefined;
}

const VALUE: Path = ['value'];

function valueProblem(v: unknown): ModelProblem | undefined {
  if (!isObject(v)) return problem(VALUE, 'Expected a value');
  switch (v.kind) {
    case 'quantity': {
      const p = quantityProblem(v, VALUE);
      if (p) return p;
      if (v.comparator !== undefined && !COMPARATORS.has(v.comparator))
        return problem(VALUE, 'Expected <, <=, >= or >', 'comparator');
      return undefined;
    }
    case 'coded': {
      const p = codingsProblem(v.codings, ['value', 'codings'], 1);
      if (p) return p;
      return optionalText(v.text) ? undefined : problem(VALUE, 'Expected non-empty text', 'text');
    }
    case 'text':
      return typeof v.text === 'string' && v.text.length > 0
        ? undefined
        : problem(VALUE, 'Expected non-empty text', 'text');
    case 'ratio':
      return (
        quantityProblem(v.numerator, VALUE, 'numerator') ??
        quantityProblem(v.denominator, VALUE, 'denominator')
      );
    case 'range':
      return (
        (v.low === undefined ? undefined : quantityProblem(v.low, VALUE, 'low')) ??
        (v.high === undefined ? undefined : quantityProblem(v.high, VALUE, 'high'))
      );
    default:
      return problem(VALUE, 'Expected quantity, coded, text, ratio or range', 'kind');
  }
}

const RANGES: Path = ['referenceRange'];

function rangeProblem(r: unknown, i: number): ModelProblem | undefined {
  if (!isObject(r)) return problem(RANGES, 'Expected a reference range', i);
  if (r.low !== undefined && !finite(r.low)) return problem(RANGES, 'Expected a finite number', i, 'low');
  if (r.high !== undefined && !finite(r.high)) return problem(RANGES, 'Expected a finite number', i, 'high');
  if (!optionalText(r.unit)) return problem(RANGES, 'Expected non-empty text', i, 'unit');
  if (!optionalText(r.text)) return problem(RANGES, 'Expected non-empty text', i, 'text');
  return undefined;
}

const CODES: Path = ['codes'];

/** The first way `value` is not a `LabObservation` (`LabObservationSchema`), or `undefined` when it is one. */
export function labObservationProblem(value: unknown): ModelProblem | undefined {
  if (!isObject(value)) return problem([], 'Expected an observation');
  const o = value;
  const codes = codingsProblem(o.codes, CODES, 0);
  if (codes) return codes;
  if (!optionalText(o.name)) return problem(['name'], 'Expected non-empty text');
  if (!STATUSES.has(o.status))
    return problem(['status'], `Expected one of ${OBSERVATION_STATUSES.join(', ')}`);
  if (o.value !== undefined) {
    const p = valueProblem(o.value);
    if (p) return p;
  }
  if (o.referenceRange !== undefined) {
    if (!Array.isArray(o.referenceRange)) return problem(['referenceRange'], 'Expected a list');
    for (let i = 0; i < o.referenceRange.length; i++) {
      const p = rangeProblem(o.referenceRange[i], i);
      if (p) return p;
    }
  }
  if (o.interpretation !== undefined) {
    if (!Array.isArray(o.interpretation)) return problem(['interpretation'], 'Expected a list');
    for (let i = 0; i < o.interpretation.length; i++) {
      const x = o.interpretation[i];
      if (typeof x !== 'string' || x.length === 0)
        return problem(['interpretation', i], 'Expected non-empty text');
    }
  }
  if (!optionalText(o.method)) return problem(['method'], 'Expected non-empty text');
  if (o.performedAt !== undefined) {
    const t = o.performedAt;
    if (typeof t !== 'string' || !(isDateTime(t) || isDate(t)))
      return problem(['performedAt'], 'Expected an ISO 8601 date or date-time with offset');
  }
  if (!optionalText(o.note)) return problem(['note'], 'Expected non-empty text');
  return undefined;
}
