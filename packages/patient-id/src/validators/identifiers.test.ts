// Synthetic identifiers only: every number below is made up for tests (valid shapes, no real person).
import { describe, expect, it } from 'vitest';
import { detectIdentifierType, safeParseIdentifier } from '../detect.js';
import { hospitalRecordIdentifier, safeParseInsuranceCards } from '../identifiers.js';
import { oldProvince, oldProvinces } from '../provinces.js';
import { formatCitizenId, isCitizenId, safeParseCitizenId } from './citizen-id.js';
import { safeParseFacilityCode } from './facility-code.js';
import { formatInsuranceCard, safeParseInsuranceCard } from './insurance-card.js';
import { safeParseOldIdCard } from './old-id-card.js';
import { safeParsePassport } from './passport.js';

const NOW = Date.UTC(2026, 10, 25);

describe('safeParseCitizenId', () => {
  it('parses the documented example 001203012345', () => {
    const r = safeParseCitizenId('001203012345');
    expect(r).toEqual({
      ok: true,
      value: {
        value: '001203012345',
        provinceCode: '001',
        oldProvinceCode: '01',
        currentProvinceCode: '01',
        century: 2000,
        sex: 'male',
        birthYear: 2003,
        serial: '012345',
      },
    });
  });

  // every century/sex digit (Decree 137/2015 Art. 13)
  it.each([
    ['0', 1900, 'male', 1905, true],
    ['1', 1900, 'female', 1905, true],
    ['2', 2000, 'male', 2005, true],
    ['3', 2000, 'female', 2005, true],
    ['4', 2100, 'male', 2105, false],
    ['5', 2100, 'female', 2105, false],
    ['6', 2200, 'male', 2205, false],
    ['7', 2200, 'female', 2205, false],
    ['8', 1800, 'male', 1805, true],
    ['9', 1800, 'female', 1805, true],
  ] as const)('century/sex digit %s → %i %s', (g, century, sex, year, valid) => {
    const id = `079${g}05000123`;
    const r = safeParseCitizenId(id, { now: NOW });
    if (valid) {
      expect(r.ok && r.value).toMatchObject({ century, sex, birthYear: year });
      expect(isCitizenId(id)).toBe(true);
    } else {
      expect(!r.ok && r.error.code).toBe('CITIZEN_ID_BIRTH_YEAR_FUTURE');
      expect(isCitizenId(id)).toBe(false);
      // the far future parses once it has come
      const later = safeParseCitizenId(id, { now: Date.UTC(year + 1, 0, 1) });
      expect(later.ok && later.value).toMatchObject({ century, sex, birthYear: year });
    }
  });

  it('accepts every one of the 63 province prefixes (from the data) and maps each to its 2025 province', () => {
    const provinces = oldProvinces();
    expect(provinces).toHaveLength(63);
    for (const p of provinces) {
      const r = safeParseCitizenId(`0${p.code}090123456`);
      expect(r.ok && r.value.currentProvinceCode).toBe(p.current.code);
      expect(isCitizenId(`0${p.code}090123456`)).toBe(true);
    }
  });

  it('rejects every other prefix 000-999 with CITIZEN_ID_PROVINCE_UNKNOWN', () => {
    const known = new Set(oldProvinces().map((p) => `0${p.code}`));
    let rejected = 0;
    for (let n = 0; n < 1000; n++) {
      const prefix = String(n).padStart(3, '0');
      if (known.has(prefix)) continue;
      const r = safeParseCitizenId(`${prefix}090123456`);
      expect(!r.ok && r.error.code).toBe('CITIZEN_ID_PROVINCE_UNKNOWN');
      expect(isCitizenId(`${prefix}090123456`)).toBe(false);
      rejected++;
    }
    expect(rejected).toBe(937);
  });

  it('checks against full, year-month and year-only birth dates, including leap days', () => {
    expect(safeParseCitizenId('001300012345', { birthDate: '2000-02-29' }).ok).toBe(true); // 2000 is a leap year
    expect(safeParseCitizenId('001204012345', { birthDate: '2004-02-29' }).ok).toBe(true);
    expect(safeParseCitizenId('001096012345', { birthDate: '1996-02-29' }).ok).toBe(true);
    const y1900 = safeParseCitizenId('001000012345', { birthDate: '1900-02-29' }); // 1900 is not
    expect(!y1900.ok && y1900.error.code).toBe('CITIZEN_ID_BIRTH_DATE_INVALID');
    const y2023 = safeParseCitizenId('001223012345', { birthDate: '2023-02-29' });
    expect(!y2023.ok && y2023.error.code).toBe('CITIZEN_ID_BIRTH_DATE_INVALID');
    expect(safeParseCitizenId('001203012345', { birthDate: '2003' }).ok).toBe(true);
    expect(safeParseCitizenId('001203012345', { birthDate: '2003-07' }).ok).toBe(true);
    const wrongYear = safeParseCitizenId('001203012345', { birthDate: '2004' });
    expect(!wrongYear.ok && wrongYear.error.code).toBe('CITIZEN_ID_BIRTH_YEAR_MISMATCH');
    const wrongCentury = safeParseCitizenId('001203012345', { birthDate: '1903-01-01' });
    expect(!wrongCentury.ok && wrongCentury.error.code).toBe('CITIZEN_ID_CENTURY_MISMATCH');
  });

  it('checks sex', () => {
    expect(safeParseCitizenId('001303012345', { sex: 'female', birthDate: '2003-01-31' }).ok).toBe(true);
    const r = safeParseCitizenId('001203012345', { sex: 'female' });
    expect(!r.ok && r.error.code).toBe('CITIZEN_ID_SEX_MISMATCH');
    expect(!r.ok && r.error.messageVi).toMatch(/giới tính/);
  });

  it('never puts the unmasked number in a message', () => {
    const r = safeParseCitizenId('001203012345', { birthDate: '1990' });
    expect(!r.ok && `${r.error.message} ${r.error.messageVi}`).not.toContain('001203012345');
  });

  it('formats back', () => {
    expect(formatCitizenId({ provinceCode: '079', sex: 'female', birthYear: 1899, serial: '000001' })).toBe(
      '079999000001',
    );
  });
});

