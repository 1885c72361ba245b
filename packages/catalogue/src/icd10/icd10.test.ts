import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { validateWithMedplum, validateWithSchema } from '../../test/fhir-validate.js';
import { icd10Rows } from '../../test/icd10-data.js';
import { loadBundledRelease } from '../bundled.js';
import { createCatalogue } from '../catalogue.js';
import { lookupOperation, toFhirCodeSystem } from '../fhir/index.js';
import { type DiagnosisCheck, dotlessIcd10Code, loadIcd10, normalizeIcd10Code } from './index.js';

const icd10 = await loadIcd10();
const release = await loadBundledRelease('icd10-vn');
const catalogue = createCatalogue([release]);
const list = icd10Rows('list');
const ageSex = icd10Rows('ageSexRestrictions');
const nameOf = (code: string) =>
  list.find((r) => r.disease_code.replace(/[*†]$/, '') === code)!.disease_name_vi;
const reasonCodes = (check: DiagnosisCheck) => check.reasons.map((r) => r.code);
/** The first code of an appendix that the list has, in the list's spelling (`O00.0`). */
const firstListed = (appendix: string) =>
  normalizeIcd10Code(
    ageSex.find((r) => r.appendix === appendix && icd10.lookup(r.code) !== undefined)!.code,
  )!;

describe('the bundled icd10-vn release', () => {
  it('is the release loadIcd10 uses, with system http://hl7.org/fhir/sid/icd-10 and no English titles', () => {
    expect(icd10.release).toBe(release);
    expect(release.system).toMatchObject({
      id: 'icd10-vn',
      uri: 'http://hl7.org/fhir/sid/icd-10',
      version: 'QD4469-2020',
    });
    expect(release.system.licenceNote).toMatch(/WHO/);
    expect(release.concepts.filter((c) => c.displayEn !== undefined)).toEqual([]);
    expect(release.concepts).toHaveLength(12433);
  });

  it('looks a code up with or without the dot, as the insurance files write it', () => {
    for (const code of ['A00.0', 'J18.9', 'I21.9', 'M01.00']) {
      const dotless = dotlessIcd10Code(code)!;
      expect(catalogue.lookup('icd10-vn', dotless)).toBe(catalogue.lookup('icd10-vn', code));
      expect(catalogue.lookup('http://hl7.org/fhir/sid/icd-10', code)?.display).toBe(nameOf(code));
      expect(icd10.lookup(dotless)?.code).toBe(code);
    }
    expect(catalogue.lookup('icd10-vn', 'j189')?.code).toBe('J18.9');
    expect(catalogue.lookup('icd10-vn', 'J18.99')).toBeUndefined();
  });

  it('"viem phoi" finds the pneumonia codes J12–J18 first; codes without the dot are found exactly', () => {
    for (const query of ['viem phoi', 'VIÊM PHỔI', 'viem phoi khong dac hieu']) {
      const hits = catalogue.search(query, { systems: ['icd10-vn'], limit: 5 });
      expect(hits).toHaveLength(5);
      for (const hit of hits) expect(hit.code >= 'J12' && hit.code < 'J19').toBe(true);
    }
    expect(catalogue.search('viem phoi khong dac hieu', { limit: 1 })[0]?.code).toBe('J18.9');
    expect(catalogue.search('J189', { limit: 1 })[0]).toMatchObject({ code: 'J18.9', match: 'code' });
    expect(catalogue.search('j18', { limit: 6 }).map((h) => h.code)).toEqual([
      'J18',
      'J18.0',
      'J18.1',
      'J18.2',
      'J18.8',
      'J18.9',
    ]);
    expect(catalogue.search('sot xuat huyet dengue', { limit: 1 })[0]?.code).toBe('A97');
    // One typo, as in the technique catalogue: swapped, doubled or wrong letters.
    for (const typo of ['viem phoi khong dac hiue', 'viem phoi khong dac hieuu'])
      expect(catalogue.search(typo, { limit: 1 })[0]?.code).toBe('J18.9');
    expect(catalogue.search('sot xuat huyet denge', { limit: 1 })[0]?.code).toBe('A97');
  });

  it('navigates chapter → group → category → subcategory', () => {
    expect(icd10.ancestors('J189').map((c) => c.code)).toEqual(['J00-J99', 'J09-J18', 'J18']);
    expect(icd10.parent('J18.9')?.code).toBe('J18');
    const children = list.filter((r) => /^J18\.\d$/.test(r.disease_code)).map((r) => r.disease_code);
    expect(icd10.children('J18').map((c) => c.code)).toEqual(children);
    expect(icd10.roots().map((c) => c.code)).toEqual([...new Set(list.map((r) => r.chapter_code))]);
    expect(icd10.children('C00-C97').map((c) => c.code)).toEqual([
      'C00-C75',
      'C76-C80',
      'C81-C96',
      'C97-C97',
    ]);
    expect(icd10.lookup('J00-J99')?.properties?.level).toBe('chapter');
    expect(icd10.children('M01.0').map((c) => c.code)[0]).toBe('M01.00');
  });

  it('exports as a FHIR CodeSystem with the Vietnamese display as a vi designation, valid for Medplum and the R4 schema', () => {
    const codeSystem = toFhirCodeSystem(release);
    expect(codeSystem).toMatchObject({ url: 'http://hl7.org/fhir/sid/icd-10', count: 12433 });
    const j189 = codeSystem.concept?.find((c) => c.code === 'J18.9');
    expect(j189?.designation).toEqual([{ language: 'vi', value: nameOf('J18.9') }]);
    expect(j189?.property).toContainEqual({ code: 'parent', valueCode: 'J18' });
    expect(validateWithSchema(codeSystem).valid).toBe(true);
    const slice = toFhirCodeSystem({ ...release, concepts: release.concepts.slice(0, 400) });
    expect(() => validateWithMedplum(slice as Resource)).not.toThrow();
    const lookup = lookupOperation(catalogue, { system: 'http://hl7.org/fhir/sid/icd-10', code: 'J189' });
    expect(lookup.parameter).toContainEqual({ name: 'display', valueString: nameOf('J18.9') });
  });
});

