import { readFileSync } from 'node:fs';
import { type Icd10, loadIcd10 } from '@lienthong/catalogue/icd10';
import { isLienThongError, ValidationError } from '@lienthong/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ICD9CM_SYSTEM,
  ICD10_SYSTEM,
  parseVisitFileSet,
  safeParseVisit,
  type VisitFileSet,
} from '../src/index.js';
import {
  checkXml130,
  decodeXml130,
  encodeXml130,
  safeDecodeXml130,
  tableXml,
  XML130_FIELD_SPECS,
  type Xml130Problem,
} from '../src/xml130/index.js';
import { readEnvelope, readTableRows } from '../src/xml130/read.js';
import { SYNTHETIC_ICD10_CODES, syntheticFileSet, syntheticVisits } from './fixtures/synthetic-file-set.js';

let icd10: Icd10;
beforeAll(async () => {
  icd10 = await loadIcd10();
});

const codesOf = (problems: Xml130Problem[]) =>
  problems.filter((p) => p.severity === 'error').map((p) => p.code);

describe('the synthetic file set', () => {
  it('uses real ICD-10 codes of the catalogue', () => {
    for (const code of SYNTHETIC_ICD10_CODES) expect(icd10.lookup(code)?.code).toBe(code);
  });

  it('field specs are generated for every table of the field table (481 fields)', () => {
    expect(Object.keys(XML130_FIELD_SPECS)).toHaveLength(16);
    expect(Object.values(XML130_FIELD_SPECS).flat()).toHaveLength(481);
    expect(XML130_FIELD_SPECS.XML1!.find((f) => f.name === 'SO_CCCD')).toMatchObject({
      type: 'string',
      maxLength: 15,
    });
    expect(XML130_FIELD_SPECS.XML2!.find((f) => f.name === 'NGAY_TH_YL')).toMatchObject({ dateTime: true });
  });

  it('the static fixture file is the builder output (regenerate: see synthetic-file-set.ts)', () => {
    const file = readFileSync(new URL('./fixtures/synthetic-xml130-file-set.xml', import.meta.url), 'utf8');
    expect(file).toBe(`${syntheticFileSet()}\n`);
  });

  it('decodes to visits with no error, every table mapped', () => {
    const { value, warnings, problems } = decodeXml130(syntheticFileSet(), { icd10 });
    expect(codesOf(problems)).toEqual([]);
    expect(value.facility).toBe('01001');
    expect(value.createdOn).toBe('20250316');
    expect(value.visits.map((v) => v.id)).toEqual(['SYN-LK-0001', 'SYN-LK-0002', 'SYN-LK-0003']);
    const v = value.visits[0]!;
    expect(v.patient).toMatchObject({
      localId: 'SYN-BN-01',
      sex: 'male',
      birth: '1985-01-01T00:00:00+07:00',
    });
    expect(v.patient.identifiers.map((i) => i.value)).toEqual(['001085012345', 'DN4010123456789']);
    expect(v.mainDiagnosis).toEqual({ system: ICD10_SYSTEM, code: 'J18.9' });
    expect(v.secondaryDiagnoses.map((d) => d.code)).toEqual(['I10', 'E11.9']);
    expect(v.procedures).toEqual([{ system: ICD9CM_SYSTEM, code: '96.04' }]);
    expect(v).toMatchObject({
      visitType: '03',
      admittedAt: '2025-01-10T10:00:00+07:00',
      inpatientAt: '2025-01-10T10:30:00+07:00',
      dischargedAt: '2025-01-15T10:30:00+07:00',
      outcome: '1',
      dischargeType: '1',
      followUpDates: ['2025-01-25'],
      medicalRecordNumber: 'SYN-HSBA-01',
    });
    expect(v.source.T_TONGCHI_BV).toBe('1250000.50');
    expect(v.medications).toHaveLength(2);
    expect(v.medications[0]).toMatchObject({
      code: '40.17',
      name: 'Ceftriaxon',
      strength: '1g',
      route: '2.15',
      quantity: '10',
      orderedAt: '2025-01-10T11:00:00+07:00',
      administeredAt: '2025-01-10T11:30:00+07:00',
      prescriber: 'SYN-BS-01',
    });
    expect(v.medications[0]!.source).toMatchObject({
      DON_GIA: '12500',
      THANH_TIEN_BV: '125000',
      MA_LK: 'SYN-LK-0001',
    });
    expect(v.services[0]).toMatchObject({
      code: '18.0001.0001',
      procedures: [{ system: ICD9CM_SYSTEM, code: '87.44' }],
    });
    expect(v.notes[0]).toMatchObject({ text: 'Sốt 39 độ, ran nổ đáy phổi phải', author: 'SYN-BS-01' });
    expect(v.labReports).toHaveLength(1);
    expect(v.labReports[0]!.observations).toHaveLength(2);
    expect(v.labRows).toHaveLength(2);
    expect(v.otherTables.map((t) => t.type)).toEqual(['XML7']);
    expect(warnings.map((w) => w.code)).toContain('XML130_TABLE_KEPT_VERBATIM');
    expect(parseVisitFileSet(value)).toEqual(value);
  });

  it('reads every dialect to the same model (CRLF, wrapped base64, BOM, no declaration, bytes)', () => {
    // Tables kept verbatim keep their own line ends and declaration: compared apart.
    const mapped = (set: VisitFileSet) => ({
      ...set,
      visits: set.visits.map((v) => ({ ...v, otherTables: [] })),
    });
    const base = mapped(decodeXml130(syntheticFileSet()).value);
    const styles = [
      { crlf: true },
      { wrap: true },
      { bom: true },
      { noDeclaration: true },
      { crlf: true, wrap: true, bom: true },
    ];
    for (const style of styles) {
      const { value } = decodeXml130(syntheticFileSet(undefined, style));
      expect(mapped(value)).toEqual(base);
      expect(value.visits[0]!.otherTables[0]!.content).toContain('<MA_LK>SYN-LK-0001</MA_LK>');
    }
    expect(
      mapped(decodeXml130(new TextEncoder().encode(syntheticFileSet(undefined, { bom: true }))).value),
    ).toEqual(base);
  });

  it('encodes back to a file set that decodes to the same model, money fields included', () => {
    const first = decodeXml130(syntheticFileSet(), { icd10 });
    const xml = encodeXml130(first.value).value;
    const second = decodeXml130(xml, { icd10 });
    expect(second.value).toEqual(first.value);
    expect(codesOf(second.problems)).toEqual([]);
    expect(encodeXml130(second.value).value).toBe(xml);
  });

  it('writes back every field of every row it read, table by table', () => {
    const visits = syntheticVisits();
    const xml = encodeXml130(decodeXml130(syntheticFileSet(visits)).value).value;
    const problems: Xml130Problem[] = [];
    const envelope = readEnvelope(xml, problems);
    expect(problems).toEqual([]);
    envelope.hosos.forEach((files, i) => {
      const v = visits[i]!;
      const expected: Record<string, Record<string, string>[]> = {
        XML1: [v.xml1],
        XML2: v.xml2,
        XML3: v.xml3,
        XML4: v.xml4,
        XML5: v.xml5,
      };
      for (const f of files) {
        if (!(f.type in expected)) {
          expect(f.readText?.()).toBe(v.other?.find((o) => o.type === f.type)?.content);
          continue;
        }
        expect(readTableRows(f.type, f.readText!(), i, problems)).toEqual(expected[f.type]);
      }
      expect(files.map((f) => f.type)).toEqual([
        ...Object.keys(expected).filter((t) => expected[t]!.length > 0),
        ...(v.other ?? []).map((o) => o.type),
      ]);
    });
  });

  it('a model that is not a file set, or a date that is not ISO, is a typed error on encode', () => {
    const { value } = decodeXml130(syntheticFileSet());
    expect(() => encodeXml130({ ...value, visits: [{ id: 1 }] } as unknown as VisitFileSet)).toThrow(
      ValidationError,
    );
    const bad = structuredClone(value);
    bad.visits[0]!.admittedAt = '10/01/2025';
    expect(() => encodeXml130(bad)).toThrow(ValidationError);
    expect(safeParseVisit(value.visits[0]).ok).toBe(true);
    expect(safeParseVisit({ id: 'x' }).ok).toBe(false);
  });

  it('XML4 problems come from result-exchange with their place; the rows are kept', () => {
    const visits = syntheticVisits();
    visits[0]!.xml4[1]!.NGAY_KQ = '202501321200';
    const problems = checkXml130(syntheticFileSet(visits));
    expect(problems.filter((p) => p.table === 'XML4' && p.field === 'NGAY_KQ').map((p) => p.code)).toEqual(
      expect.arrayContaining(['XML130_DATE_INVALID', 'XML4_FIELD_FORMAT_INVALID']),
    );
    expect(problems.find((p) => p.code === 'XML4_FIELD_FORMAT_INVALID')).toMatchObject({ hoso: 0, row: 1 });
    const { value } = decodeXml130(syntheticFileSet(visits), { lenient: true });
    expect(value.visits[0]!.labRows).toHaveLength(2);
    expect(value.visits[0]!.labReports).toEqual([]);
  });

  it('reads a bare table without the envelope', () => {
    const [v] = syntheticVisits();
    const { value } = decodeXml130(tableXml('XML1', [v!.xml1]));
    expect(value.visits.map((x) => x.id)).toEqual(['SYN-LK-0001']);
    expect(value.facility).toBeUndefined();
    const bare2 = checkXml130(tableXml('XML2', v!.xml2));
    expect(bare2.filter((p) => p.code === 'XML130_VISIT_LINK_MISSING')).toHaveLength(2);
  });
});