const cardParts = { group: 'DN', benefitLevel: 4, provinceCode: '01', socialInsuranceNumber: '0123456789' };

describe('insurance cards', () => {
  it('parses both forms', () => {
    expect(safeParseInsuranceCard('DN4010123456789')).toEqual({
      ok: true,
      value: { form: 'full', value: 'DN4010123456789', ...cardParts, currentProvinceCode: '01' },
    });
    expect(safeParseInsuranceCard('0123456789')).toEqual({
      ok: true,
      value: { form: 'short', value: '0123456789', socialInsuranceNumber: '0123456789' },
    });
    expect(safeParseInsuranceCard('ch5970123456789').ok).toBe(true); // 97: defence, lower case accepted
    const short = safeParseInsuranceCard('0123456789', { fullOnly: true });
    expect(!short.ok && short.error.code).toBe('INSURANCE_CARD_LENGTH');
  });

  it.each([1, 2, 3, 4, 5])('accepts benefit level %i', (level) => {
    const r = safeParseInsuranceCard(`HT${level}790123456789`);
    expect(r.ok && r.value.form === 'full' && r.value.benefitLevel).toBe(level);
  });

  it('parses several cards joined by ;, reporting each bad one with its index', () => {
    const r = safeParseInsuranceCards('DN4010123456789;HT3790000000001');
    expect(r.ok && r.value.map(formatInsuranceCard)).toEqual(['DN4010123456789', 'HT3790000000001']);
    const bad = safeParseInsuranceCards('DN4010123456789;DN6010123456789;X');
    expect(!bad.ok && bad.error.issues.map((i) => [i.path, i.code])).toEqual([
      ['[1]', 'INSURANCE_CARD_BENEFIT_LEVEL_INVALID'],
      ['[2]', 'INSURANCE_CARD_LENGTH'],
    ]);
  });

  it('checks the group against a list when given', () => {
    const r = safeParseInsuranceCard('ZZ4010123456789', { groups: new Set(['DN', 'HT']) });
    expect(!r.ok && r.error.code).toBe('INSURANCE_CARD_GROUP_UNKNOWN');
  });
});

