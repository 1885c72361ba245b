import type { ObservationReferenceRange, Quantity } from '@medplum/fhirtypes';
import type { LabObservation, LabQuantity, ReferenceRange } from '../model.js';
import {
  asList,
  asObject,
  asText,
  notList,
  notObject,
  notText,
  type Problems,
  wrongType,
} from './elements.js';
import type { Cfg } from './options.js';
import { isFhirDecimal } from './primitives.js';

/** An Observation's referenceRange ↔ the lab reference ranges. */

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
export function readRanges(
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

/**
 * A reference range → FHIR: low and high in the range's own UCUM unit, else in the unit of
 * `unitOf` (the observation's value, when it is a quantity).
 */
export function rangeToFhir(
  r: ReferenceRange,
  unitOf: LabQuantity | undefined,
  c: Cfg,
): ObservationReferenceRange {
  const unit = r.unit ?? unitOf?.unit;
  const q = (value: number): Quantity => ({
    value,
    ...(unit ? { unit: unitOf?.originalUnit ?? unit, system: c.systems.ucum, code: unit } : {}),
  });
  return {
    ...(r.low !== undefined ? { low: q(r.low) } : {}),
    ...(r.high !== undefined ? { high: q(r.high) } : {}),
    ...(r.text ? { text: r.text } : {}),
  };
}
