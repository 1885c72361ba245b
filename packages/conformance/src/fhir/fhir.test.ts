import { createTransport, searchResources, tokenParam } from '@lienthong/core';
import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { startFhirTestServer, validateFhir } from './index.js';

describe('FHIR test kit', () => {
  it('the validator accepts a valid resource and rejects an invalid one', () => {
    expect(() =>
      validateFhir({ resourceType: 'Patient', gender: 'female', birthDate: '1990-05-01' }),
    ).not.toThrow();
    expect(() => validateFhir({ resourceType: 'Patient', birthDate: '1990-13-45' })).toThrow(/birthDate/);
    expect(() => validateFhir({ resourceType: 'Observation' } as never)).toThrow(); // status and code are required
  });

  it('serves create, read and identifier search with paging', async () => {
    const fhir = await startFhirTestServer();
    try {
      const t = createTransport({ baseUrl: fhir.baseUrl, headers: { accept: 'application/fhir+json' } });
      for (let i = 0; i < 5; i++) {
        await t.post('Patient', {
          json: {
            resourceType: 'Patient',
            identifier: [{ system: 'urn:test:mrn', value: `MRN-${i}` }],
            name: [{ family: 'Nguyễn' }],
          },
          headers: { 'content-type': 'application/fhir+json' },
        });
      }
      const found: Patient[] = [];
      for await (const p of searchResources<Patient>(t, 'Patient', {
        identifier: tokenParam('urn:test:mrn', 'MRN-3'),
      }))
        found.push(p);
      expect(found).toHaveLength(1);
      const all: Patient[] = [];
      for await (const p of searchResources<Patient>(t, 'Patient', { _count: 2 })) all.push(p);
      expect(all).toHaveLength(5);
      expect(fhir.requests.length).toBeGreaterThanOrEqual(5 + 1 + 3);
      const read = (await t.get(`Patient/${found[0]!.id}`)) as Patient;
      expect(read.identifier?.[0]?.value).toBe('MRN-3');
    } finally {
      await fhir.close();
    }
  });
});
