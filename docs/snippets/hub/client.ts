import { isConflictError } from '@lienthong/core';
import { createHubClient } from '@lienthong/hub-api';

// A typed client generated from the hub's OpenAPI contract: paths, parameters and answers are checked.
const hub = createHubClient({
  baseUrl: 'https://hub.so-y-te.example.vn',
  apiKey: process.env.HUB_KEY ?? '',
  user: 'bs.hoa', // recorded in the hub's audit trail
  purpose: 'TREAT',
});

export async function example() {
  const me = await hub.GET('/v1/me');
  const page = await hub.GET('/v1/lab-reports', {
    query: { patient: 'http://fhir.ehealth.gov.vn/core/sid/national_id|001203012345', limit: 20 },
  });
  const advice = await hub.POST('/v1/reuse-check', {
    body: {
      code: { system: 'urn:lienthong:cs:service-code', code: '23.0075.1494' },
      patient: [{ system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: '001203012345' }],
      at: new Date().toISOString(),
      requesterLabLevel: 3,
    },
  });
  try {
    await hub.POST('/v1/lab-reports', { body: page.items[0]!, idempotencyKey: 'lis-msg-0001-1' });
  } catch (error) {
    if (isConflictError(error)) console.warn(error.code, error.messageVi);
  }
  return { me, advice };
}
