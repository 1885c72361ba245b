import {
  createTransport,
  DEFAULT_IDENTIFIER_SYSTEMS,
  type Patient,
  searchResources,
  tokenParam,
} from '@lienthong/core';

const fhir = createTransport({ baseUrl: 'https://fhir.example.vn/r4' });

export async function patientsWithId(cccd: string): Promise<Patient[]> {
  const found: Patient[] = [];
  for await (const patient of searchResources<Patient>(fhir, 'Patient', {
    identifier: tokenParam(DEFAULT_IDENTIFIER_SYSTEMS.cccd, cccd),
    _count: 50,
  })) {
    found.push(patient); // pages are fetched lazily, following each Bundle's `next` link
  }
  return found;
}