describe('planted defects are reported with their place', () => {
  const find = (problems: Xml130Problem[], code: string) => problems.find((p) => p.code === code);

  it('unknown ICD-10 code, not-main code, male with a pregnancy code', () => {
    const visits = syntheticVisits();
    visits[0]!.xml1.MA_BENH_KT = 'I10;A99.9';
    visits[2]!.xml1.MA_BENH_CHINH = icd10.rules.notMainDiagnosis.codes[0]!;
    visits[1]!.xml1.GIOI_TINH = '1';
    const problems = checkXml130(syntheticFileSet(visits), { icd10 });
    expect(find(problems, 'ICD10_CODE_UNKNOWN')).toMatchObject({
      hoso: 0,
      table: 'XML1',
      row: 0,
      field: 'MA_BENH_KT',
      path: 'HOSO[0].XML1[0].MA_BENH_KT',
    });
    expect(find(problems, 'ICD10_NOT_MAIN_DIAGNOSIS')).toMatchObject({ hoso: 2, field: 'MA_BENH_CHINH' });
    expect(find(problems, 'ICD10_SEX_MISMATCH')).toMatchObject({
      hoso: 1,
      field: 'MA_BENH_CHINH',
      severity: 'error',
    });
    for (const p of problems) expect(p.messageVi).not.toBe(p.message);
  });

  it('a bad date, a missing mandatory field, a too-long field, a non-number', () => {
    const visits = syntheticVisits();
    visits[0]!.xml2[1]!.NGAY_YL = '202513011000';
    delete visits[0]!.xml3[0]!.MA_KHOA;
    visits[2]!.xml1.MA_CSKCB = '0100199';
    visits[0]!.xml2[0]!.SO_LUONG = 'mười';
    const problems = checkXml130(syntheticFileSet(visits));
    expect(find(problems, 'XML130_DATE_INVALID')).toMatchObject({
      hoso: 0,
      table: 'XML2',
      row: 1,
      field: 'NGAY_YL',
    });
    expect(find(problems, 'XML130_FIELD_MISSING')).toMatchObject({
      hoso: 0,
      table: 'XML3',
      row: 0,
      field: 'MA_KHOA',
    });
    expect(find(problems, 'XML130_FIELD_TOO_LONG')).toMatchObject({
      hoso: 2,
      table: 'XML1',
      field: 'MA_CSKCB',
    });
    expect(find(problems, 'XML130_NOT_A_NUMBER')).toMatchObject({ table: 'XML2', row: 0, field: 'SO_LUONG' });
  });

  it('an XML2 row whose MA_LK has no XML1, a wrong SOLUONGHOSO, broken base64', () => {
    const visits = syntheticVisits();
    visits[2]!.xml2[0]!.MA_LK = 'SYN-LK-9999';
    visits[1]!.xml1.MA_LK = 'SYN-LK-0001';
    visits[1]!.xml3[0]!.MA_LK = 'SYN-LK-0001';
    visits[1]!.xml5[0]!.MA_LK = 'SYN-LK-0001';
    const problems = checkXml130(syntheticFileSet(visits, { count: '5', brokenBase64: 'XML3' }));
    expect(find(problems, 'XML130_VISIT_DUPLICATE')).toMatchObject({
      hoso: 1,
      table: 'XML1',
      row: 0,
      field: 'MA_LK',
    });
    expect(find(problems, 'XML130_VISIT_LINK_MISSING')).toMatchObject({
      hoso: 2,
      table: 'XML2',
      row: 0,
      field: 'MA_LK',
    });
    expect(find(problems, 'XML130_HOSO_COUNT_MISMATCH')).toMatchObject({
      field: 'SOLUONGHOSO',
      path: 'SOLUONGHOSO',
    });
    expect(find(problems, 'XML130_BASE64_INVALID')).toMatchObject({ hoso: 0, table: 'XML3' });
  });

  it('decode throws one ValidationError listing every error; lenient decodes and keeps everything', () => {
    const visits = syntheticVisits();
    visits[2]!.xml2[0]!.MA_LK = 'SYN-LK-9999';
    const xml = syntheticFileSet(visits, { count: '5', brokenBase64: 'XML3' });
    const r = safeDecodeXml130(xml);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(ValidationError);
      expect(r.error.issues.map((i) => i.code).sort()).toEqual([
        'XML130_BASE64_INVALID',
        'XML130_HOSO_COUNT_MISMATCH',
        'XML130_VISIT_LINK_MISSING',
      ]);
    }
    const lenient = decodeXml130(xml, { lenient: true });
    expect(lenient.value.unlinked).toEqual([{ table: 'XML2', rows: [visits[2]!.xml2[0]] }]);
    expect(lenient.value.visits[0]!.otherTables.find((t) => t.type === 'XML3')?.base64).toBe(
      '@@not*base64@@',
    );
    const again = decodeXml130(encodeXml130(lenient.value).value, { lenient: true });
    expect(again.value).toEqual(lenient.value);
  });

  it('input that is not XML 130 is a typed error, never a crash', () => {
    for (const input of ['', 'not xml', '<a><b></a>', '<ROOT/>', '<GIAMDINHHS/>', '<TONG_HOP>x</TONG_HOP>']) {
      const r = safeDecodeXml130(input);
      if (!r.ok) expect(isLienThongError(r.error)).toBe(true);
      expect(() => checkXml130(input)).not.toThrow();
    }
    expect(checkXml130('not xml')[0]).toMatchObject({ code: 'XML130_UNREADABLE', severity: 'error' });
    const doctype =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><TONG_HOP><MA_LK>&a;</MA_LK></TONG_HOP>';
    expect(checkXml130(doctype)[0]).toMatchObject({ code: 'XML130_UNREADABLE' });
    expect(safeDecodeXml130(42 as unknown as string).ok).toBe(false);
  });
});
