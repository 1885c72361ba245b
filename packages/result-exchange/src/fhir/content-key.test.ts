import { formatTokenParam } from '@lienthong/core';
import type { Bundle, Observation, Specimen } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import type { LabReport } from '../model.js';
import { LAB_CONTENT_KEY_SYSTEM } from './content-key.js';
import { decodeFhirBundle } from './decode-report.js';
import { encodeFhirBundle } from './encode-report.js';

/** A SYNTHETIC report: a specimen without an id of its own and two results, the second twice. */
const report = (hb = 135, collectedAt = '2026-03-01T07:30:00+07:00'): LabReport => ({
  id: 'SYN-KEY-1',
  patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN-PATIENT-1' }] },
  codes: [{ system: 'http://loinc.org', code: '58410-2' }],
  status: 'final',
  effectiveAt: '2026-03-01T08:00:00+07:00',
  specimen: { typeText: 'Máu toàn phần', collectedAt },
  observations: [
    {
      codes: [{ system: 'http://loinc.org', code: '718-7' }],
      status: 'final',
      value: { kind: 'quantity', value: hb, unit: 'g/L' },
    },
    {
      codes: [{ system: 'http://loinc.org', code: '777-3' }],
      status: 'final',
      value: { kind: 'quantity', value: 250, unit: '10*9/L' },
    },
    {
      codes: [{ system: 'http://loinc.org', code: '777-3' }],
      status: 'final',
      value: { kind: 'quantity', value: 250, unit: '10*9/L' },
    },
  ],
});

/** Each Observation's and the Specimen's content key and conditional create, in Bundle order. */
function keysOf(bundle: Bundle) {
  return (bundle.entry ?? [])
    .filter((e) => e.resource?.resourceType === 'Observation' || e.resource?.resourceType === 'Specimen')
    .map((e) => {
      const key = (e.resource as Observation | Specimen).identifier?.find(
        (i) => i.system === LAB_CONTENT_KEY_SYSTEM,
      )?.value;
      return { type: e.resource!.resourceType, key, ifNoneExist: e.request?.ifNoneExist };
    });
}

describe('content keys of a transaction Bundle', () => {
  it('give each Observation and the Specimen a key its create is conditional on, the same at each encoding', () => {
    const first = keysOf(encodeFhirBundle(report()).value);
    expect(first.map((k) => k.type)).toEqual(['Specimen', 'Observation', 'Observation', 'Observation']);
    for (const { key, ifNoneExist } of first) {
      expect(key).toMatch(/^SYN-KEY-1#(specimen|observation-\d):[0-9a-f]{16}$/);
      // A token search: `|`, `,`, `$` and `\` of the key escaped, then the whole URL-encoded.
      expect(ifNoneExist).toBe(
        `identifier=${encodeURIComponent(formatTokenParam(LAB_CONTENT_KEY_SYSTEM, key))}`,
      );
    }
    expect(keysOf(encodeFhirBundle(report()).value)).toEqual(first);
  });

  it('keep two equal results of one report apart', () => {
    const [, , second, third] = keysOf(encodeFhirBundle(report()).value);
    expect(second!.key).not.toBe(third!.key);
  });

  it('change with a result, and every result changes with its specimen', () => {
    const before = keysOf(encodeFhirBundle(report()).value).map((k) => k.key);
    const changedValue = keysOf(encodeFhirBundle(report(128)).value).map((k) => k.key);
    expect(changedValue.map((k, i) => k === before[i])).toEqual([true, false, true, true]);
    const changedSpecimen = keysOf(encodeFhirBundle(report(135, '2026-03-01T07:45:00+07:00')).value).map(
      (k) => k.key,
    );
    expect(changedSpecimen.map((k, i) => k === before[i])).toEqual([false, false, false, false]);
  });

  it('are not part of the model: the report decodes as it was (the specimen has no id), and a collection has none', () => {
    const decoded = decodeFhirBundle(encodeFhirBundle(report()).value).value[0]!;
    expect(decoded.specimen).toEqual(report().specimen);
    const collection = encodeFhirBundle(report(), { type: 'collection' }).value;
    expect(keysOf(collection).every((k) => k.key === undefined && k.ifNoneExist === undefined)).toBe(true);
  });
});
