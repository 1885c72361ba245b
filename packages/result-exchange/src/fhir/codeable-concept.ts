import type { CodeableConcept, Coding } from '@medplum/fhirtypes';
import type { LabCoding } from '../model.js';
import { isRecognisedCode } from '../systems.js';
import {
  asList,
  asObject,
  asText,
  malformed,
  notList,
  notObject,
  notText,
  type Problems,
  wrongType,
} from './elements.js';
import type { Cfg } from './options.js';
import { FHIR_URI } from './primitives.js';

/** CodeableConcept and Coding ↔ lab codings. */

const NO_SYSTEM = 'urn:lienthong:fhir-cs:none';

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

/** A lab coding → a FHIR Coding (the `unrecognised` flag is the model's own, not written). */
const toCoding = (c: LabCoding): Coding => ({
  system: c.system,
  code: c.code,
  ...(c.display ? { display: c.display } : {}),
  ...(c.version ? { version: c.version } : {}),
});

/** Codings and a text → a CodeableConcept (either may be left out). */
export const concept = (codes: readonly LabCoding[], text: string | undefined): CodeableConcept => ({
  ...(codes.length ? { coding: codes.map(toCoding) } : {}),
  ...(text ? { text } : {}),
});
