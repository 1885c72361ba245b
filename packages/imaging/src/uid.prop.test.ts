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

  it('parse agrees with the guard once the padding is removed, and never throws', () => {
    // Parsing removes trailing NUL/space padding (as DICOM files store a UID); the guard takes the
    // text as it is. A found counterexample, kept: '0 '.
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^[0-9.]{0,70}[\0 ]{0,2}$/), fc.anything()),
        (value) => {
          const r = safeParseDicomUid(value);
          const unpadded = typeof value === 'string' ? value.replace(/[\0 ]+$/, '') : value;
          expect(r.ok).toBe(isDicomUid(unpadded));
          if (r.ok) expect(r.value).toBe(unpadded);
        },
      ),
      { examples: [['0 '], ['1.2.840.10008.1.2.1\0'], ['1.2 3']] },
    );
  });
});
