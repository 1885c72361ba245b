// Liên Thông quickstart: validate an ID, look up a technique, publish a result, query it back.
// The patient is SYNTHETIC; 23.0075.1494 is the published insurance service code for glucose.
// Pass another personal ID number to see how a failure reads: `npm start -w quickstart -- 001303012345`.
import { createCatalogue } from '@lienthong/catalogue';
import { loadBundledRelease } from '@lienthong/catalogue/bundled';
import { DEFAULT_IDENTIFIER_SYSTEMS, explainError, maskIdentifier } from '@lienthong/core';
import { safeParseCitizenId } from '@lienthong/patient-id';
import { createMemoryResultExchange, DEFAULT_LAB_SYSTEMS, type LabReport } from '@lienthong/result-exchange';

// 0. A failure is answered with its code and both messages, identifiers masked, and exit code 1 (3 when
//    a service cannot be reached) — never a stack trace, unless DEBUG is set.
process.on('uncaughtException', (error) => {
  const { text, retryable } = explainError(error, { stack: Boolean(process.env.DEBUG) });
  console.error(text);
  process.exitCode = retryable ? 3 : 1;
});

// 1. Validate a personal ID number (CCCD) against the birth year and sex the patient states.
const id = safeParseCitizenId(process.argv[2] ?? '001203012345', { birthDate: '2003', sex: 'male' });
if (!id.ok) throw id.error; // a LienThongError: id.error.code, .message, .messageVi, .path
console.log(
  `CCCD ${maskIdentifier(id.value.value)}: born ${id.value.birthYear}, province code ${id.value.oldProvinceCode}`,
);

// 2. Look up a technique code of TT 23/2024 (bundled, loaded lazily) and search without diacritics.
const catalogue = createCatalogue([await loadBundledRelease('tt23-pl01')]);
const technique = catalogue.lookup('tt23-pl01', '23.75');
console.log(`TT 23 ${technique?.code}: ${technique?.display}`);
console.log(
  `search "dinh luong glucose mau" → ${catalogue.search('dinh luong glucose mau', { limit: 1 })[0]?.concept.code}`,
);

// 3. Publish a lab result to a provider (memory here; the hub or a FHIR server work the same way).
const exchange = createMemoryResultExchange();
const patient = { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '001203012345' };
const glucose = { system: DEFAULT_LAB_SYSTEMS.serviceCode, code: '23.0075.1494' };
const report: LabReport = {
  id: 'QS-0001',
  patient: { identifiers: [patient] },
  codes: [glucose],
  status: 'final',
  effectiveAt: '2026-11-24T08:30:00+07:00',
  observations: [
    { codes: [glucose], status: 'final', value: { kind: 'quantity', value: 5.4, unit: 'mmol/L' } },
  ],
};
const receipt = await exchange.publish(report, { idempotencyKey: 'QS-0001' });
console.log(`published ${receipt.id}: ${receipt.outcome}, version ${receipt.version}`);

// 4. Query the patient's results back (an async iterable that pages lazily).
for await (const r of exchange.query({ patient, codes: [glucose] })) {
  const v = r.observations[0]?.value;
  console.log(`found ${r.id} (${r.status}): ${v?.kind === 'quantity' ? `${v.value} ${v.unit}` : ''}`);
}
