import type { ValidationIssue } from '@lienthong/core';
import type { Observation } from '@medplum/fhirtypes';
import { issue } from '../errors.js';
import type { LabValue } from '../model.js';
import { codings, concept } from './codeable-concept.js';
import { asObject, asText, notList, notText, type Problems, wrongType } from './elements.js';
import type { Cfg } from './options.js';
import { quantity, readQuantity } from './quantity.js';

/** An Observation's value[x] ↔ the lab value. */

const COMPARATORS: ReadonlySet<unknown> = new Set(['<', '<=', '>=', '>']);

/** The value[x] of an Observation (the first one present, in FHIR's order of likelihood for labs). */
export function readValue(
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

/** A lab value → the value[x] element that holds it. */
export function valueToFhir(v: LabValue, c: Cfg): Partial<Observation> {
  return v.kind === 'quantity'
    ? { valueQuantity: quantity(v, c, v.comparator) }
    : v.kind === 'coded'
      ? { valueCodeableConcept: concept(v.codings, v.text) }
      : v.kind === 'text'
        ? { valueString: v.text }
        : v.kind === 'ratio'
          ? { valueRatio: { numerator: quantity(v.numerator, c), denominator: quantity(v.denominator, c) } }
          : {
              valueRange: {
                ...(v.low ? { low: quantity(v.low, c) } : {}),
                ...(v.high ? { high: quantity(v.high, c) } : {}),
              },
            };
}
