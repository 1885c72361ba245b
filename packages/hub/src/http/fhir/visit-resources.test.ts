import { describe, expect, it } from 'vitest';
import { parseVisitFhirId, parseVisitPartId, visitFhirId } from './visit-resources.js';

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

describe('visit FHIR ids', () => {
  it('spells a plain key as <facility>.<MA_LK>, and reads it back', () => {
    const id = visitFhirId('01001:SYN-LK.0001');
    expect(id).toBe('01001.SYN-LK.0001');
    expect(parseVisitFhirId(id)).toEqual({ key: '01001:SYN-LK.0001' });
  });

  it('names a key of other characters, or too long, by a digest under its facility', () => {
    for (const key of ['01001:SYN_LK/1', `01001:${'A'.repeat(60)}`]) {
      const id = visitFhirId(key);
      expect(id).toMatch(/^01001\.h-[0-9a-f]{32}$/);
      expect(parseVisitFhirId(id)).toMatchObject({ digest: { facility: '01001' } });
    }
    // A facility code that is no id either: a bare digest, looked up among every facility's keys.
    expect(visitFhirId('BV Á:SYN-1')).toMatch(/^h-[0-9a-f]{32}$/);
    expect(parseVisitFhirId(visitFhirId('BV Á:SYN-1'))).toEqual({ digest: {} });
  });

  it('leaves room for the parts of a visit within the 64 characters of an id', () => {
    const base = visitFhirId(`SYN01:${'L'.repeat(32)}`);
    const part = `${base}.v999999.MABENHYHCT-9999`;
    expect(part).toMatch(FHIR_ID);
    expect(parseVisitPartId(part)).toEqual({ visitId: base, version: 999999 });
    // An MA_LK that looks like a part id keeps the whole base.
    expect(parseVisitPartId('SYN01.A.v1.B.v2.MABENHCHINH')).toEqual({ visitId: 'SYN01.A.v1.B', version: 2 });
  });

  it('reads nothing from ids that are none of ours', () => {
    expect(parseVisitFhirId('nodot')).toBeUndefined();
    expect(parseVisitFhirId('.x')).toBeUndefined();
    expect(parseVisitFhirId('x.')).toBeUndefined();
    expect(parseVisitPartId('SYN01.A')).toBeUndefined();
  });
});
