// CommonJS consumer, run by scripts/consumer/run.sh in an empty project where the packed tarballs
// are installed: the same entry points through `require` (the packages' CJS builds), each answer
// checked. Inputs: the environment variables described in consumer.mjs.
const assert = require('node:assert/strict');
const { readdirSync, readFileSync } = require('node:fs');
const { createCatalogue } = require('@lienthong/catalogue');
const { loadBundledRelease } = require('@lienthong/catalogue/bundled');
const { createHubResultExchange } = require('@lienthong/hub-api');
const { scanFolderToReferences } = require('@lienthong/imaging/scanner');
const { safeParseCitizenId, safeParseFacilityCode } = require('@lienthong/patient-id/validators');
const { DEFAULT_LAB_SYSTEMS } = require('@lienthong/result-exchange');
const { decodeFhirBundle, encodeFhirBundle } = require('@lienthong/result-exchange/fhir');
const { decodeOru } = require('@lienthong/result-exchange/hl7');

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through scripts/consumer/run.sh)`);
  return value;
}
const ok = (what) => console.log(`✓ ${what}`);

async function main() {
  // Catalogue: both bundled TT 23 releases (each a lazily loaded chunk) in one catalogue.
  const [pl01, pl02] = await Promise.all([loadBundledRelease('tt23-pl01'), loadBundledRelease('tt23-pl02')]);
  assert.equal(pl01.concepts.length, 19_438);
  assert.ok(pl02.concepts.length > 0);
  const catalogue = createCatalogue([pl01, pl02]);
  const [best] = catalogue.search('dinh luong glucose mau', { systems: ['tt23-pl01'], limit: 5 });
  assert.equal(best?.code, '23.75');
  assert.equal(catalogue.lookup('tt23-pl01', '23.75')?.display, 'Định lượng Glucose [Máu]');
  ok(
    `catalogue: tt23-pl01 + tt23-pl02 (${pl01.concepts.length} + ${pl02.concepts.length} concepts), search, lookup`,
  );

  // Patient identifiers through the zod-free validators entry.
  const id = safeParseCitizenId('001203012345');
  assert.ok(id.ok);
  assert.equal(id.value.birthYear, 2003);
  const tooShort = safeParseCitizenId('0012030123');
  assert.equal(tooShort.ok ? undefined : tooShort.error.code, 'CITIZEN_ID_LENGTH');
  const facility = safeParseFacilityCode('01001');
  assert.ok(facility.ok);
  ok('patient-id/validators: safeParseCitizenId (valid, wrong length), safeParseFacilityCode');

  // HL7 v2 → model → FHIR → model: the round trip keeps the report.
  const { value: reports } = decodeOru(readFileSync(env('CONSUMER_HL7_FILE'), 'utf8'));
  assert.equal(reports.length, 2);
  const diff = reports[1];
  assert.deepEqual(
    diff.observations.map((o) => o.value?.value),
    [72, 2, 20, 6, 0],
  );
  const { value: bundle, warnings: omitted } = encodeFhirBundle(reports, { type: 'collection' });
  assert.deepEqual(omitted, []);
  assert.equal(bundle.type, 'collection');
  const back = decodeFhirBundle(bundle);
  assert.deepEqual(back.warnings, []);
  // Every field comes back; the report id gains the default identifier system FHIR needs.
  assert.deepEqual(
    back.value,
    reports.map((r) => ({ ...r, idSystem: DEFAULT_LAB_SYSTEMS.reportId })),
    'HL7 v2 → FHIR → model keeps every field',
  );
  ok('result-exchange: decodeOru → encodeFhirBundle → decodeFhirBundle');

  // DICOM folder scan.
  const dir = env('CONSUMER_DICOM_DIR');
  const scan = await scanFolderToReferences(dir, { facility: '79001' });
  assert.equal(scan.files, readdirSync(dir).length);
  assert.equal(scan.instances, scan.files - 1);
  const ct = scan.references.find(
    (r) => r.studyInstanceUid === '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322',
  );
  assert.equal(ct?.utcOffset, '-05:00');
  assert.equal(ct?.studyTime, '07:27:30');
  ok(`imaging/scanner: ${scan.references.length} studies from ${scan.instances} instances`);

  // Hub: the ResultExchange provider over the hub (publish, get, query by patient).
  const exchange = createHubResultExchange({
    baseUrl: env('CONSUMER_HUB_URL'),
    apiKey: env('CONSUMER_HUB_KEY'),
  });
  assert.equal(exchange.contract, 'result-exchange/v1');
  const receipt = await exchange.publish(diff, { idempotencyKey: `cjs-${diff.id}` });
  assert.equal(receipt.outcome, 'created');
  assert.equal(receipt.id, diff.id);
  const { version, ...stored } = (await exchange.get(diff.id)) ?? {};
  assert.equal(version, 1);
  // The hub records the publisher (from the key) as the performing facility when the report names none.
  assert.deepEqual(stored, { ...diff, performingFacility: { code: env('CONSUMER_FACILITY') } });
  const found = [];
  for await (const report of exchange.query({ patient: diff.patient.identifiers[0] })) found.push(report.id);
  assert.ok(found.includes(diff.id), `query by patient finds ${diff.id} (found ${found.join(', ')})`);
  assert.equal(await exchange.get('no-such-report'), undefined);
  ok(`hub-api: createHubResultExchange publish (${receipt.outcome}) → get → query (${found.length} reports)`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
