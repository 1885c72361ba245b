import { bearerAuth } from '@lienthong/core';
import { readOnly } from '@lienthong/core/contract';
import { createFhirImagingRegistry } from '@lienthong/imaging/fhir';
import { createFhirResultExchange } from '@lienthong/result-exchange/fhir';

// The hub's FHIR facade is a FHIR R4 server like any other, only read-only: the SDK's own `fhir`
// providers read it, wrapped in read-only views (capabilities.write false; publish is refused with
// PROVIDER_READ_ONLY before anything is sent).
const fhirBase = 'https://hub.so-y-te.example.vn/fhir';
const auth = bearerAuth(process.env.HUB_KEY ?? '');

export const results = readOnly(
  createFhirResultExchange({ baseUrl: fhirBase, transportOptions: { auth } }),
  ['publish'],
  { name: 'hub FHIR facade' },
);
export const imaging = readOnly(createFhirImagingRegistry({ baseUrl: fhirBase, auth }), ['publish'], {
  name: 'hub FHIR facade',
});

export async function patientSummary(cccd: string) {
  const patient = { system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: cccd };
  const reports = [];
  for await (const report of results.query({ patient }, { pageSize: 20 })) reports.push(report);
  const versions = reports[0] ? await results.history(reports[0].id) : [];
  const studies = [];
  for await (const study of imaging.query({ patientIdentifier: patient })) studies.push(study);
  return { reports, versions, studies };
}
