import { describePatientDirectoryConformance, patientDirectoryFixtures } from '@lienthong/conformance';
import { type FhirTestServer, startFhirTestServer } from '@lienthong/conformance/fhir';
import { DEFAULT_IDENTIFIER_SYSTEMS, type Patient } from '@lienthong/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  createFhirPatientDirectory({ baseUrl: server.baseUrl }),
);

describe('fhir provider specifics', () => {
  it('reads the CapabilityStatement once and falls back to searches for $match and $ihe-pix', async () => {
    const directory = createFhirPatientDirectory({ baseUrl: server.baseUrl });
    const [an] = patientDirectoryFixtures('fhir-specific');
    await directory.upsert(an!);
    const before = server.requests.length;
    const ids = await directory.crossReference(an!.identifiers[0]!);
    expect(ids?.map((i) => i.system)).toContain(DEFAULT_IDENTIFIER_SYSTEMS.bhyt);
    await directory.match({ identifiers: [an!.identifiers[0]!] });
    const seen = server.requests.slice(before);
    expect(seen.filter((r) => r.startsWith('GET /fhir/metadata'))).toHaveLength(1);
    expect(seen.some((r) => r.includes('$'))).toBe(false);
  });

  it('pages with _count (and _offset when the server gives a total but no next link)', async () => {
    const directory = createFhirPatientDirectory({ baseUrl: server.baseUrl });
    for (const r of patientDirectoryFixtures('fhir-paging')) await directory.upsert(r);
    const before = server.requests.length;
    const found = [];
    for await (const r of directory.search({ family: 'Nguyễn' }, { pageSize: 1 })) found.push(r);
    expect(found.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.slice(before).filter((r) => r.includes('_offset=')).length).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('stores a FHIR Patient with VN Core identifier systems', async () => {
    const directory = createFhirPatientDirectory({ baseUrl: server.baseUrl });
    const [, binh] = patientDirectoryFixtures('fhir-shape');
    const { record } = await directory.upsert(binh!);
    const stored = await server.repo.readResource('Patient', record.id!);
    expect(stored).toMatchObject({
      resourceType: 'Patient',
      birthDate: '1990',
      gender: 'female',
      name: [{ family: 'Trần', given: ['Thị', 'Bình'] }],
    });
    expect((stored as { identifier: { system: string }[] }).identifier.map((i) => i.system)).toContain(
      'http://fhir.ehealth.gov.vn/core/sid/national_id',
    );
  });

  it('finds a Patient stored with the community VN Core URI by the current one, and reads it canonical', async () => {
    const directory = createFhirPatientDirectory({ baseUrl: server.baseUrl });
    // SYNTHETIC Patient, written straight to the server as an older client wrote it.
    await server.repo.createResource<Patient>({
      resourceType: 'Patient',
      identifier: [{ system: 'http://fhir.hl7.org.vn/core/sid/cccd', value: '079085000777' }],
      name: [{ family: 'Lê', given: ['Cũ'] }],
    });
    const found = await directory.findByIdentifier({
      system: DEFAULT_IDENTIFIER_SYSTEMS.cccd,
      value: '079085000777',
    });
    expect(found?.identifiers).toEqual([
      { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '079085000777', kind: 'cccd' },
    ]);
    const searched = [];
    for await (const r of directory.search({
      identifier: { system: 'http://fhir.hl7.org.vn/core/sid/cccd', value: '079085000777' },
    }))
      searched.push(r.id);
    expect(searched).toEqual([found?.id]);
  });
});

describe('fhir provider on a server that declares $match and $ihe-pix', () => {
  let withOps: FhirTestServer;
  beforeAll(async () => {
    withOps = await startFhirTestServer({
      operations: [
        { name: 'match', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-match' },
        { name: 'ihe-pix', definition: 'https://profiles.ihe.net/ITI/PIXm/OperationDefinition/IHE.PIXm.pix' },
      ],
      handlers: {
        // Minimal operation implementations for the test (the router has none).
        'POST Patient/$match': async ({ repo }) => {
          const all = await repo.search({ resourceType: 'Patient' });
          return [200, { resourceType: 'Bundle', type: 'searchset', entry: all.entry ?? [] }];
        },
        'GET Patient/$ihe-pix': async ({ query, repo }) => {
          const [system, value] = (query.get('sourceIdentifier') ?? '').split('|');
          const all = await repo.search({ resourceType: 'Patient' });
          const patients = (all.entry ?? []).map((e) => e.resource as Patient);
          const hit = patients.find((p) =>
            p.identifier?.some((i) => i.system === system && i.value === value),
          );
          if (!hit)
            return [
              404,
              { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] },
            ];
          const targets = query.getAll('targetSystem');
          return [
            200,
            {
              resourceType: 'Parameters',
              parameter: hit
                .identifier!.filter((i) => !(i.system === system && i.value === value))
                .filter((i) => targets.length === 0 || targets.includes(i.system!))
                .map((i) => ({ name: 'targetIdentifier', valueIdentifier: i })),
            },
          ];
        },
      },
    });
  });
  afterAll(async () => {
    await withOps.close();
  });

  it('calls the declared operations instead of searching', async () => {
    const directory = createFhirPatientDirectory({ baseUrl: withOps.baseUrl });
    const [an] = patientDirectoryFixtures('fhir-ops');
    await directory.upsert(an!);
    const before = withOps.requests.length;
    const ids = await directory.crossReference(an!.identifiers[0]!, {
      targetSystems: [DEFAULT_IDENTIFIER_SYSTEMS.bhyt],
    });
    expect(ids).toEqual([expect.objectContaining({ system: DEFAULT_IDENTIFIER_SYSTEMS.bhyt, kind: 'bhyt' })]);
    expect(
      await directory.crossReference({ system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '079085999999' }),
    ).toBeUndefined();
    const candidates = await directory.match({
      identifiers: [an!.identifiers[1]!],
      name: an!.name,
      birthDate: an!.birthDate!,
    });
    expect(candidates[0]?.grade).toBe('certain');
    const seen = withOps.requests.slice(before);
    expect(seen.some((r) => r.startsWith('GET /fhir/Patient/$ihe-pix'))).toBe(true);
    expect(seen.some((r) => r.startsWith('POST /fhir/Patient/$match'))).toBe(true);
    expect(seen.some((r) => r.startsWith('GET /fhir/Patient?'))).toBe(false);
  });
});
