import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateDicomUid, isDicomUid, safeParseDicomUid } from './uid.js';

describe('DICOM UID properties', () => {
  it('every generated UID is valid, whatever the UUID', () => {
    fc.assert(
      fc.property(fc.uuid({ version: 4 }), (uuid) => {
        const uid = generateDicomUid(() => uuid);
        expect(isDicomUid(uid)).toBe(true);
        expect(uid.length).toBeLessThanOrEqual(44);
      }),
    );
    for (let i = 0; i < 1000; i++) expect(isDicomUid(generateDicomUid())).toBe(true);
  });

  it('parse agrees with the guard and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9.]{0,70}$/), fc.anything()), (value) => {
        const r = safeParseDicomUid(value);
        expect(r.ok).toBe(isDicomUid(value));
      }),
    );
  });
});
