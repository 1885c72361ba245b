import { describeImagingRegistryConformance } from '@lienthong/conformance';
import {
  capabilityStatementDeclaring,
  type FhirTestServer,
  startFhirTestServer,
  validateFhir,
} from '@lienthong/conformance/fhir';
import { readServerCapabilities } from '@lienthong/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFhirImagingRegistry,
  IMAGING_REFERENCE_VERSION_EXTENSION,
  imagingPatientParams,
} from './registry.js';

let server: FhirTestServer;
beforeAll(async () => {
  server = await startFhirTestServer();
});
afterAll(async () => {
  await server?.close();
});

describeImagingRegistryConformance('fhir (Medplum fhir-router over HTTP)', () =>
  createFhirImagingRegistry({ baseUrl: server.baseUrl, retry: false }),
);

describe('fhir imaging registry storage', () => {
  it('stores valid ImagingStudy and DiagnosticReport resources', async () => {
    const { syntheticImagingReferences } = await import('@lienthong/conformance');
    const registry = createFhirImagingRegistry({ baseUrl: server.baseUrl, retry: false });
    const [ref] = syntheticImagingReferences('storage');
    await registry.publish(ref!);
    const bundle = (await (
      await fetch(`${server.baseUrl}/ImagingStudy?identifier=urn:dicom:uid|urn:oid:${ref!.studyInstanceUid}`)
    ).json()) as { entry: { resource: never }[] };
    expect(bundle.entry).toHaveLength(1);
    validateFhir(bundle.entry[0]!.resource);
    const reports = (await (
      await fetch(
        `${server.baseUrl}/DiagnosticReport?identifier=urn:lienthong:sid:imaging-report|${ref!.studyInstanceUid}`,
      )
    ).json()) as { entry: { resource: never }[] };
    expect(reports.entry).toHaveLength(1);
    validateFhir(reports.entry[0]!.resource);
  });

  it('writes and reads the extension URLs it is configured with', async () => {
    const { syntheticImagingReferences } = await import('@lienthong/conformance');
    const extensions = {
      performingFacility: 'https://fhir.example.vn/StructureDefinition/performing-facility',
    };
    const registry = createFhirImagingRegistry({ baseUrl: server.baseUrl, retry: false, extensions });
    const ref = syntheticImagingReferences('extensions').find((r) => r.performingFacility)!;
    await registry.publish(ref);
    const bundle = (await (
      await fetch(`${server.baseUrl}/ImagingStudy?identifier=urn:dicom:uid|urn:oid:${ref.studyInstanceUid}`)
    ).json()) as { entry: { resource: { extension?: { url: string }[] } }[] };
    expect(bundle.entry[0]!.resource.extension?.map((e) => e.url)).toEqual([
      extensions.performingFacility,
      'urn:lienthong:fhir:ext:imaging-completeness',
      IMAGING_REFERENCE_VERSION_EXTENSION,
    ]);
    expect((await registry.get(ref.studyInstanceUid))?.performingFacility).toEqual(ref.performingFacility);
  });
});

describe('fhir imaging registry query', () => {
  /** SYNTHETIC studies: `sets` × (a CT with a signed report, an MR without) for one patient. */
  async function studiesOf(patient: string, sets: number) {
    const { syntheticImagingReferences } = await import('@lienthong/conformance');
    return Array.from({ length: sets }, (_, i) =>
      syntheticImagingReferences(`${patient}-${i}`).map((r) => ({
        ...r,
        patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:conformance', value: patient }] },
      })),
    ).flat();
  }

  it('asks the server a number of requests that does not grow with the number of studies', async () => {
    // This server declares no patient search: studies are filtered on the client, a page at a time.
    const fhir = await startFhirTestServer();
    try {
      const writer = createFhirImagingRegistry({ baseUrl: fhir.baseUrl, retry: false });
      const publish = async (patient: string, sets: number) => {
        for (const r of await studiesOf(patient, sets)) await writer.publish(r);
      };
      const requestsFor = async (patient: string) => {
        const registry = createFhirImagingRegistry({ baseUrl: fhir.baseUrl, retry: false });
        const before = fhir.requests.length;
        const found = [];
        for await (const r of registry.query({ patientIdentifier: { value: patient } })) found.push(r);
        return { found, requests: fhir.requests.slice(before).map((r) => r.split('?')[0]) };
      };
      await publish('SYN-A', 1);
      await publish('SYN-OTHER', 4);
      const first = await requestsFor('SYN-A');
      await publish('SYN-A', 9);
      await publish('SYN-OTHER', 6);
      const later = await requestsFor('SYN-A');
      expect(first.found).toHaveLength(2);
      expect(later.found).toHaveLength(20);
      expect(later.found.filter((r) => r.report?.conclusion === 'Normal')).toHaveLength(10);
      // The statement, a page of studies, the reports of the page's matches in one search.
      const expected = ['GET /fhir/metadata', 'GET /fhir/ImagingStudy', 'GET /fhir/DiagnosticReport'];
      expect(first.requests).toEqual(expected);
      expect(later.requests).toEqual(expected);
    } finally {
      await fhir.close();
    }
  });
});

describe('imagingPatientParams', () => {
  const declaring = (...names: string[]) =>
    readServerCapabilities(capabilityStatementDeclaring('ImagingStudy', names));
  const patient = { system: 'urn:example:mrn', value: 'P,1' };

  it('narrows on the server only by a declared identifier modifier', () => {
    expect(imagingPatientParams(declaring('patient', 'patient:identifier'), patient)).toEqual({
      'patient:identifier': 'urn:example:mrn|P\\,1',
    });
    expect(imagingPatientParams(declaring('subject:identifier'), { value: 'P1' })).toEqual({
      'subject:identifier': 'P1',
    });
    // A chain reaches only studies pointing at a Patient resource; `patient` alone says nothing of modifiers.
    expect(imagingPatientParams(declaring('patient', 'patient.identifier'), patient)).toEqual({});
    expect(imagingPatientParams(readServerCapabilities(undefined), patient)).toEqual({});
  });
});
