import { describePatientDirectoryConformance } from '@lienthong/conformance';
import { createIdentifierSystems, DEFAULT_IDENTIFIER_SYSTEMS as S } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { createMemoryPatientDirectory } from './memory.js';

describePatientDirectoryConformance('memory', () => createMemoryPatientDirectory());

// SYNTHETIC person; the URIs are the community VN Core ones the SDK wrote by default before.
const OLD_CCCD = 'http://fhir.hl7.org.vn/core/sid/cccd';
const OLD_BHYT = 'http://fhir.hl7.org.vn/core/sid/bhyt';
const an = {
  identifiers: [
    { system: OLD_CCCD, value: '079085000001' },
    { system: OLD_BHYT, value: 'DN4790000000001' },
  ],
  name: { family: 'Nguyễn', given: 'An' },
};

describe('memory directory and older identifier-system URIs', () => {
  it('stores a record written with the old URIs under the current ones, found by either', async () => {
    const directory = createMemoryPatientDirectory({ seed: [an] });
    const byNew = await directory.findByIdentifier({ system: S.cccd, value: '079085000001' });
    expect(byNew?.identifiers.map((i) => i.system)).toEqual([S.cccd, S.bhyt]);
    expect(await directory.findByIdentifier({ system: OLD_CCCD, value: '079085000001' })).toEqual(byNew);
    const found = [];
    for await (const r of directory.search({ identifier: { system: OLD_BHYT, value: 'DN4790000000001' } }))
      found.push(r.id);
    expect(found).toEqual([byNew?.id]);
    expect(
      await directory.crossReference(
        { system: OLD_CCCD, value: '079085000001' },
        { targetSystems: [OLD_BHYT] },
      ),
    ).toEqual([{ system: S.bhyt, value: 'DN4790000000001' }]);
    const [candidate] = await directory.match({
      identifiers: [{ system: S.bhyt, value: 'DN4790000000001' }],
    });
    expect(candidate?.record.id).toBe(byNew?.id);
  });

  it('treats a new-URI write of the same number as the same patient (unchanged)', async () => {
    const directory = createMemoryPatientDirectory({ seed: [an] });
    const again = await directory.upsert({
      ...an,
      identifiers: an.identifiers.map((i) => ({ ...i, system: i.system === OLD_CCCD ? S.cccd : S.bhyt })),
    });
    expect(again.outcome).toBe('unchanged');
  });

  it('keeps a deployment’s own URIs and reads the VN Core ones as aliases of them', async () => {
    const systems = createIdentifierSystems({ cccd: OLD_CCCD });
    const directory = createMemoryPatientDirectory({ seed: [an], systems });
    const found = await directory.findByIdentifier({ system: S.cccd, value: '079085000001' });
    expect(found?.identifiers.map((i) => i.system)).toEqual([OLD_CCCD, S.bhyt]);
  });
});
