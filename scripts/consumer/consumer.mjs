// ESM consumer, run by scripts/consumer/run.sh in an empty project where the packed tarballs are
// installed: the documented entry points, imported as a vendor's ES module imports them, each
// answer checked (a wrong one throws). Inputs come from the environment:
//   CONSUMER_HL7_FILE   the repository's LAB-ORU-1.hl7 (NIST LRI CBC message, two OBR groups)
//   CONSUMER_DICOM_DIR  the repository's real-world DICOM folder
//   CONSUMER_HUB_URL, CONSUMER_HUB_KEY, CONSUMER_FACILITY  a running hub and a facility's API key
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createCatalogue } from '@lienthong/catalogue';
import { loadBundledRelease } from '@lienthong/catalogue/bundled';
import { isLienThongError } from '@lienthong/core';
import { createHubClient } from '@lienthong/hub-api';
import { scanFolderToReferences } from '@lienthong/imaging/scanner';
import { maskCitizenId, safeParseIdentifier } from '@lienthong/patient-id';
import { isCitizenId, safeParseCitizenId } from '@lienthong/patient-id/validators';
import { encodeFhirBundle } from '@lienthong/result-exchange/fhir';
import { decodeOru } from '@lienthong/result-exchange/hl7';
import { newVisit } from '@lienthong/visits';

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through scripts/consumer/run.sh)`);
  return value;
}
const ok = (what) => console.log(`✓ ${what}`);

// Catalogue: the bundled TT 23/2024 Appendix 01 release, searched and looked up as documented.
const pl01 = await loadBundledRelease('tt23-pl01');
assert.equal(pl01.system.id, 'tt23-pl01');
assert.equal(pl01.concepts.length, 19_438, 'TT 23 Appendix 01 has 19,438 techniques (docs)');
const catalogue = createCatalogue([pl01]);
for (const query of ['dinh luong glucose mau', 'ĐỊNH LƯỢNG GLUCOSE', 'dinh luong glucoze mau']) {
  const [best] = catalogue.search(query, { systems: ['tt23-pl01'], limit: 5 });
  assert.equal(best?.code, '23.75', `search "${query}"`);
  assert.equal(best?.display, 'Định lượng Glucose [Máu]');
}
const [byCode] = catalogue.search('22.120', { limit: 1 });
assert.equal(byCode?.code, '22.120');
assert.equal(byCode?.match, 'code');
assert.equal(
  catalogue.lookup('tt23-pl01', '23.75', { asOf: '2026-07-01' })?.display,
  'Định lượng Glucose [Máu]',
);
assert.equal(catalogue.lookup('tt23-pl01', '99.999'), undefined);
ok('catalogue: bundled tt23-pl01, search with and without diacritics, code search, lookup');

// Patient identifiers (synthetic values: valid shapes, no real person).
const id = safeParseCitizenId('074203012345', { birthDate: '2003', sex: 'male' });
assert.ok(id.ok, 'a valid personal ID parses');
assert.equal(id.value.birthYear, 2003);
assert.equal(id.value.sex, 'male');
assert.equal(id.value.currentProvinceCode, '79');
const unknown = safeParseCitizenId('999203012345');
assert.ok(!unknown.ok, 'an unknown province is refused');
assert.equal(unknown.error.code, 'CITIZEN_ID_PROVINCE_UNKNOWN');
assert.ok(isLienThongError(unknown.error) && unknown.error.messageVi.length > 0);
const mismatch = safeParseCitizenId('074203012345', { sex: 'female' });
assert.equal(mismatch.ok ? undefined : mismatch.error.code, 'CITIZEN_ID_SEX_MISMATCH');
assert.equal(isCitizenId('074203012345'), true);
assert.equal(isCitizenId('07420301234'), false);
assert.equal(maskCitizenId('074203012345'), '074*******45');
const facility = safeParseIdentifier('01001');
assert.ok(facility.ok && facility.value.type === 'facility');
ok(
  'patient-id: safeParseCitizenId (valid, unknown province, sex mismatch), isCitizenId, mask, safeParseIdentifier',
);

// HL7 v2 ORU^R01 → neutral reports → FHIR R4 transaction Bundle.
const { value: reports, warnings, version } = decodeOru(readFileSync(env('CONSUMER_HL7_FILE'), 'utf8'));
assert.equal(version, '2.5');
assert.deepEqual(warnings, []);
assert.equal(reports.length, 2);
const [cbc] = reports;
assert.equal(cbc.observations.length, 5);
assert.deepEqual(cbc.observations[1].value, {
  kind: 'quantity',
  value: 4.06,
  unit: '10*12/L',
  originalUnit: 'tera.l-1',
});
const { value: bundle, warnings: omitted } = encodeFhirBundle(reports, { type: 'transaction' });
assert.deepEqual(omitted, []);
assert.equal(bundle.resourceType, 'Bundle');
assert.equal(bundle.type, 'transaction');
const resources = (bundle.entry ?? []).map((e) => e.resource);
assert.equal(resources.filter((r) => r.resourceType === 'DiagnosticReport').length, 2);
const rbc = resources.find((r) => r.resourceType === 'Observation' && r.code.coding?.[0]?.code === '11273-0');
assert.deepEqual(rbc?.valueQuantity, {
  value: 4.06,
  unit: 'tera.l-1',
  system: 'http://unitsofmeasure.org',
  code: '10*12/L',
});
ok(
  `result-exchange: decodeOru (HL7 v${version}, ${reports.length} reports) → encodeFhirBundle (${resources.length} entries)`,
);

// DICOM: the headers of a folder of real Part-10 files, grouped into one reference per study.
const dicomDir = env('CONSUMER_DICOM_DIR');
const files = readdirSync(dicomDir).length;
const scan = await scanFolderToReferences(dicomDir, {
  facility: '79001',
  wadoRsBase: 'https://pacs.example.vn/dicom-web',
});
assert.equal(scan.files, files);
assert.deepEqual(
  scan.skipped.map((s) => [s.file, s.code]),
  [['no_meta.dcm', 'DICOM_NOT_PART10']],
);
assert.equal(scan.instances, files - 1);
const mr = scan.references.find((r) => r.studyInstanceUid === '1.3.6.1.4.1.5962.1.2.4.20040826185059.5457');
assert.ok(mr, 'the MR_small study is found');
assert.deepEqual(mr.modalities, ['MR']);
assert.equal(mr.studyDate, '2004-08-26');
assert.deepEqual(mr.patient.identifiers, [{ system: 'urn:lienthong:sid:mrn:79001', value: '4MR1' }]);
ok(`imaging: scanFolderToReferences (${scan.files} files, ${scan.references.length} studies, 1 skipped)`);

// Hub: the typed client publishes a report and reads it back.
const hub = createHubClient({
  baseUrl: env('CONSUMER_HUB_URL'),
  apiKey: env('CONSUMER_HUB_KEY'),
  user: 'consumer.mjs',
});
const me = await hub.GET('/v1/me');
assert.equal(me.facilityCode, env('CONSUMER_FACILITY'));
const receipt = await hub.POST('/v1/lab-reports', { body: cbc, idempotencyKey: `esm-${cbc.id}` });
assert.deepEqual(receipt, { id: cbc.id, version: 1, outcome: 'created' });
const replay = await hub.POST('/v1/lab-reports', { body: cbc, idempotencyKey: `esm-${cbc.id}` });
assert.deepEqual(replay, receipt, 'a retried publish with the same key replays the answer');
const stored = await hub.GET('/v1/lab-reports/{id}', { path: { id: cbc.id } });
const { version: storedVersion, ...storedReport } = stored;
assert.equal(storedVersion, 1);
// The hub records the publisher (from the key) as the performing facility when the report names none.
assert.deepEqual(
  storedReport,
  { ...cbc, performingFacility: { code: env('CONSUMER_FACILITY') } },
  'the report read back is the report published, with its publisher',
);
ok(`hub-api: createHubClient → POST /v1/lab-reports (${receipt.outcome}, replayed) → GET it back`);

// Hub: a SYNTHETIC visit published, then the patient's summary — made by the hub's summary worker
// thread (the built `summary-worker.js`; `hub serve` starts one on a machine with 2 cores or more).
const patient = { system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: '074203012345' };
const visit = newVisit({
  id: 'CONSUMER-LK-1',
  facility: env('CONSUMER_FACILITY'),
  patient: { name: 'Bệnh nhân tổng hợp', identifiers: [patient] },
  visitType: '03',
  admittedAt: '2026-03-01T08:00:00+07:00',
  dischargedAt: '2026-03-05T10:00:00+07:00',
  mainDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'J18.9' },
});
const visitReceipt = await hub.POST('/v1/visits', { body: visit, idempotencyKey: 'esm-visit-1' });
assert.equal(visitReceipt.outcome, 'created');
const summary = await hub.GET('/v1/patients/{identifier}/summary', {
  path: { identifier: `${patient.system}|${patient.value}` },
});
assert.deepEqual(
  summary.problems.map((p) => [p.code.code, p.code.display]),
  [['J18.9', 'Viêm phổi, không đặc hiệu']],
  'the summary names the diagnosis in Vietnamese (ICD-10 loaded by the worker)',
);
assert.equal(summary.withheld, 0);
ok('hub-api: POST /v1/visits → GET /v1/patients/{identifier}/summary (made by the summary worker)');
