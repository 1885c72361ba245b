import { describe, expect, it } from 'vitest';
import { QD1227_PATH, readText } from '../test/data.js';
import { parseCsv } from './csv.js';
import {
  isLoincCode,
  knownSystem,
  loincCheckDigit,
  matchesSystemPattern,
  safeParseServiceCode,
} from './systems.js';

describe('known systems and code patterns', () => {
  it('LOINC check digit: all 32 reference codes of the verified QĐ 1227 rows pass', () => {
    const rows = parseCsv(readText(QD1227_PATH)).records.slice(1);
    expect(rows).toHaveLength(32);
    for (const { fields } of rows) expect(isLoincCode(fields[4]!)).toBe(true);
    expect(isLoincCode('83039-7')).toBe(false);
    expect(isLoincCode('83039')).toBe(false);
    expect(loincCheckDigit('2345')).toBe(7);
    expect(loincCheckDigit('x')).toBeUndefined();
  });

  it('insurance service codes and their suffix forms (docs/en/guide/domain.md examples)', () => {
    for (const code of ['23.0075.1494', '23.0051.1494', '22.0120.1370', '24.0003.1715', '18.0119.0028'])
      expect(matchesSystemPattern('service-code', code)).toBe(true);
    expect(safeParseServiceCode('23.0075.1494_GT')).toMatchObject({
      ok: true,
      value: { base: '23.0075.1494', localAnaesthesia: true },
    });
    expect(safeParseServiceCode('23.0075.1494_TB')).toMatchObject({ ok: true, value: { notDone: true } });
    expect(safeParseServiceCode('23.0075.0000')).toMatchObject({ ok: true, value: { noPrice: true } });
    expect(safeParseServiceCode('23.0075.1494.K.01001')).toMatchObject({
      ok: true,
      value: { sentToFacility: '01001', chapter: '23' },
    });
    expect(safeParseServiceCode('23.75')).toMatchObject({
      ok: false,
      error: {
        code: 'SERVICE_CODE_INVALID',
        path: 'code',
        messageVi: 'Không phải mã dịch vụ BHYT (XX.YYYY.ZZZZ, có thể kèm _GT, _TB hoặc .K.WWWWW)',
      },
    });
  });

  it('TT 23, QĐ 1227, QĐ 7603, ICD-10 shapes', () => {
    expect(matchesSystemPattern('tt23-pl01', '23.75')).toBe(true);
    expect(matchesSystemPattern('tt23-pl01', 'BS_22.697')).toBe(true);
    expect(matchesSystemPattern('tt23-pl01', '19165')).toBe(false);
    expect(matchesSystemPattern('tt23-pl01', '27.205b')).toBe(false);
    expect(matchesSystemPattern('qd1227', '1071177')).toBe(true);
    expect(matchesSystemPattern('qd1227', '107117')).toBe(false);
    expect(matchesSystemPattern('qd7603-pl11', 'H01')).toBe(true);
    expect(matchesSystemPattern('qd7603-pl11', 'H206')).toBe(true);
    expect(matchesSystemPattern('icd10-vn', 'R10.4')).toBe(true);
    expect(matchesSystemPattern('icd10-vn', 'R104')).toBe(true);
    expect(matchesSystemPattern('loinc', '2345-7')).toBe(true);
    expect(knownSystem('http://loinc.org')?.id).toBe('loinc');
    expect(knownSystem('tt23-pl02')?.uri).toBe('urn:lienthong:cs:tt23-pl02');
  });
});
