import { createHubResultExchange } from '@lienthong/hub-api';
import type { ResultExchange } from '@lienthong/result-exchange';
import { createFhirResultExchange } from '@lienthong/result-exchange/fhir';

// The rest of the software only knows the ResultExchange contract…
export async function latestGlucose(exchange: ResultExchange, cccd: string) {
  for await (const report of exchange.query({
    patient: { system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: cccd },
    codes: [{ system: 'http://loinc.org', code: '14749-6' }],
  })) {
    return report; // newest clinical time first
  }
  return undefined;
}

// …so swapping the provider is one line: the provincial hub…
export const viaHub: ResultExchange = createHubResultExchange({
  baseUrl: 'https://hub.so-y-te.example.vn',
  apiKey: process.env.HUB_KEY ?? '',
});
// …or the hospital's own FHIR server.
export const viaFhir: ResultExchange = createFhirResultExchange({
  baseUrl: 'https://fhir.benhvien.example.vn/fhir',
});
