// SYNTHETIC people only.
import { DEFAULT_IDENTIFIER_SYSTEMS as S } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import type { PatientRecord } from '../model/patient-record.js';
import { MATCH_THRESHOLDS, rankCandidates, scoreMatch } from './match.js';
import { jaroWinkler, nameWords, normaliseNameWord } from './names.js';

const an: PatientRecord = {
  id: '1',
  identifiers: [
    { system: S.cccd, value: '079085000001', kind: 'cccd' },
    { system: S.bhyt, value: 'DN4790000000001', kind: 'bhyt' },
  ],
  name: { family: 'Nguyễn', middle: 'Văn', given: 'An' },
  birthDate: '1985-03-12',
  sex: 'male',
  addresses: [{ provinceCode: '79' }],
  contacts: [{ system: 'phone', value: '0901234567' }],
};

describe('Vietnamese names', () => {
  it('folds diacritics and normalises variants', () => {
    expect(nameWords('NGUYỄN  Văn')).toEqual(['nguyen', 'van']);
    expect(normaliseNameWord('Huỳnh')).toBe(normaliseNameWord('Hoàng'));
    expect(normaliseNameWord('Võ')).toBe(normaliseNameWord('Vũ'));
    expect(normaliseNameWord('Vy')).toBe(normaliseNameWord('Vi'));
    expect(normaliseNameWord('Mỹ')).toBe(normaliseNameWord('Mĩ'));
    expect(normaliseNameWord('Thuỷ')).toBe('thuy'); // u+y is a vowel cluster, not the i/y variant
    expect(jaroWinkler('nguyen', 'nguen')).toBeGreaterThan(0.9);
  });
});

describe('scoreMatch', () => {
  it('is certain on an agreeing identifier', () => {
    const r = scoreMatch(
      { identifiers: [{ system: S.bhyt, value: 'dn4790000000001' }], name: an.name, birthDate: '1985-03-12' },
      an,
    );
    expect(r.grade).toBe('certain');
    expect(r.agreeing).toEqual(
      expect.arrayContaining([`identifier:${S.bhyt}`, 'family', 'given', 'birthDate']),
    );
  });

  it('reads the community VN Core URIs as the same systems (agreement and conflict)', () => {
    const old = scoreMatch(
      {
        identifiers: [{ system: 'http://fhir.hl7.org.vn/core/sid/bhyt', value: 'DN4790000000001' }],
        name: an.name,
      },
      an,
    );
    expect(old.grade).toBe('certain');
    // No `kind`: the old personal-ID URI alone says it is a personal ID, and another number conflicts.
    const conflict = scoreMatch(
      {
        identifiers: [{ system: 'http://fhir.hl7.org.vn/core/sid/cccd', value: '079085999999' }],
        name: an.name,
        birthDate: an.birthDate!,
      },
      an,
    );
    expect(conflict.grade).toBe('certainly-not');
  });

  it('grades full demographic agreement probable, never certain', () => {
    const r = scoreMatch(
      { name: { family: 'Nguyen', middle: 'Van', given: 'An' }, birthDate: '1985-03-12', sex: 'male' },
      an,
    );
    expect(r.grade).toBe('probable');
    expect(r.score).toBeLessThan(MATCH_THRESHOLDS.certain);
  });

  it('accepts a given-first name order', () => {
    const r = scoreMatch({ name: { text: 'An Nguyễn Văn' }, birthDate: '1985-03-12', sex: 'male' }, an);
    expect(r.agreeing).toContain('name-order');
    expect(r.score).toBeGreaterThanOrEqual(MATCH_THRESHOLDS.probable);
  });

  it('handles year-only birth dates and transposed day/month', () => {
    expect(scoreMatch({ name: an.name, birthDate: '1985', sex: 'male' }, an).agreeing).toContain('birthYear');
    const t = scoreMatch({ name: an.name, birthDate: '1985-12-03', sex: 'male' }, an);
    expect(t.agreeing).toContain('birthDate-transposed');
    expect(t.grade).not.toBe('certainly-not');
  });

  it('rejects a different personal ID number and a different person', () => {
    const conflict = scoreMatch(
      {
        identifiers: [{ system: S.cccd, value: '079085999999', kind: 'cccd' }],
        name: an.name,
        birthDate: an.birthDate!,
      },
      an,
    );
    expect(conflict.grade).toBe('certainly-not');
    expect(conflict.disagreeing).toContain(`identifier:${S.cccd}`);
    const other = scoreMatch(
      { name: { family: 'Trần', middle: 'Thị', given: 'Bình' }, birthDate: '1990-01-01', sex: 'female' },
      an,
    );
    expect(other.grade).toBe('certainly-not');
  });

  it('one agreeing field proves little', () => {
    expect(scoreMatch({ sex: 'male' }, an).grade).toBe('certainly-not');
  });

  it('ranks candidates best first and drops the weak', () => {
    const binh: PatientRecord = {
      id: '2',
      identifiers: [{ system: S.cccd, value: '001190000002' }],
      name: { family: 'Trần', middle: 'Thị', given: 'Bình' },
      birthDate: '1990',
      sex: 'female',
    };
    const ranked = rankCandidates(
      { name: { family: 'Nguyễn', given: 'An' }, birthDate: '1985-03-12', sex: 'male' },
      [binh, an],
    );
    expect(ranked.map((c) => c.record.id)).toEqual(['1']);
  });
});
