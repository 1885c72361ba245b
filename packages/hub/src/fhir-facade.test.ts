import { readFileSync } from 'node:fs';
import { validateFhir } from '@lienthong/conformance/fhir';
import { bearerAuth } from '@lienthong/core';
import {
  createHubClient,
  createHubImagingRegistry,
  createHubPatientDirectory,
  createHubResultExchange,
} from '@lienthong/hub-api';
import { fromDicomJsonStudies } from '@lienthong/imaging';
import { createFhirPatientDirectory } from '@lienthong/patient-id/fhir';
import { decodeOru } from '@lienthong/result-exchange/hl7';
import { MedplumClient } from '@medplum/core';
import type { Bundle, DiagnosticReport, ImagingStudy, Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../test/databases.js';
import { createLogger } from './logger.js';
import { type RunningHub, startHub } from './server.js';

const REAL = new URL('../../../../shared/fixtures/real-world/', import.meta.url);
const CCCD = 'http://fhir.hl7.org.vn/core/sid/cccd';

// The FHIR facade read by a FHIR client nobody here wrote (Medplum's MedplumClient) and by the
// SDK's own fhir PatientDirectory provider; everything it returns passes an independent validator.
describe('hub FHIR R4 facade', () => {
  let database: TestDatabase;
  let hub: RunningHub;
  let key: string;
  let medplum: MedplumClient;
  let studyUid: string;
  beforeAll(async () => {
    database = sqliteDatabase();
    hub = await startHub({
      database: database.config,
      port: 0,
      adminKey: 'facade-admin',
      logger: createLogger({ level: 'silent' }),
      rateLimit: false,
    });
    const admin = createHubClient({ baseUrl: hub.url, apiKey: 'facade-admin' });
    key = (await admin.POST('/v1/facilities', { body: { code: '01001', name: 'Facade (synthetic)' } }))
      .credential.apiKey;
    const opts = { baseUrl: hub.url, apiKey: 'facade-admin' };
    // A SYNTHETIC patient; real HL7 v2 reports and a real DICOMweb study re-keyed to that patient.
    await createHubPatientDirectory(opts).upsert?.({
      identifiers: [{ system: CCCD, value: '001203012345', kind: 'cccd' }],
      name: { family: 'Nguyễn', middle: 'Văn', given: 'An' },
      birthDate: '2003-04-05',
      sex: 'male',
    });
    const exchange = createHubResultExchange(opts);
    const decoded = decodeOru(readFileSync(new URL('hl7v2/ORU-R01-01.hl7', REAL), 'utf8')) as {
      reports: { patient: unknown }[];
    };
    for (const r of decoded.reports)
      await exchange.publish({
        ...r,
        patient: { identifiers: [{ system: CCCD, value: '001203012345' }] },
      } as never);
    const [study] = fromDicomJsonStudies(
      JSON.parse(readFileSync(new URL('dicomweb/search_for_studies.json', REAL), 'utf8')),
    );
    studyUid = study!.studyInstanceUid;
    await createHubImagingRegistry(opts).publish({
      ...study!,
      patient: { identifiers: [{ system: CCCD, value: '001203012345' }] },
    });
    medplum = new MedplumClient({
      baseUrl: `${hub.url}/`,
      fhirUrlPath: 'fhir',
      fetch: globalThis.fetch.bind(globalThis),
    });
    medplum.setAccessToken(key);
  });
  afterAll(async () => {
    await hub.close();
    await database.drop();
  });

  it('publishes a CapabilityStatement without credentials', async () => {
    const r = await fetch(`${hub.url}/fhir/metadata`);
    expect(r.headers.get('content-type')).toContain('application/fhir+json');
    const cs = await r.json();
    expect(cs.resourceType).toBe('CapabilityStatement');
    validateFhir(cs);
  });

  it('MedplumClient searches and reads Patient', async () => {
    const bundle = await medplum.search('Patient', `identifier=${CCCD}|001203012345`);
    expect(bundle.entry).toHaveLength(1);
    const patient = bundle.entry![0]!.resource as Patient;
    validateFhir(patient);
    expect(patient.name?.[0]?.family).toBe('Nguyễn');
    const read = await medplum.readResource('Patient', patient.id!);
    expect(read.identifier?.[0]?.value).toBe('001203012345');
  });

  it('MedplumClient searches DiagnosticReport with its Observations included, all valid FHIR', async () => {
    const bundle = (await medplum.search('DiagnosticReport', {
      'subject:identifier': `${CCCD}|001203012345`,
      _include: 'DiagnosticReport:result',
    })) as Bundle;
    const reports = bundle
      .entry!.filter((e) => e.search?.mode === 'match')
      .map((e) => e.resource as DiagnosticReport);
    const included = bundle
      .entry!.filter((e) => e.search?.mode === 'include' && e.resource?.resourceType === 'Observation')
      .map((e) => e.resource as Observation);
    expect(reports.length).toBeGreaterThan(0);
    expect(included.length).toBeGreaterThan(0);
    for (const e of bundle.entry!) validateFhir(e.resource!);
    // Every result reference resolves inside the bundle.
    const ids = new Set(included.map((o) => `Observation/${o.id}`));
    for (const ref of reports.flatMap((r) => r.result ?? [])) expect(ids.has(ref.reference!)).toBe(true);
    const read = await medplum.readResource('DiagnosticReport', reports[0]!.id!);
    expect(read.status).toBe(reports[0]!.status);
    const observations = await medplum.searchResources('Observation', {
      'patient:identifier': `${CCCD}|001203012345`,
    });
    expect(observations.length).toBe(included.length);
  });

  it('MedplumClient reads and searches ImagingStudy with its DICOMweb endpoints', async () => {
    const study = await medplum.readResource('ImagingStudy', studyUid);
    validateFhir(study);
    expect(study.identifier?.some((i) => i.value === `urn:oid:${studyUid}`)).toBe(true);
    const found = (await medplum.searchResources('ImagingStudy', {
      'patient:identifier': `${CCCD}|001203012345`,
    })) as ImagingStudy[];
    expect(found.map((s) => s.id)).toEqual([studyUid]);
  });

  it('the SDK fhir PatientDirectory provider reads the facade', async () => {
    const directory = createFhirPatientDirectory({ baseUrl: `${hub.url}/fhir`, auth: bearerAuth(key) });
    const found = await directory.findByIdentifier({ system: CCCD, value: '001203012345' });
    expect(found?.name.given).toBe('An');
    const byName: unknown[] = [];
    for await (const p of directory.search({ family: 'nguyen' })) byName.push(p);
    expect(byName).toHaveLength(1);
  });

  it('refuses unauthenticated reads with an OperationOutcome and audits authenticated ones', async () => {
    const r = await fetch(`${hub.url}/fhir/Patient?identifier=${CCCD}|001203012345`);
    expect(r.status).toBe(401);
    expect((await r.json()).resourceType).toBe('OperationOutcome');
    const audit = await createHubClient({ baseUrl: hub.url, apiKey: 'facade-admin' }).GET('/v1/audit', {
      query: { patient: `${CCCD}|001203012345`, limit: 1000 },
    });
    expect(audit.items.filter((e) => e.action.startsWith('fhir-')).length).toBeGreaterThanOrEqual(5);
  });
});
