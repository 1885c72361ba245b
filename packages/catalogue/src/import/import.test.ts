import { ValidationError } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import {
  PL01_PATH,
  PL02_PATH,
  QD1227_FIXTURE_MAPPING,
  QD1227_PATH,
  readText,
  SYNTHETIC,
} from '../../test/data.js';
import { isUcumUnit } from '../units.js';
import {
  formatIssues,
  importGeneric,
  importQd1227,
  importTt23Pl01,
  importTt23Pl02,
  QD1227_COLUMNS,
  systemMeta,
} from './index.js';

const pl01 = importTt23Pl01(readText(PL01_PATH), { file: 'pl01.csv', expectRows: 19438, version: 't' });
const pl02 = importTt23Pl02(readText(PL02_PATH), {
  file: 'pl02.csv',
  expectRows: 9128,
  pl01: pl01.release,
  version: 't',
});

describe('TT 23/2024 PL01 (real, 19,438 rows)', () => {
  const { release, report } = pl01;

  it('imports every row, codes unique, row count as expected', () => {
    expect(report.rows).toBe(19438);
    expect(release.concepts).toHaveLength(19438);
    expect(report.byCode.ROW_COUNT).toBeUndefined();
    expect(report.byCode.DUPLICATE_CODE).toBeUndefined();
    expect(report.byCode.STT_SEQUENCE).toBeUndefined();
  });

  it('reports the known source defects with their rows: 19165, 27.205b, 27.208b', () => {
    const patterns = report.issues.filter((i) => i.code === 'CODE_PATTERN');
    expect(patterns.map((i) => i.value).sort()).toEqual(['19165', '27.205b', '27.208b']);
    const bad = patterns.find((i) => i.value === '19165')!;
    expect(bad).toMatchObject({ row: 15893, line: 15894, column: 'ma_ky_thuat', severity: 'error' });
    expect(bad.suggestions).toEqual(['19.165']);
    // Kept as printed (never silently fixed).
    expect(release.concepts[15892]!.code).toBe('19165');
  });

  it('reports lower-case starts and suspicious names as warnings', () => {
    expect(report.byCode.NAME_LOWERCASE_START).toBeGreaterThan(0);
    expect(report.issues.find((i) => i.code === 'NAME_LOWERCASE_START')).toMatchObject({
      row: 1820,
      value: 'laser chiếu ngoài',
    });
  });

  it('keeps codes as text (18.8 and 18.80 differ)', () => {
    const codes = new Set(release.concepts.map((c) => c.code));
    expect(codes.has('23.75')).toBe(true);
    expect(release.concepts.find((c) => c.code === '23.75')?.display).toBe('Định lượng Glucose [Máu]');
  });

  it('formats issues with file, row, line and column', () => {
    const line = formatIssues(report.issues.filter((i) => i.value === '19165'))[0];
    expect(line).toMatch(/pl01\.csv row 15893 \(line 15894\), column ma_ky_thuat: CODE_PATTERN "19165"/);
  });
});

describe('TT 23/2024 PL02 (real, 9,128 rows)', () => {
  const { release, report } = pl02;

  it('imports every row and links to PL01', () => {
    expect(release.concepts).toHaveLength(9128);
    expect(release.system.linksTo).toBe(pl01.release.system.uri);
    expect(release.concepts[0]).toMatchObject({
      code: '1',
      chapter: '1. Thần kinh',
      properties: { links: ['10.7'] },
    });
  });

  it('reports empty links, comma decimals (corrected by a reported rule) and lost dots (not corrected)', () => {
    expect(report.byCode.LINK_EMPTY).toBe(2822);
    const comma = report.issues.filter((i) => i.code === 'LINK_COMMA_DECIMAL');
    expect(comma.length).toBeGreaterThan(300);
    for (const i of comma) expect(i.correction?.to).toBe(i.value!.replace(',', '.'));
    const lost = report.issues.filter((i) => i.code === 'LINK_MISSING_DOT');
    expect(lost.length).toBeGreaterThanOrEqual(36);
    const row = release.concepts[lost[0]!.row - 1]!;
    expect(row.properties?.links).toContain(lost[0]!.value);
  });

  it('reports empty names; fills one from a single resolved link only by the reported rule', () => {
    const empty = (report.byCode.NAME_EMPTY ?? 0) + (report.byCode.NAME_FROM_LINK ?? 0);
    expect(empty).toBe(58);
    const filled = report.issues.find((i) => i.code === 'NAME_FROM_LINK')!;
    expect(filled.correction?.to).toBe(release.concepts[filled.row - 1]!.display);
  });

  it('resolves most links to PL01', () => {
    const links = release.concepts.flatMap((c) => c.properties?.links ?? []);
    const known = new Set(pl01.release.concepts.map((c) => c.code));
    const resolved = links.filter((l) => known.has(l)).length;
    expect(resolved / links.length).toBeGreaterThan(0.97);
  });
});

