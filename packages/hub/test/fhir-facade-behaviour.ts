import { readFileSync } from 'node:fs';
import {
  describeImagingRegistryConformance,
  describeResultExchangeConformance,
  resultExchangeFixtures,
  syntheticImagingReferences,
} from '@lienthong/conformance';
import { validateFhir } from '@lienthong/conformance/fhir';
import { bearerAuth } from '@lienthong/core';
import { readOnly } from '@lienthong/core/contract';
import {
  createHubClient,
  createHubImagingRegistry,
  createHubPatientDirectory,
  createHubResultExchange,
} from '@lienthong/hub-api';
import { fromDicomJsonStudies, type ImagingReference } from '@lienthong/imaging';
import { createFhirImagingRegistry } from '@lienthong/imaging/fhir';
import { createFhirPatientDirectory } from '@lienthong/patient-id/fhir';
import type { LabReport } from '@lienthong/result-exchange';
import { createFhirResultExchange } from '@lienthong/result-exchange/fhir';
import { decodeOru } from '@lienthong/result-exchange/hl7';
import { MedplumClient } from '@medplum/core';
import type {
  Bundle,
  CapabilityStatement,
  DiagnosticReport,
  Endpoint,
  ImagingStudy,
  Observation,
  OperationOutcome,
  Patient,
  Resource,
} from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../src/server.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { VISIT_TYPES, visitSearchSamples } from './fhir-visits-behaviour.js';
import { startTestHub } from './test-hub.js';

const REAL = new URL('../../../fixtures/real-world/', import.meta.url);
const CCCD = 'http://fhir.ehealth.gov.vn/core/sid/national_id';
const ADMIN = 'facade-admin';

const strip = ({ version: _v, ...r }: LabReport) => r;

/**
 * The FHIR facade, run once per storage dialect against a real hub on loopback: read by a FHIR
 * client nobody here wrote (Medplum's MedplumClient) and by the SDK's own `fhir` providers —
 * PatientDirectory, and the ResultExchange and ImagingRegistry conformance suites in their
 * read-only mode over data published through the hub API. Everything it returns passes an
 * independent validator; every request that reads patient data writes exactly one audit entry.
 */