describe('facility codes, old ID cards, passports, record numbers', () => {
  it('parses facility codes with province, 97 and 98', () => {
    expect(safeParseFacilityCode('01001')).toMatchObject({
      ok: true,
      value: { sector: 'civil', currentProvinceCode: '01' },
    });
    expect(safeParseFacilityCode('97001')).toMatchObject({ ok: true, value: { sector: 'defence' } });
    expect(safeParseFacilityCode('98012')).toMatchObject({ ok: true, value: { sector: 'public-security' } });
    expect(safeParseFacilityCode('74005')).toMatchObject({ ok: true, value: { currentProvinceCode: '79' } });
  });
  it('parses old ID cards and passports', () => {
    expect(safeParseOldIdCard('012345678').ok).toBe(true);
    expect(safeParsePassport('c1234567')).toEqual({ ok: true, value: { value: 'C1234567' } });
  });
  it('builds a per-facility record identifier', () => {
    expect(hospitalRecordIdentifier('01001', 'BN-2025-000123')).toEqual({
      system: 'urn:lienthong:sid:mrn:01001',
      value: 'BN-2025-000123',
    });
    expect(() => hospitalRecordIdentifier('0100', 'BN-1')).toThrow(
      expect.objectContaining({ code: 'FACILITY_CODE_LENGTH', path: 'facilityCode' }),
    );
    expect(() => hospitalRecordIdentifier('01001', '  ')).toThrow(
      expect.objectContaining({ code: 'RECORD_NUMBER_EMPTY', path: 'value' }),
    );
  });
  it('detects types', () => {
    expect(detectIdentifierType('001203012345')).toBe('cccd');
    expect(detectIdentifierType('012345678')).toBe('cmnd');
    expect(detectIdentifierType('DN4010123456789')).toBe('bhyt');
    expect(detectIdentifierType('0123456789')).toBe('bhyt');
    expect(detectIdentifierType('01001')).toBe('facility');
    expect(detectIdentifierType('hello')).toBeUndefined();
    expect(safeParseIdentifier('01001')).toMatchObject({ ok: true, value: { type: 'facility' } });
  });
  it('names provinces from the data', () => {
    expect(oldProvince('001')?.name).toBe('Thành phố Hà Nội');
    expect(oldProvince('74')).toMatchObject({
      name: 'Tỉnh Bình Dương',
      current: { code: '79', name: 'Thành phố Hồ Chí Minh' },
    });
  });
});