describe('checkDiagnosis against the Ministry’s tables', () => {
  it('a code the tables do not restrict is fine in either role', () => {
    for (const role of ['main', 'secondary'] as const)
      expect(icd10.checkDiagnosis('J189', { role, sex: 'male', ageYears: 70 })).toMatchObject({
        ok: true,
        reasons: [],
        concept: { code: 'J18.9' },
      });
  });

  it('a male patient with a pregnancy or delivery code (A4.1, female only) is a sex mismatch', () => {
    const code = firstListed('A4.1');
    // A delivery code of chapter XV as appendix A4.1 lists it (O800 → O80.0).
    const delivery = ageSex.find((r) => r.appendix === 'A4.1' && r.code.startsWith('O80'))!.code;
    const check = icd10.checkDiagnosis(delivery, { role: 'main', sex: 'male' });
    expect(check.concept?.code).toBe(normalizeIcd10Code(delivery));
    expect(check.ok).toBe(false);
    expect(check.reasons).toEqual([
      expect.objectContaining({
        code: 'ICD10_SEX_MISMATCH',
        severity: 'error',
        rule: expect.objectContaining({ appendix: 'A4.1' }),
      }),
    ]);
    expect(check.reasons[0]!.messageVi).toMatch(/nữ/);
    expect(icd10.checkDiagnosis(code, { role: 'main', sex: 'female' }).reasons).toEqual([]);
    expect(icd10.checkDiagnosis(code, { role: 'main', sex: 'unknown' }).reasons).toEqual([]);
    expect(
      reasonCodes(icd10.checkDiagnosis(firstListed('A4.2'), { role: 'secondary', sex: 'female' })),
    ).toEqual(['ICD10_SEX_MISMATCH']);
  });

  it('appendix A2 codes may not be the main diagnosis; an asterisk code names its dagger partners (A1)', () => {
    const notMain = new Set(icd10Rows('notMainDiagnosis').map((r) => r.code));
    const pairs = icd10Rows('daggerAsteriskPairs');
    const asterisk = pairs.find(
      (r) => notMain.has(r.asterisk_code) && icd10.lookup(r.asterisk_code),
    )!.asterisk_code;
    const main = icd10.checkDiagnosis(asterisk, { role: 'main' });
    expect(main.reasons).toEqual([
      expect.objectContaining({
        code: 'ICD10_NOT_MAIN_DIAGNOSIS',
        severity: 'error',
        rule: expect.objectContaining({ appendix: 'A2' }),
      }),
    ]);
    const daggers = pairs
      .filter((r) => r.asterisk_code === asterisk)
      .map((r) => normalizeIcd10Code(r.dagger_code));
    expect(main.reasons[0]!.suggestions).toEqual([...new Set(daggers)]);
    expect(icd10.checkDiagnosis(asterisk, { role: 'secondary' }).reasons).toEqual([]);
    // D63* is marked * in the list, but A2 lists its subcategories only: a warning, not an error.
    expect(icd10.checkDiagnosis('D63', { role: 'main' })).toMatchObject({
      ok: true,
      reasons: [expect.objectContaining({ code: 'ICD10_ASTERISK_NOT_MAIN', severity: 'warning' })],
    });
  });

  it('ages outside an appendix range are refused, exactly from birth and visit dates', () => {
    const newborn = firstListed('A3.1'); // 0 - 365 days
    expect(
      icd10.checkDiagnosis(newborn, { role: 'main', birthDate: '2025-01-01', onDate: '2025-06-01' }).ok,
    ).toBe(true);
    const late = icd10.checkDiagnosis(newborn, {
      role: 'main',
      birthDate: '2020-01-01',
      onDate: '2022-01-01',
    });
    expect(late.reasons).toEqual([
      expect.objectContaining({
        code: 'ICD10_AGE_OUT_OF_RANGE',
        rule: expect.objectContaining({ appendix: 'A3.1' }),
      }),
    ]);
    expect(reasonCodes(icd10.checkDiagnosis(newborn, { role: 'main', ageYears: 5 }))).toEqual([
      'ICD10_AGE_OUT_OF_RANGE',
    ]);
    // One completed year may or may not be within 365 days: said, not guessed.
    expect(icd10.checkDiagnosis(newborn, { role: 'main', ageYears: 1 })).toMatchObject({
      ok: true,
      reasons: [expect.objectContaining({ code: 'ICD10_AGE_UNDETERMINED', severity: 'warning' })],
    });
    const adult = firstListed('A3.10'); // over 30 years
    expect(reasonCodes(icd10.checkDiagnosis(adult, { role: 'main', ageYears: 30 }))).toEqual([
      'ICD10_AGE_OUT_OF_RANGE',
    ]);
    expect(icd10.checkDiagnosis(adult, { role: 'main', ageYears: 31 }).ok).toBe(true);
  });

  it('unknown, malformed and non-diagnosis codes are reasons; a call it cannot read is a ValidationError', () => {
    expect(reasonCodes(icd10.checkDiagnosis('Z99.99', { role: 'main' }))).toEqual(['ICD10_CODE_UNKNOWN']);
    expect(reasonCodes(icd10.checkDiagnosis('viêm phổi', { role: 'main' }))).toEqual([
      'ICD10_CODE_MALFORMED',
    ]);
    expect(reasonCodes(icd10.checkDiagnosis('J09-J18', { role: 'main' }))).toEqual([
      'ICD10_CODE_NOT_A_DIAGNOSIS',
    ]);
    const masked = icd10.checkDiagnosis('001203012345', { role: 'main' }).reasons[0]!;
    expect(masked.message).not.toMatch(/001203012345/);
    const refused = [
      () => icd10.checkDiagnosis(42 as unknown as string, { role: 'main' }),
      () => icd10.checkDiagnosis('J18.9', { role: 'first' as 'main' }),
      () => icd10.checkDiagnosis('J18.9', undefined as never),
      () => icd10.checkDiagnosis('J18.9', { role: 'main', sex: 'x' as 'male' }),
      () => icd10.checkDiagnosis('J18.9', { role: 'main', ageYears: -1 }),
      () => icd10.checkDiagnosis('J18.9', { role: 'main', birthDate: '2025-02-30', onDate: '2025-03-01' }),
      () => icd10.checkDiagnosis('J18.9', { role: 'main', birthDate: '2025-03-01' }),
      () => icd10.checkDiagnosis('J18.9', { role: 'main', birthDate: '2025-03-01', onDate: '2025-02-01' }),
    ];
    for (const call of refused)
      expect(call).toThrow(expect.objectContaining({ code: 'ICD10_CHECK_INPUT_INVALID' }));
  });
});