export function describeFhirFacade(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub FHIR R4 facade on ${dialect}`, () => {
    const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    // SYNTHETIC data of the conformance suites, stored through the hub API before the suites read it.
    const fixtures = resultExchangeFixtures(`facade-${run}`);
    const known = syntheticImagingReferences(`facade-${run}`);
    let database: TestDatabase;
    let hub: RunningHub;
    let key: string;
    let fhirBase: string;
    let medplum: MedplumClient;
    let studyUid: string;

    const get = async (path: string, headers: Record<string, string> = {}) => {
      const r = await fetch(`${fhirBase}/${path}`, {
        headers: { authorization: `Bearer ${key}`, ...headers },
      });
      return { status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as Resource };
    };
    const bundle = async (path: string, headers: Record<string, string> = {}) => {
      const r = await get(path, headers);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as Bundle;
    };
    const matches = <T extends Resource>(b: Bundle) =>
      (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as T);
    const exchange = (extra: { headers?: Record<string, string>; fetch?: typeof fetch } = {}) =>
      readOnly(
        createFhirResultExchange({
          baseUrl: fhirBase,
          transportOptions: { auth: bearerAuth(key), retry: 0, ...extra },
        }),
        ['publish'],
        { name: 'hub FHIR facade' },
      );
    const registry = () =>
      readOnly(
        createFhirImagingRegistry({ baseUrl: fhirBase, auth: bearerAuth(key), retry: false }),
        ['publish'],
        { name: 'hub FHIR facade' },
      );

    beforeAll(async () => {
      database = await makeDatabase();
      hub = await startTestHub(database, { adminKey: ADMIN, rateLimit: false });
      fhirBase = `${hub.url}/fhir`;
      const admin = createHubClient({ baseUrl: hub.url, apiKey: ADMIN });
      key = (await admin.POST('/v1/facilities', { body: { code: '01001', name: 'Facade (synthetic)' } }))
        .credential.apiKey;
      const opts = { baseUrl: hub.url, apiKey: ADMIN };
      const directory = createHubPatientDirectory(opts);
      const reports = createHubResultExchange(opts);
      // A SYNTHETIC patient; real HL7 v2 reports and a real DICOMweb study re-keyed to that patient.
      await directory.upsert({
        identifiers: [{ system: CCCD, value: '001203012345', kind: 'cccd' }],
        name: { family: 'Nguyễn', middle: 'Văn', given: 'An' },
        birthDate: '2003-04-05',
        sex: 'male',
      });
      const decoded = decodeOru(readFileSync(new URL('hl7v2/ORU-R01-01.hl7', REAL), 'utf8')) as {
        value: { patient: unknown }[];
      };
      for (const r of decoded.value)
        await reports.publish({
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
      // The suites' reports (every version, in order) and their patients' directory records: a
      // FHIR client finds a patient's reports through its Patient resource.
      const patients = new Map(
        fixtures.publish.flatMap((r) => r.patient.identifiers).map((i) => [`${i.system}|${i.value}`, i]),
      );
      for (const identifier of patients.values())
        await directory.upsert({ identifiers: [identifier], name: { family: 'Thử', given: 'Nghiệm' } });
      for (const r of fixtures.publish) await reports.publish(r);
      const images = createHubImagingRegistry(opts);
      for (const r of known) await images.publish(r);
      medplum = new MedplumClient({
        baseUrl: `${hub.url}/`,
        fhirUrlPath: 'fhir',
        fetch: globalThis.fetch.bind(globalThis),
      });
      medplum.setAccessToken(key);
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    describe('CapabilityStatement', () => {
      it('is public, valid, read-only and lists exactly the served types', async () => {
        const r = await fetch(`${fhirBase}/metadata`);
        expect(r.headers.get('content-type')).toContain('application/fhir+json');
        const cs = (await r.json()) as CapabilityStatement;
        validateFhir(cs);
        const resources = cs.rest![0]!.resource!;
        expect(resources.map((x) => x.type)).toEqual([
          'Patient',
          'DiagnosticReport',
          'Observation',
          'Specimen',
          'ImagingStudy',
          'Endpoint',
          ...VISIT_TYPES,
          'Group', // facility groups and saved cohorts of the bulk export (bulk-cohort-behaviour.ts)
        ]);
        const interactions = new Set(
          resources
            .filter((x) => x.type !== 'Group')
            .flatMap((x) => (x.interaction ?? []).map((i) => i.code)),
        );
        expect([...interactions].sort()).toEqual(['history-instance', 'read', 'search-type', 'vread']);
        // The one write: saved cohorts (create, read, delete), with the bulk export.
        const group = resources.find((x) => x.type === 'Group');
        expect(group?.interaction?.map((i) => i.code)).toEqual(['create', 'read', 'delete']);
        expect(cs.rest![0]!.interaction).toBeUndefined(); // no transaction, batch or system history
      });

      it('honours every declared search parameter and refuses undeclared ones with an OperationOutcome', async () => {
        const cs = (await (await fetch(`${fhirBase}/metadata`)).json()) as CapabilityStatement;
        const paging = fixtures.paging.patient;
        const byPatient = (value: string) =>
          Object.fromEntries(
            ['patient', 'subject'].flatMap((name) =>
              [':identifier', '.identifier'].map((suffix) => [`${name}${suffix}`, value]),
            ),
          );
        const ct = known[0]!.studyInstanceUid;
        const pagingPatient = encodeURIComponent(`${paging.system}|${paging.value}`);
        const cccdPatient = encodeURIComponent(`${CCCD}|001203012345`);
        // Every search names what it reads (one patient, records by id, or the caller's own): the
        // parameters that do are sent alone, every other one with the scope of its resource.
        const naming = ['patient', 'subject', 'identifier', 'facility', '_id', 'encounter', 'context'];
        const scopes: Record<string, string> = {
          Patient: `identifier=${cccdPatient}&`,
          DiagnosticReport: `subject:identifier=${pagingPatient}&`,
          Observation: `patient:identifier=${pagingPatient}&`,
          ImagingStudy: `patient:identifier=${cccdPatient}&`,
          Endpoint: `_id=${ct}&`,
          ...Object.fromEntries(VISIT_TYPES.map((t) => [t, `patient:identifier=${cccdPatient}&`])),
        };
        // DiagnosticReport and Observation searches take the one report query's scope and paging.
        const reportQuery = {
          patient: `${paging.system}|${paging.value}`,
          subject: `${paging.system}|${paging.value}`,
          ...byPatient(`${paging.system}|${paging.value}`),
          facility: '01001',
          _sort: '-date',
          _count: '2',
          _cursor: '',
          _offset: '1',
        };
        // A value for every parameter the statement declares: a new declaration without a test here fails.
        const samples: Record<string, Record<string, string>> = {
          Patient: {
            identifier: `${CCCD}|001203012345`,
            family: 'nguyen',
            given: 'an',
            name: 'van',
            birthdate: '2003',
            gender: 'male',
            _count: '1',
            _cursor: '',
            _elements: 'id,name',
          },
          DiagnosticReport: {
            ...reportQuery,
            identifier: fixtures.single.id,
            code: 'urn:lienthong:cs:service-code|23.0075.1494',
            date: 'ge2026-01-01',
            status: 'final,corrected',
            _elements: 'id,status',
          },
          Observation: {
            ...reportQuery,
            code: 'http://loinc.org|15074-8',
            date: 'lt2027',
            _elements: 'id,valueQuantity',
          },
          ImagingStudy: {
            identifier: `urn:dicom:uid|urn:oid:${studyUid}`,
            patient: `${CCCD}|001203012345`,
            subject: `${CCCD}|001203012345`,
            ...byPatient(`${CCCD}|001203012345`),
            modality: 'http://dicom.nema.org/resources/ontology/DCM|CT',
            started: 'ge2000-01-01',
            facility: '01001',
            _sort: '-started',
            _count: '1',
            _cursor: '',
            _offset: '0',
            _elements: 'id,started',
          },
          Endpoint: {
            _id: `${ct},${ct.replaceAll('.', '-')}`,
            'connection-type': 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type|dicom-wado-rs',
            _elements: 'id,address',
          },
          ...visitSearchSamples(`${CCCD}|001203012345`),
        };
        for (const resource of cs.rest![0]!.resource!) {
          const declared = new Set((resource.searchParam ?? []).map((p) => p.name));
          for (const p of resource.searchParam ?? []) {
            const value = samples[resource.type!]?.[p.name!];
            expect(value, `a sample for ${resource.type}.${p.name}`).toBeDefined();
            if (p.name === '_cursor') continue; // proved by following next links below
            // Patient reference parameters are sent in their :identifier form (Patient/<id> is proved below).
            const name =
              p.type === 'reference' && declared.has(`${p.name}:identifier`)
                ? `${p.name}:identifier`
                : p.name;
            const scope = naming.includes(p.name!.split(/[:.]/)[0]!) ? '' : scopes[resource.type!];
            const b = await bundle(`${resource.type}?${scope}${name}=${encodeURIComponent(value!)}`);
            expect(b.type).toBe('searchset');
            expect(new URL(b.link![0]!.url!).searchParams.get(name!)).toBe(value);
          }
          if (!(resource.interaction ?? []).some((i) => i.code === 'search-type')) continue;
          const refused = await get(`${resource.type}?_has=Observation:patient:code=1`);
          expect(refused.status).toBe(400);
          expect(refused.body.resourceType).toBe('OperationOutcome');
          expect(JSON.stringify(refused.body)).toContain('FHIR_PARAMETER_UNSUPPORTED');
        }
        // Unsupported modifiers and _include values are refused too.
        for (const path of [
          'DiagnosticReport?code:text=glucose',
          'DiagnosticReport?_include=DiagnosticReport:performer',
          'DiagnosticReport?_include:iterate=DiagnosticReport:result',
          `DiagnosticReport?${scopes.DiagnosticReport}_sort=date`,
          `DiagnosticReport?${scopes.DiagnosticReport}date=ne2026-01-01`,
          `DiagnosticReport?${scopes.DiagnosticReport}code=15074-8`,
          'DiagnosticReport?subject:identifier=SYN-value-without-system',
          `ImagingStudy?${scopes.ImagingStudy}started=2025-01-10T08:00:00%2B07:00`,
          'Patient?_offset=1',
          `Patient?${scopes.Patient}gender=man`,
          'Endpoint',
          'Endpoint?connection-type=dicom-wado-rs',
          'Endpoint?address=https://pacs.example.vn/dicom-web',
        ]) {
          const r = await get(path);
          expect(r.status, path).toBe(400);
          expect(r.body.resourceType, path).toBe('OperationOutcome');
          expect(JSON.stringify(r.body), path).not.toContain('HUB_SEARCH_PATIENT_REQUIRED');
          validateFhir(r.body);
        }
      });

      it('ignores unsupported parameters only when asked to (Prefer: handling=lenient), leaving them out of self', async () => {
        const b = await bundle(`Patient?identifier=${CCCD}|001203012345&_summary=true`, {
          prefer: 'handling=lenient',
        });
        expect(matches(b)).toHaveLength(1);
        expect(b.link![0]!.url).not.toContain('_summary');
      });

      it('refuses every write with 405 and an OperationOutcome', async () => {
        for (const [method, path] of [
          ['POST', ''],
          ['POST', 'DiagnosticReport'],
          ['PUT', `Patient/some-id`],
          ['DELETE', `ImagingStudy/${studyUid}`],
          ['PATCH', 'Observation/x'],
        ] as const) {
          const r = await fetch(`${fhirBase}/${path}`, {
            method,
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/fhir+json' },
            body: method === 'DELETE' ? null : '{"resourceType":"Bundle"}',
          });
          expect(r.status, `${method} ${path}`).toBe(405);
          expect(r.headers.get('allow')).toBe('GET');
          const body = (await r.json()) as OperationOutcome;
          expect(body.resourceType).toBe('OperationOutcome');
          expect(JSON.stringify(body)).toContain('FHIR_READ_ONLY');
        }
        expect((await get('Composition')).status).toBe(404);
      });
    });

    describe('MedplumClient', () => {
      it('searches and reads Patient', async () => {
        const b = await medplum.search('Patient', `identifier=${CCCD}|001203012345`);
        expect(b.entry).toHaveLength(1);
        const patient = b.entry![0]!.resource as Patient;
        validateFhir(patient);
        expect(patient.name?.[0]?.family).toBe('Nguyễn');
        const read = await medplum.readResource('Patient', patient.id!);
        expect(read.identifier?.[0]?.value).toBe('001203012345');
      });

      it('searches DiagnosticReport with its Observations included, all valid FHIR', async () => {
        const b = (await medplum.search('DiagnosticReport', {
          'subject:identifier': `${CCCD}|001203012345`,
          _include: 'DiagnosticReport:result',
        })) as Bundle;
        const reports = matches<DiagnosticReport>(b);
        const included = b
          .entry!.filter((e) => e.search?.mode === 'include' && e.resource?.resourceType === 'Observation')
          .map((e) => e.resource as Observation);
        expect(reports.length).toBeGreaterThan(0);
        expect(included.length).toBeGreaterThan(0);
        for (const e of b.entry!) validateFhir(e.resource!);
        // Every result reference resolves inside the bundle.
        const ids = new Set(included.map((o) => `Observation/${o.id}`));
        for (const ref of reports.flatMap((r) => r.result ?? [])) expect(ids.has(ref.reference!)).toBe(true);
        const read = await medplum.readResource('DiagnosticReport', reports[0]!.id!);
        expect(read.status).toBe(reports[0]!.status);
        const observations = await medplum.searchResources('Observation', {
          'patient:identifier': `${CCCD}|001203012345`,
        });
        expect(observations.length).toBe(included.length);
        const one = await medplum.readResource('Observation', included[0]!.id!);
        expect(one).toEqual(included[0]);
      });

      it('reads and searches ImagingStudy with its DICOMweb endpoints', async () => {
        const study = await medplum.readResource('ImagingStudy', studyUid);
        validateFhir(study);
        expect(study.identifier?.some((i) => i.value === `urn:oid:${studyUid}`)).toBe(true);
        const found = (await medplum.searchResources('ImagingStudy', {
          'patient:identifier': `${CCCD}|001203012345`,
        })) as ImagingStudy[];
        expect(found.map((s) => s.id)).toEqual([studyUid]);
      });
    });

    describe('searches', () => {
      it('finds a patient’s reports through Patient/<id> and pages with next links and _offset', async () => {
        const { patient, reports } = fixtures.paging;
        const [p] = matches<Patient>(await bundle(`Patient?identifier=${patient.system}|${patient.value}`));
        const newestFirst = reports.map((r) => r.id).reverse();
        const seen: string[] = [];
        let next: string | undefined = `DiagnosticReport?subject=Patient/${p!.id}&_count=2`;
        let pages = 0;
        while (next) {
          const b = await bundle(next.replace(`${fhirBase}/`, ''));
          for (const dr of matches<DiagnosticReport>(b)) {
            validateFhir(dr);
            seen.push(dr.identifier![0]!.value!);
          }
          next = b.link!.find((l) => l.relation === 'next')?.url;
          pages++;
        }
        expect(seen).toEqual(newestFirst);
        expect(pages).toBe(3);
        const offset = await bundle(`DiagnosticReport?patient=${p!.id}&_count=2&_offset=2`);
        expect(matches<DiagnosticReport>(offset).map((d) => d.identifier![0]!.value)).toEqual(
          newestFirst.slice(2, 4),
        );
        const bad = await get(`DiagnosticReport?patient=${p!.id}&_cursor=not-a-cursor`);
        expect(bad.status).toBe(400);
        expect(matches(await bundle('DiagnosticReport?subject=Patient/unknown-patient'))).toEqual([]);
        const two = await get(`DiagnosticReport?subject=Patient/${p!.id},Patient/other`);
        expect(two.status).toBe(400);
      });

      it('filters reports by date prefixes, code and status on the server', async () => {
        const { patient, glucose, cbc } = fixtures.query;
        const ids = async (params: string) =>
          matches<DiagnosticReport>(
            await bundle(`DiagnosticReport?subject:identifier=${patient.system}|${patient.value}&${params}`),
          ).map((d) => d.identifier![0]!.value);
        expect(await ids('date=ge2026-02-15')).toEqual([glucose.id]);
        expect(await ids('date=lt2026-02-15')).toEqual([cbc.id]);
        expect(await ids('date=2026-02-01')).toEqual([cbc.id]);
        expect(await ids('date=2026-02')).toEqual([cbc.id]);
        expect(await ids('date=gt2026-02-01')).toEqual([glucose.id]);
        expect(await ids('date=le2026-02-01T08:00:00%2B07:00')).toEqual([cbc.id]);
        expect(await ids('date=lt2026-02-01T08:00:00%2B07:00')).toEqual([]);
        expect(await ids('date=ge2026-01-01&date=le2026-12-31')).toEqual([glucose.id, cbc.id]);
        expect(await ids('code=urn:lienthong:cs:service-code|22.0120.1370')).toEqual([cbc.id]);
        expect(await ids('code=http://loinc.org|15074-8')).toEqual([glucose.id, cbc.id]);
        expect(await ids('status=preliminary')).toEqual([cbc.id]);
        expect(await ids(`identifier=${glucose.id},${cbc.id}`)).toEqual([glucose.id, cbc.id]);
        expect(await ids(`identifier=urn:other-system|${glucose.id}`)).toEqual([]);
        const obs = matches<Observation>(
          await bundle(
            `Observation?patient:identifier=${patient.system}|${patient.value}&code=http://loinc.org|15074-8&date=ge2026-02-15`,
          ),
        );
        expect(obs).toHaveLength(1);
        expect(obs[0]!.valueQuantity?.value).toBe(5.6);
      });

      it('returns subsetted resources for _elements, tagged SUBSETTED', async () => {
        const b = await bundle(`DiagnosticReport?identifier=${fixtures.single.id}&_elements=id`);
        const [dr] = matches<DiagnosticReport>(b);
        expect(Object.keys(dr!).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'status']);
        expect(dr!.meta?.tag?.map((t) => t.code)).toContain('SUBSETTED');
      });

      it('finds imaging studies by identifier, patient reference, modality and study date', async () => {
        const [ct, mr] = known;
        const uids = async (params: string) =>
          matches<ImagingStudy>(await bundle(`ImagingStudy?${params}`)).map((s) => s.id);
        const pid = ct!.patient.identifiers[0]!;
        expect(await uids(`identifier=urn:dicom:uid|urn:oid:${ct!.studyInstanceUid}`)).toEqual([
          ct!.studyInstanceUid,
        ]);
        expect(await uids(`patient:identifier=${pid.value}`)).toEqual([
          mr!.studyInstanceUid,
          ct!.studyInstanceUid,
        ]);
        expect(await uids(`patient:identifier=${pid.value}&modality=CT`)).toEqual([ct!.studyInstanceUid]);
        expect(await uids(`patient:identifier=${pid.value}&modality=urn:other|CT`)).toEqual([]);
        expect(await uids(`patient:identifier=${pid.value}&started=2025-02`)).toEqual([mr!.studyInstanceUid]);
        expect(
          await uids(`patient:identifier=${pid.value}&started=gt2025-01-10&started=lt2025-02-20`),
        ).toEqual([]);
        expect(
          await uids(`patient:identifier=${pid.value}&started=ge2025-01-10&started=le2025-01-10`),
        ).toEqual([ct!.studyInstanceUid]);
        const report = matches<DiagnosticReport>(
          await bundle(
            `DiagnosticReport?identifier=urn:lienthong:sid:imaging-report|${ct!.studyInstanceUid}`,
          ),
        );
        expect(report).toHaveLength(1);
        validateFhir(report[0]!);
        expect(await medplum.readResource('DiagnosticReport', report[0]!.id!)).toEqual(report[0]);
      });
    });

    describe('Endpoint', () => {
      it('reads and searches the DICOMweb Endpoints of a study, as its ImagingStudy contains them', async () => {
        const ct = known[0]!;
        const uid = ct.studyInstanceUid;
        const study = (await get(`ImagingStudy/${uid}`)).body as ImagingStudy;
        const contained = (study.contained ?? []).filter((r) => r.resourceType === 'Endpoint') as Endpoint[];
        expect(contained).toHaveLength(2);
        const wado = await medplum.readResource('Endpoint', uid);
        const qido = await medplum.readResource('Endpoint', uid.replaceAll('.', '-'));
        for (const [endpoint, code] of [
          [wado, 'dicom-wado-rs'],
          [qido, 'dicom-qido-rs'],
        ] as const) {
          validateFhir(endpoint);
          expect(endpoint.connectionType.code).toBe(code);
          const { id: _a, meta: _m, ...served } = endpoint;
          const { id: _b, ...inStudy } = contained.find((e) => e.connectionType.code === code)!;
          expect(served).toEqual(inStudy);
        }
        expect(wado.address).toBe(ct.endpoints.wadoRs);
        expect(wado.managingOrganization?.identifier?.value).toBe(ct.performingFacility!.code);

        const ids = async (params: string) =>
          matches<Endpoint>(await bundle(`Endpoint?${params}`)).map((e) => e.id);
        const both = `${uid},${qido.id}`;
        expect((await ids(`_id=${both}`)).sort()).toEqual([uid, qido.id].sort());
        expect(await ids(`_id=${both}&connection-type=dicom-qido-rs`)).toEqual([qido.id]);
        expect(await ids(`_id=${both}&connection-type=urn:other|dicom-qido-rs`)).toEqual([]);
        // The MR study has no Endpoints; unknown and foreign ids match nothing.
        expect(await ids(`_id=${known[1]!.studyInstanceUid},1.2.3.4.5,not-an-endpoint`)).toEqual([]);
        const [subsetted] = matches<Endpoint>(await bundle(`Endpoint?_id=${uid}&_elements=id`));
        expect(Object.keys(subsetted!).sort()).toEqual(
          ['address', 'connectionType', 'id', 'meta', 'payloadType', 'resourceType', 'status'].sort(),
        );
        expect((await get(`Endpoint/${known[1]!.studyInstanceUid}`)).status).toBe(404);
        expect((await get('Endpoint/1.2.3.4.5')).status).toBe(404);
        expect((await get('Endpoint/not-an-endpoint')).status).toBe(404);
      });

      it('writes one audit entry per Endpoint request, naming the study’s patient', async () => {
        const probe = `endpoint-probe-${run}`;
        const uid = known[0]!.studyInstanceUid;
        const headers = { 'x-user': probe };
        expect((await get(`Endpoint/${uid}`, headers)).status).toBe(200);
        expect((await get(`Endpoint?_id=${uid},${uid.replaceAll('.', '-')}`, headers)).status).toBe(200);
        expect((await get('Endpoint/1.2.3.4.5', headers)).status).toBe(404);
        const audit = await createHubClient({ baseUrl: hub.url, apiKey: ADMIN }).GET('/v1/audit', {
          query: { facility: '01001', limit: 1000 },
        });
        const entries = audit.items.filter((e) => e.userRef === probe);
        expect(entries.map((e) => [e.action, e.resourceType]).sort()).toEqual([
          ['fhir-read', 'Endpoint'],
          ['fhir-read', 'Endpoint'],
          ['fhir-search', 'Endpoint'],
        ]);
        const pid = known[0]!.patient.identifiers[0]!;
        const named = await createHubClient({ baseUrl: hub.url, apiKey: ADMIN }).GET('/v1/audit', {
          query: { patient: `${pid.system}|${pid.value}`, limit: 1000 },
        });
        // The read and the search of the study's Endpoints name its patient; the unknown one names none.
        expect(named.items.filter((e) => e.userRef === probe).map((e) => e.resourceId)).toEqual([null, uid]);
        expect(entries.find((e) => e.resourceId === '1.2.3.4.5')?.patientRef).toBeNull();
      });

      it('keeps the contained resources a subsetted ImagingStudy still points at, and only those', async () => {
        const uid = known[0]!.studyInstanceUid;
        const [withEndpoints] = matches<ImagingStudy>(
          await bundle(`ImagingStudy?identifier=urn:dicom:uid|urn:oid:${uid}&_elements=endpoint`),
        );
        validateFhir(withEndpoints!);
        expect(withEndpoints!.contained?.map((r) => r.id).sort()).toEqual(['dicom-qido-rs', 'dicom-wado-rs']);
        const [bare] = matches<ImagingStudy>(
          await bundle(`ImagingStudy?identifier=urn:dicom:uid|urn:oid:${uid}&_elements=started`),
        );
        validateFhir(bare!);
        expect(bare!.contained).toBeUndefined();
      });
    });

    describe('a patient with several identifiers', () => {
      const BHYT = 'http://fhir.ehealth.gov.vn/core/sid/insurance_number';
      const both = [
        { system: CCCD, value: '079203099881' },
        { system: BHYT, value: 'DN4790000000777' },
      ];
      let report: LabReport;
      beforeAll(async () => {
        // SYNTHETIC: a suite report re-keyed to a patient known by CCCD and BHYT, with no Patient resource.
        report = { ...strip(fixtures.single), id: `SYN-two-ids-${run}`, patient: { identifiers: both } };
        await createHubResultExchange({ baseUrl: hub.url, apiKey: ADMIN }).publish(report);
      });

      it('keeps every identifier: a contained Patient the fhir provider reads back', async () => {
        const [dr] = matches<DiagnosticReport>(await bundle(`DiagnosticReport?identifier=${report.id}`));
        validateFhir(dr!);
        expect(dr!.subject?.reference).toBe('#patient');
        expect(dr!.contained).toEqual([{ resourceType: 'Patient', id: 'patient', identifier: both }]);
        const x = exchange();
        expect((await x.get(report.id))?.patient.identifiers).toEqual(both);
        expect((await x.history(report.id)).map((r) => r.patient.identifiers)).toEqual([both]);
        // Its Observations (and Specimen) name the patient the same way.
        const included = await bundle(
          `DiagnosticReport?identifier=${report.id}&_include=DiagnosticReport:result`,
        );
        const observations = (included.entry ?? [])
          .map((e) => e.resource)
          .filter((r): r is Observation => r?.resourceType === 'Observation');
        expect(observations.length).toBeGreaterThan(0);
        for (const o of observations) {
          validateFhir(o);
          expect(o.subject?.reference).toBe('#patient');
          expect(o.contained).toEqual([{ resourceType: 'Patient', id: 'patient', identifier: both }]);
        }
      });

      it('the fhir provider finds it by the community VN Core URIs too (current URI and alias ORed)', async () => {
        const x = exchange();
        const old = [
          { system: 'http://fhir.hl7.org.vn/core/sid/cccd', value: both[0]!.value },
          { system: 'http://fhir.hl7.org.vn/core/sid/bhyt', value: both[1]!.value },
        ];
        for (const identifier of old) {
          const found: string[] = [];
          for await (const r of x.query({ patient: identifier })) found.push(r.id);
          expect(found, identifier.system).toEqual([report.id]);
        }
      });

      it('the fhir provider finds the report by either identifier, though no Patient resource exists', async () => {
        const paths: string[] = [];
        const x = exchange({
          fetch: (input, init) => {
            paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
            return fetch(input, init);
          },
        });
        for (const identifier of both) {
          const found: LabReport[] = [];
          for await (const r of x.query({ patient: identifier })) found.push(r);
          expect(
            found.map((r) => r.id),
            identifier.system,
          ).toEqual([report.id]);
          expect(found[0]!.patient.identifiers).toEqual(both);
        }
        // The statement declares subject:identifier: one search per query, no Patient lookup.
        expect(paths).toEqual(['/fhir/metadata', '/fhir/DiagnosticReport', '/fhir/DiagnosticReport']);
      });

      it('keeps the contained Patient only while a subsetted report still points at it', async () => {
        const [withSubject] = matches<DiagnosticReport>(
          await bundle(`DiagnosticReport?identifier=${report.id}&_elements=subject`),
        );
        validateFhir(withSubject!);
        expect(withSubject!.contained).toHaveLength(1);
        const [bare] = matches<DiagnosticReport>(
          await bundle(`DiagnosticReport?identifier=${report.id}&_elements=id`),
        );
        validateFhir(bare!);
        expect(bare!.contained).toBeUndefined();
      });
    });

    describe('versions', () => {
      it('serves every version of a corrected report: _history, vread, and the results each version had', async () => {
        const { original, correction } = fixtures.corrected;
        const [current] = matches<DiagnosticReport>(
          await bundle(`DiagnosticReport?identifier=${original.id}`),
        );
        expect(current!.meta?.versionId).toBe('2');
        const history = await bundle(`DiagnosticReport/${current!.id}/_history`);
        expect(history.type).toBe('history');
        validateFhir(history);
        const versions = history.entry!.map((e) => e.resource as DiagnosticReport);
        expect(versions.map((v) => v.meta?.versionId)).toEqual(['2', '1']);
        expect(versions.map((v) => v.status)).toEqual([correction.status, original.status]);
        const v1 = (await get(`DiagnosticReport/${current!.id}/_history/1`)).body as DiagnosticReport;
        expect(v1).toEqual(versions[1]);
        expect((await get(`DiagnosticReport/${current!.id}/_history/3`)).status).toBe(404);
        // The superseded version still points at the value it had.
        const oldResult = (await get(v1.result![0]!.reference!)).body as Observation;
        const newResult = (await get(current!.result![0]!.reference!)).body as Observation;
        validateFhir(oldResult);
        expect(oldResult.valueQuantity?.value).toBe(5.6);
        expect(newResult.valueQuantity?.value).toBe(7.1);
        const specimen = await get(v1.specimen![0]!.reference!);
        expect(specimen.status).toBe(200);
        validateFhir(specimen.body);
        expect((await get('Observation/unknown.0')).status).toBe(404);
      });
    });

    describe('the SDK fhir providers', () => {
      it('PatientDirectory reads the facade: one patient per search', async () => {
        const directory = createFhirPatientDirectory({ baseUrl: fhirBase, auth: bearerAuth(key) });
        const found = await directory.findByIdentifier({ system: CCCD, value: '001203012345' });
        expect(found?.name.given).toBe('An');
        const byIdentifier: unknown[] = [];
        for await (const p of directory.search({
          identifier: { system: CCCD, value: '001203012345' },
          family: 'nguyen',
        }))
          byIdentifier.push(p);
        expect(byIdentifier).toHaveLength(1);
        // Demographics alone name no patient: the facade refuses the search, the provider says why.
        const byName = (async () => {
          for await (const _ of directory.search({ family: 'nguyen' })) break;
        })();
        await expect(byName).rejects.toMatchObject({
          kind: 'validation',
          code: 'HUB_SEARCH_PATIENT_REQUIRED',
        });
      });

      it('ResultExchange reads back every published report unchanged (shape kept)', async () => {
        const x = exchange();
        const latest = new Map(fixtures.publish.map((r) => [r.id, r]));
        for (const r of latest.values()) {
          const back = await x.get(r.id);
          expect(back && strip(back), r.id).toEqual(r);
        }
      });

      it('ImagingRegistry reads back every published reference unchanged (shape kept)', async () => {
        const r = registry();
        for (const ref of known) expect(await r.get(ref.studyInstanceUid)).toEqual(ref);
        const found: ImagingReference[] = [];
        for await (const ref of r.query(
          { patientIdentifier: known[0]!.patient.identifiers[0]! },
          { pageSize: 1 },
        ))
          found.push(ref);
        expect(found).toEqual([known[1], known[0]]); // newest study first
      });

      it('ImagingRegistry narrows to the patient on the server: three requests, however many studies the hub holds', async () => {
        // SYNTHETIC studies of another patient: a walk over every study would read each one.
        const crowd = syntheticImagingReferences(`facade-crowd-${run}`);
        const others = Array.from({ length: 5 }, (_, i) => syntheticImagingReferences(`crowd-${i}-${run}`))
          .flat()
          .map((r) => ({ ...r, patient: crowd[0]!.patient }));
        const images = createHubImagingRegistry({ baseUrl: hub.url, apiKey: ADMIN });
        for (const r of others) await images.publish(r);
        const urls: URL[] = [];
        const counted = createFhirImagingRegistry({
          baseUrl: fhirBase,
          auth: bearerAuth(key),
          retry: false,
          fetch: (input, init) => {
            urls.push(new URL(input instanceof Request ? input.url : String(input)));
            return fetch(input, init);
          },
        });
        const pid = known[0]!.patient.identifiers[0]!;
        const found: ImagingReference[] = [];
        for await (const ref of counted.query({ patientIdentifier: { value: pid.value } })) found.push(ref);
        expect(found).toEqual([known[1], known[0]]);
        expect(urls.map((u) => u.pathname)).toEqual([
          '/fhir/metadata',
          '/fhir/ImagingStudy',
          '/fhir/DiagnosticReport',
        ]);
        expect(urls[1]!.searchParams.get('patient:identifier')).toBe(pid.value);
        expect(urls[2]!.searchParams.get('identifier')?.split(',')).toHaveLength(2);
      });

      it('writes exactly one audit entry per facade request that reads patient data', async () => {
        const probe = `audit-probe-${run}`;
        let requests = 0;
        const counting: typeof fetch = (input, init) => {
          const url = input instanceof Request ? input.url : String(input);
          if (!url.endsWith('/metadata')) requests++;
          return fetch(input, init);
        };
        const x = exchange({ headers: { 'x-user': probe }, fetch: counting });
        const { original } = fixtures.corrected;
        await x.get(original.id);
        await x.history(original.id);
        for await (const _ of x.query({ patient: fixtures.paging.patient }, { pageSize: 2 })) {
          // read every page
        }
        await x.get(`SYN-unknown-${run}`);
        const audit = await createHubClient({ baseUrl: hub.url, apiKey: ADMIN }).GET('/v1/audit', {
          query: { facility: '01001', limit: 1000 },
        });
        const entries = audit.items.filter((e) => e.userRef === probe);
        expect(requests).toBeGreaterThan(5);
        expect(entries).toHaveLength(requests);
        expect(entries.every((e) => e.action.startsWith('fhir-'))).toBe(true);
        // Reads of one patient's data name that patient.
        expect(entries.filter((e) => e.patientRef !== null).length).toBeGreaterThan(0);
      });

      it('refuses unauthenticated reads with an OperationOutcome', async () => {
        const r = await fetch(`${fhirBase}/Patient?identifier=${CCCD}|001203012345`);
        expect(r.status).toBe(401);
        expect(((await r.json()) as Resource).resourceType).toBe('OperationOutcome');
        const audit = await createHubClient({ baseUrl: hub.url, apiKey: ADMIN }).GET('/v1/audit', {
          query: { patient: `${CCCD}|001203012345`, limit: 1000 },
        });
        expect(audit.items.filter((e) => e.action.startsWith('fhir-')).length).toBeGreaterThanOrEqual(5);
      });
    });

    // The contract suites, read-only: the data was published through the hub API in beforeAll.
    describeResultExchangeConformance(`fhir provider on the hub facade (${dialect})`, () => exchange(), {
      options: { seed: fixtures },
    });
    describeImagingRegistryConformance(`fhir provider on the hub facade (${dialect})`, () => registry(), {
      options: { seed: known },
    });
  });
}