describe('QĐ 1227 importer', () => {
  it('imports the 32 verified Appendix 05 rows: 7-digit codes = 1070000 + STT, LOINC check digits pass', () => {
    const r = importQd1227(readText(QD1227_PATH), {
      file: 'qd1227.csv',
      mapping: QD1227_FIXTURE_MAPPING,
      appendixBase: 1070000,
      expectRows: 32,
    });
    expect(r.report.issues).toEqual([]);
    expect(r.release.concepts).toHaveLength(32);
    expect(r.release.concepts[0]).toMatchObject({
      code: '1071177',
      properties: { tt23Code: '18.78', loinc: '83039-8' },
    });
  });

  it('reports every planted defect of the SYNTHETIC file with its row', () => {
    const r = importQd1227(readText(new URL('synthetic-qd1227-planted-defects.csv', SYNTHETIC)), {
      file: 'synthetic.csv',
      mapping: QD1227_COLUMNS,
      checkUnit: isUcumUnit,
      expectRows: 8,
    });
    const found = r.report.issues.map((i) => [i.code, i.row, i.column]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['ROW_COUNT', 0, undefined],
        ['DUPLICATE_CODE', 2, 'ma_chi_so'],
        ['CODE_PATTERN', 3, 'ma_chi_so'],
        ['LOINC_CHECK_DIGIT', 4, 'ma_loinc'],
        ['UNIT_UNKNOWN', 5, 'don_vi'],
        ['NAME_EMPTY', 6, 'ten_chi_so'],
      ]),
    );
    expect(r.report.counts.error).toBe(6);
    expect(r.release.concepts.find((c) => c.code === '9990007')?.properties?.loincAxes).toEqual({
      component: 'Glucose',
      property: 'MCnc',
      time: 'Pt',
      system: 'Ser/Plas',
      scale: 'Qn',
    });
  });
});

describe('generic importer', () => {
  it('maps columns by name ignoring case and diacritics, checks the system pattern', () => {
    const csv = 'Mã,Tên\nH01,SYNTHETIC a\nX1,SYNTHETIC b\n';
    const r = importGeneric(csv, {
      mapping: { code: 'mã', display: 'TÊN' },
      system: systemMeta('qd7603-pl11', { version: 'test' }),
    });
    expect(r.release.concepts.map((c) => c.code)).toEqual(['H01', 'X1']);
    expect(r.report.issues.map((i) => [i.code, i.row])).toEqual([['CODE_PATTERN', 2]]);
  });

  it('a missing required column is a ValidationError with the column in its path', () => {
    const run = () =>
      importGeneric('a,b\n1,2\n', {
        mapping: { code: 'code', display: 'name' },
        system: systemMeta('loinc', { version: 'x' }),
        file: 'f.csv',
      });
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(
      expect.objectContaining({ code: 'CATALOGUE_COLUMN_MISSING', path: 'f.csv, row 0, column code' }),
    );
  });

  it('reports rows with a wrong number of columns and unterminated quotes', () => {
    const r = importGeneric('code,name\n1,"a\n', {
      mapping: { code: 'code', display: 'name' },
      system: { id: 'x', uri: 'urn:x', name: 'x', version: '1' },
    });
    expect(r.report.byCode.CSV_UNTERMINATED_QUOTE).toBe(1);
  });
});
