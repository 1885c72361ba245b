import { describeImagingRegistryConformance } from '@lienthong/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFhirServer, type TestFhirServer } from '../../test/fhir-server.js';
import { validateFhir } from '../../test/fhir-validate.js';
import { createFhirImagingRegistry } from './registry.js';

let server: TestFhirServer;
beforeAll(async () => {
  server = await startFhirServer();
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
