import { describeImagingRegistryConformance } from '@lienthong/conformance';
import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { createMemoryImagingRegistry } from './memory.js';

describeImagingRegistryConformance('memory', () => createMemoryImagingRegistry());

describe('memory registry and older identifier-system URIs', () => {
  it('finds a study published with the community VN Core URI by the current one', async () => {
    // A SYNTHETIC study of a made-up patient.
    const uid = '1.2.840.99999.1.7.1';
    const registry = createMemoryImagingRegistry({
      seed: [
        {
          studyInstanceUid: uid,
          patient: {
            identifiers: [{ system: 'http://fhir.hl7.org.vn/core/sid/cccd', value: '079085000092' }],
          },
          performingFacility: { code: '79001' },
          studyDate: '2026-11-30',
          modalities: ['CT'],
          series: [{ uid: `${uid}.1`, modality: 'CT', number: 1, instanceCount: 1 }],
          instanceCount: 1,
          endpoints: {},
        },
      ],
    });
    const found: string[] = [];
    for await (const r of registry.query({
      patientIdentifier: { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '079085000092' },
    }))
      found.push(r.studyInstanceUid);
    expect(found).toEqual([uid]);
  });
});