// ≥ 30 malformed inputs with their exact error codes.
const MALFORMED: [string, unknown, Record<string, unknown>, string][] = [
  ['cccd', 42, {}, 'CITIZEN_ID_NOT_TEXT'],
  ['cccd', null, {}, 'CITIZEN_ID_NOT_TEXT'],
  ['cccd', '', {}, 'CITIZEN_ID_EMPTY'],
  ['cccd', '   ', {}, 'CITIZEN_ID_EMPTY'],
  ['cccd', '00120301234A', {}, 'CITIZEN_ID_NOT_DIGITS'],
  ['cccd', '001-203-012-345', {}, 'CITIZEN_ID_NOT_DIGITS'],
  ['cccd', '００１２０３０１２３４５', {}, 'CITIZEN_ID_NOT_DIGITS'],
  ['cccd', '00120301234', {}, 'CITIZEN_ID_LENGTH'],
  ['cccd', '0012030123456', {}, 'CITIZEN_ID_LENGTH'],
  ['cccd', '012345678', {}, 'CITIZEN_ID_LENGTH'],
  ['cccd', '003203012345', {}, 'CITIZEN_ID_PROVINCE_UNKNOWN'],
  ['cccd', '097203012345', {}, 'CITIZEN_ID_PROVINCE_UNKNOWN'],
  ['cccd', '101203012345', {}, 'CITIZEN_ID_PROVINCE_UNKNOWN'],
  ['cccd', '000203012345', {}, 'CITIZEN_ID_PROVINCE_UNKNOWN'],
  ['cccd', '001499012345', {}, 'CITIZEN_ID_BIRTH_YEAR_FUTURE'],
  ['cccd', '001299012345', {}, 'CITIZEN_ID_BIRTH_YEAR_FUTURE'],
  ['cccd', '001203012345', { birthDate: '2003-13-01' }, 'CITIZEN_ID_BIRTH_DATE_INVALID'],
  ['cccd', '001203012345', { birthDate: '31/01/2003' }, 'CITIZEN_ID_BIRTH_DATE_INVALID'],
  ['cccd', '001203012345', { birthDate: '2003-04-31' }, 'CITIZEN_ID_BIRTH_DATE_INVALID'],
  ['cccd', '001203012345', { birthDate: '2002' }, 'CITIZEN_ID_BIRTH_YEAR_MISMATCH'],
  ['cccd', '001203012345', { birthDate: '2103' }, 'CITIZEN_ID_CENTURY_MISMATCH'],
  ['cccd', '001203012345', { sex: 'other' }, 'CITIZEN_ID_SEX_INVALID'],
  ['cccd', '001303012345', { sex: 'male' }, 'CITIZEN_ID_SEX_MISMATCH'],
  ['cmnd', '12345678', {}, 'OLD_ID_CARD_LENGTH'],
  ['cmnd', '12345678X', {}, 'OLD_ID_CARD_NOT_DIGITS'],
  ['cmnd', undefined, {}, 'OLD_ID_CARD_NOT_TEXT'],
  ['passport', 'B12-34567', {}, 'PASSPORT_FORMAT'],
  ['passport', 'ABCDEFGHIJ', {}, 'PASSPORT_FORMAT'],
  ['passport', '', {}, 'PASSPORT_EMPTY'],
  ['bhyt', 'DN401012345678', {}, 'INSURANCE_CARD_LENGTH'],
  ['bhyt', 'D14010123456789', {}, 'INSURANCE_CARD_GROUP_INVALID'],
  ['bhyt', 'DN0010123456789', {}, 'INSURANCE_CARD_BENEFIT_LEVEL_INVALID'],
  ['bhyt', 'DN6010123456789', {}, 'INSURANCE_CARD_BENEFIT_LEVEL_INVALID'],
  ['bhyt', 'DN4A10123456789', {}, 'INSURANCE_CARD_PROVINCE_INVALID'],
  ['bhyt', 'DN4030123456789', {}, 'INSURANCE_CARD_PROVINCE_UNKNOWN'],
  ['bhyt', 'DN401012345678X', {}, 'INSURANCE_CARD_NUMBER_NOT_DIGITS'],
  ['bhyt', '012345678X', {}, 'INSURANCE_CARD_NUMBER_NOT_DIGITS'],
  ['bhyt', '', {}, 'INSURANCE_CARD_EMPTY'],
  ['facility', '0100', {}, 'FACILITY_CODE_LENGTH'],
  ['facility', '0100A', {}, 'FACILITY_CODE_NOT_DIGITS'],
  ['facility', '03001', {}, 'FACILITY_CODE_PROVINCE_UNKNOWN'],
  ['facility', '99001', {}, 'FACILITY_CODE_PROVINCE_UNKNOWN'],
  ['facility', '1234567890123', {}, 'FACILITY_CODE_LENGTH'],
];

describe(`${MALFORMED.length} malformed inputs, each with its exact error code`, () => {
  it.each(MALFORMED)('%s %j %j → %s', (type, value, options, code) => {
    const r = safeParseIdentifier(value, { type: type as never, ...options } as never);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.kind).toBe('validation');
    expect(r.error.message.length).toBeGreaterThan(5);
    expect(r.error.messageVi.length).toBeGreaterThan(5);
  });
  it('an unrecognisable shape has its own code', () => {
    const r = safeParseIdentifier('hello');
    expect(!r.ok && r.error.code).toBe('IDENTIFIER_TYPE_UNKNOWN');
  });
});
