import { formatTokenParam } from '@lienthong/core';
import { bundleMatches, createFhirClient } from '@lienthong/core/fhir';
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
      const client = createFhirClient({ baseUrl: fhir.baseUrl });
      for (let i = 0; i < 5; i++) {
        await client.create({
          resourceType: 'Patient',
          identifier: [{ system: 'urn:test:mrn', value: `MRN-${i}` }],
          name: [{ family: 'Nguyễn' }],
        });
      }
      const search = async (params: Record<string, string | number>) => {
        const found: Patient[] = [];
        for await (const page of client.searchAll('Patient', params))
          found.push(...bundleMatches(page, 'Patient'));
        return found;
      };
      const found = await search({ identifier: formatTokenParam('urn:test:mrn', 'MRN-3') });
      expect(found).toHaveLength(1);
      expect(await search({ _count: 2 })).toHaveLength(5);
      expect(fhir.requests.length).toBeGreaterThanOrEqual(5 + 1 + 3);
      const read = await client.read('Patient', found[0]!.id!);
      expect(read.identifier?.[0]?.value).toBe('MRN-3');
    } finally {
      await fhir.close();
    }
  });
});
