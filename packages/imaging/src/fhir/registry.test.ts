import { describeImagingRegistryConformance } from '@lienthong/conformance';
import { type FhirTestServer, startFhirTestServer, validateFhir } from '@lienthong/conformance/fhir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFhirImagingRegistry } from './registry.js';

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
});
