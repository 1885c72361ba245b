import { describePatientDirectoryConformance, patientDirectoryFixtures } from '@lienthong/conformance';
import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FhirTestServer, startFhirTestServer } from '../../test/fhir-server.js';
import { createFhirPatientDirectory } from './directory.js';

let server: FhirTestServer;
beforeAll(async () => {
  server = await startFhirTestServer();
});
afterAll(async () => {
  await server.close();
});

// The same suite as every provider, over HTTP against Medplum's FHIR router (not written here).
describePatientDirectoryConformance('fhir (Medplum fhir-router over HTTP)', () =>
  createFhirPatientDirectory({ baseUrl: server.url }),
);

describe('fhir provider specifics', () => {
  it('reads the CapabilityStatement once and falls back to searches for $match and $ihe-pix', async () => {
    const directory = createFhirPatientDirectory({ baseUrl: server.url });
    const [an] = patientDirectoryFixtures('fhir-specific');
    await directory.upsert!(an!);
    const before = server.requests.length;
    const ids = await directory.crossReference(an!.identifiers[0]!);
    expect(ids?.map((i) => i.system)).toContain(DEFAULT_IDENTIFIER_SYSTEMS.bhyt);
    await directory.match({ identifiers: [an!.identifiers[0]!] });
    const seen = server.requests.slice(before);
    expect(seen.filter((r) => r.startsWith('GET /fhir/metadata'))).toHaveLength(1);
    expect(seen.some((r) => r.includes('$'))).toBe(false);
  });

  it('pages with _count (and _offset when the server gives a total but no next link)', async () => {
    const directory = createFhirPatientDirectory({ baseUrl: server.url });
    for (const r of patientDirectoryFixtures('fhir-paging')) await directory.upsert!(r);
    const before = server.requests.length;
    const found = [];
    for await (const r of directory.search({ family: 'Nguyễn' }, { pageSize: 1 })) found.push(r);
    expect(found.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.slice(before).filter((r) => r.includes('_offset=')).length).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('stores a FHIR Patient with VN Core identifier systems', async () => {
    const directory = createFhirPatientDirectory({ baseUrl: server.url });
    const [, binh] = patientDirectoryFixtures('fhir-shape');
    const { record } = await directory.upsert!(binh!);
    const stored = await server.repo.readResource('Patient', record.id!);
    expect(stored).toMatchObject({
      resourceType: 'Patient',
      birthDate: '1990',
      gender: 'female',
      name: [{ family: 'Trần', given: ['Thị', 'Bình'] }],
    });
    expect((stored as { identifier: { system: string }[] }).identifier.map((i) => i.system)).toContain(
      'http://fhir.hl7.org.vn/core/sid/cccd',
    );
  });
});
