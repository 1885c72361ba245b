import type { Quantity } from '@medplum/fhirtypes';
import type { LabQuantity } from '../model.js';
import { asObject, asText, malformed, notObject, notText, type Problems, wrongType } from './elements.js';
import type { Cfg } from './options.js';
import { FHIR_URI, isFhirDecimal } from './primitives.js';

/** Quantity ↔ lab quantity: the UCUM code and the unit as written. */

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

/** A lab quantity → a Quantity: the unit as written, the UCUM code beside it. */
export function quantity(q: LabQuantity, c: Cfg, comparator?: Quantity['comparator']): Quantity {
  return {
    value: q.value,
    ...(comparator ? { comparator } : {}),
    ...((q.originalUnit ?? q.unit) ? { unit: (q.originalUnit ?? q.unit)! } : {}),
    ...(q.unit ? { system: c.systems.ucum, code: q.unit } : {}),
  };
}
