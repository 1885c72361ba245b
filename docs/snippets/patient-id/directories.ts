// Swapping the directory is a one-line change; the code that uses it does not change.
import { bearerAuth, DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import { createMemoryPatientDirectory, type PatientDirectory } from '@lienthong/patient-id';
import { createFhirPatientDirectory } from '@lienthong/patient-id/fhir';

const directory: PatientDirectory = process.env.FHIR_URL
  ? createFhirPatientDirectory({
      baseUrl: process.env.FHIR_URL,
      auth: bearerAuth(process.env.FHIR_TOKEN ?? ''),
    })
  : createMemoryPatientDirectory();

const cccd = { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '079085000001' }; // synthetic

const receipt = await directory.upsert({
  identifiers: [cccd, { system: DEFAULT_IDENTIFIER_SYSTEMS.bhyt, value: 'DN4790000000001' }],
  name: { family: 'Nguyễn', middle: 'Văn', given: 'An' },
  birthDate: '1985', // year-only birth dates are common
  sex: 'male',
});
console.log(receipt.id, receipt.version, receipt.outcome); // 'mem-1' 1 'created' — 'unchanged' on a retry

const signal = AbortSignal.timeout(5_000);
const patient = await directory.findByIdentifier(cccd, { signal });
for await (const p of directory.search({ family: 'nguyen', birthDate: '1985' }, { pageSize: 50, signal })) {
  console.log(p.name, p.birthDate);
}
const candidates = await directory.match({ name: { text: 'An Nguyen Van' }, birthDate: '1985', sex: 'male' });
console.log(patient?.id, candidates[0]?.grade, candidates[0]?.agreeing); // 'probable' ['name-order', 'birthYear', 'sex']
const others = await directory.crossReference(cccd); // the patient's insurance card, record numbers…
console.log(others);
