import { DEFAULT_IDENTIFIER_SYSTEMS, formatTokenParam, type Patient } from '@lienthong/core';
import { bundleMatches, createFhirClient } from '@lienthong/core/fhir';

const fhir = createFhirClient({ baseUrl: 'https://fhir.example.vn/r4' });

export async function patientsWithId(cccd: string, signal?: AbortSignal): Promise<Patient[]> {
  const found: Patient[] = [];
  const search = { identifier: formatTokenParam(DEFAULT_IDENTIFIER_SYSTEMS.cccd, cccd), _count: 50 };
  // Pages are fetched lazily: `next` links, or `_offset` for servers that send none.
  for await (const page of fhir.searchAll('Patient', search, { signal }))
    found.push(...bundleMatches(page, 'Patient'));
  return found;
}
