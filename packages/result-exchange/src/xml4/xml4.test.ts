import {
  formatNationalDateTime,
  isLienThongError,
  safeParseNationalDateTime,
  type ValidationError,
} from '@lienthong/core';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbDateTime,
  arbText,
  arbToken,
  PUBLISHED_SERVICE_CODES,
  REAL_QD1227_CODES,
} from '../../test/arbitraries.js';
import { type LabReport, LabReportSchema } from '../model.js';
import { DEFAULT_LAB_SYSTEMS as S } from '../systems.js';
import { normaliseUnit } from '../units.js';
import { decodeXml4, decodeXml4Rows, encodeXml4, safeDecodeXml4, XML4_MAX_LENGTHS } from './xml4.js';

// SYNTHETIC: encounter keys and doctor codes are made up; MA_CHI_SO values are real QĐ 1227 rows
// (imaging), MA_DICH_VU values the published examples of docs/en/guide/domain.md.
const patient = { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN1' }] };

/** A report in the shape decodeXml4 produces (what XML4 carries, nothing more). */
const arbXml4Report: fc.Arbitrary<LabReport> = fc
  .record(
    {
      maLk: fc.stringMatching(/^SYN[A-Z0-9]{1,20}$/),
      service: fc.constantFrom(...PUBLISHED_SERVICE_CODES),
      issuedAt: arbDateTime,
      signer: fc.stringMatching(/^SYN[A-Z0-9]{1,8}$/),
      conclusion: arbText(80),
      rows: fc.array(
        fc.record(
          {
            code: fc.constantFrom(...REAL_QD1227_CODES),
            name: arbToken(60),
            value: fc.oneof(
              fc
                .tuple(
                  fc.integer({ min: -99999, max: 99999 }).map((n) => n / 100 + 0),
                  fc.constantFrom('mmol/L', 'mg/dl', 'G/L', '%', 'U/L'),
                )
                .map(([v, u]) => ({ kind: 'quantity' as const, value: v, originalUnit: u })),
              arbToken(40)
                .filter((t) => !/^[+-]?(\d+(\.\d+)?|\.\d+)$/.test(t) && !/^[+-]?\d+,\d+$/.test(t))
                .map((text) => ({ kind: 'text' as const, text })),
            ),
            note: arbText(100),
          },
          { requiredKeys: ['code', 'name', 'value'] },
        ),
        { minLength: 1, maxLength: 5 },
      ),
    },
    { requiredKeys: ['maLk', 'service', 'rows'] },
  )
  .map((g) => {
    const at = g.issuedAt ? formatNationalDateTime(g.issuedAt) : undefined;
    return {
      id: `${g.maLk}:${g.service}:${at ?? g.rows.map((_, i) => i + 1).join('-')}`,
      patient,
      encounterId: g.maLk,
      codes: [{ system: S.serviceCode, code: g.service }],
      status: 'final',
      ...(g.issuedAt ? { issuedAt: g.issuedAt } : {}),
      ...(g.signer ? { signer: { id: g.signer } } : {}),
      ...(g.conclusion ? { conclusion: g.conclusion } : {}),
      observations: g.rows.map((r) => ({
        codes: [{ system: S.national, code: r.code, display: r.name }],
        name: r.name,
        status: 'final',
        value:
          r.value.kind === 'quantity'
            ? {
                kind: 'quantity',
                value: r.value.value,
                ...(normaliseUnit(r.value.originalUnit) ? { unit: normaliseUnit(r.value.originalUnit) } : {}),
                originalUnit: r.value.originalUnit,
              }
            : r.value,
        ...(r.note ? { note: r.note } : {}),
      })),
    } as LabReport;
  });

describe('XML4 round trip', () => {
  it('decodeXml4(encodeXml4(report)) gives the report back, field for field', () => {
    fc.assert(
      fc.property(arbXml4Report, (report) => {
        const { value: xml, warnings: omitted } = encodeXml4(report);
        expect(omitted).toEqual([]);
        const { value: reports, warnings } = decodeXml4(xml, { patient });
        expect(warnings).toEqual([]);
        expect(reports).toEqual([report]);
      }),
      { numRuns: 300 },
    );
  });

  it('writes the published path and fields; dates as yyyymmddHHMM, decimals with "."', () => {
    const { value: xml } = encodeXml4({
      id: 'SYN-1',
      patient,
      encounterId: 'SYNLK0001',
      codes: [{ system: S.serviceCode, code: '23.0075.1494' }],
      status: 'final',
      issuedAt: '2025-06-01T09:05:00+07:00',
      signer: { id: 'SYNBS01' },
      observations: [
        {
          codes: [],
          name: 'Glucose (synthetic row)',
          status: 'final',
          value: { kind: 'quantity', value: 5.6, unit: 'mmol/L' },
        },
      ],
    });
    expect(xml).toContain('<CHITIEU_CHITIET_DICHVUCANLAMSANG>');
    expect(xml).toMatch(
      /<DSACH_CHI_TIET_CLS>\s*<CHI_TIET_CLS>\s*<MA_LK>SYNLK0001<\/MA_LK>\s*<STT>1<\/STT>\s*<MA_DICH_VU>23.0075.1494<\/MA_DICH_VU>/,
    );
    expect(xml).toContain('<GIA_TRI>5.6</GIA_TRI>');
    expect(xml).toContain('<DON_VI_DO>mmol/L</DON_VI_DO>');
    expect(xml).toContain('<NGAY_KQ>202506010905</NGAY_KQ>');
    expect(safeParseNationalDateTime('202506010905')).toEqual({
      ok: true,
      value: '2025-06-01T09:05:00+07:00',
    });
  });
});

const row = (fields: Record<string, string>) =>
  `<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS>${[{ MA_LK: 'SYNLK1', STT: '1' }, fields]
    .map(
      (f) =>
        `<CHI_TIET_CLS>${Object.entries({ MA_LK: 'SYNLK1', STT: '2', ...f })
          .map(([k, v]) => `<${k}>${v}</${k}>`)
          .join('')}</CHI_TIET_CLS>`,
    )
    .join('')}</DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>`;

describe('XML4 length and format rules', () => {
  for (const [field, max] of Object.entries(XML4_MAX_LENGTHS)) {
    it(`${field}: ${max} characters pass, ${max + 1} give XML4_FIELD_TOO_LONG at CHI_TIET_CLS[2].${field}`, () => {
      expect(safeDecodeXml4(row({ [field]: 'x'.repeat(max) })).ok).toBe(true);
      const r = safeDecodeXml4(row({ [field]: 'x'.repeat(max + 1) }));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('XML4_FIELD_TOO_LONG');
        expect(r.error.path).toBe(`CHI_TIET_CLS[2].${field}`);
        expect(r.error.messageVi).toContain(field);
      }
    });
  }
  it.each([
    ['NGAY_KQ', '20250601', 'XML4_FIELD_FORMAT_INVALID'],
    ['NGAY_KQ', '202502301200', 'XML4_FIELD_FORMAT_INVALID'],
    ['STT', 'a', 'XML4_FIELD_FORMAT_INVALID'],
    ['GIA_TRI', '5,6', 'XML4_DECIMAL_COMMA'],
    ['MA_LK', '', 'XML4_FIELD_REQUIRED'],
  ])('%s = %j gives %s', (field, value, code) => {
    const r = safeDecodeXml4(row({ [field]: value }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.path).toBe(`CHI_TIET_CLS[2].${field}`);
    }
  });
  it('encoding checks the same rules and writes nothing on a violation', () => {
    const long = {
      id: 'SYN',
      patient,
      encounterId: 'SYNLK',
      codes: [{ system: S.serviceCode, code: '23.0075.1494' }],
      status: 'final' as const,
      observations: [
        { codes: [], status: 'final' as const, value: { kind: 'text' as const, text: 'x'.repeat(51) } },
      ],
    };
    expect(() => encodeXml4(long)).toThrow(
      expect.objectContaining({ code: 'XML4_FIELD_TOO_LONG', path: 'CHI_TIET_CLS[1].GIA_TRI' }),
    );
  });
  it('an unknown MA_CHI_SO is kept and flagged, never dropped', () => {
    const { value: reports, warnings } = decodeXml4(row({ MA_CHI_SO: 'SYN-LOCAL-9', GIA_TRI: '1' }));
    expect(reports[0]!.observations.at(-1)!.codes[0]).toEqual({
      system: S.national,
      code: 'SYN-LOCAL-9',
      unrecognised: true,
    });
    expect(warnings[0]).toMatchObject({ code: 'XML4_CODE_UNRECOGNISED', path: 'CHI_TIET_CLS[2].MA_CHI_SO' });
  });
  it('any input gives reports or a typed error with a path, never another exception', () => {
    const tag = fc.constantFrom(
      'CHITIEU_CHITIET_DICHVUCANLAMSANG',
      'DSACH_CHI_TIET_CLS',
      'CHI_TIET_CLS',
      'MA_LK',
      'STT',
      'GIA_TRI',
      'NGAY_KQ',
      'X',
    );
    const node: fc.Arbitrary<string> = fc.letrec<{ n: string }>((tie) => ({
      n: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 8 }),
        fc.tuple(tag, fc.array(tie('n'), { maxLength: 3 })).map(([t, c]) => `<${t}>${c.join('')}</${t}>`),
      ),
    })).n;
    fc.assert(
      fc.property(fc.oneof(node, fc.string()), (xml) => {
        try {
          for (const report of decodeXml4(xml).value) LabReportSchema.parse(report);
        } catch (error) {
          expect(isLienThongError(error)).toBe(true);
          expect((error as { path?: string }).path).toBeTruthy();
        }
      }),
      { numRuns: 500 },
    );
  });

  it('decodeXml4Rows(rows) gives what decodeXml4 gives for the table holding the rows, errors included', () => {
    const value = fc.oneof(
      arbText(60),
      fc.constantFrom(
        '',
        '202501150930',
        '202502301200',
        '1,5',
        '7.2',
        'x'.repeat(300),
        ...REAL_QD1227_CODES,
      ),
      fc.constantFrom(...PUBLISHED_SERVICE_CODES),
    );
    const row = fc.record(
      {
        MA_LK: fc.constantFrom('SYN1', 'SYN2', ''),
        STT: fc.constantFrom('1', '2', '3', 'x'),
        MA_DICH_VU: value,
        MA_CHI_SO: value,
        TEN_CHI_SO: value,
        GIA_TRI: value,
        DON_VI_DO: value,
        MO_TA: value,
        KET_LUAN: value,
        NGAY_KQ: value,
        MA_BS_DOC_KQ: value,
        EXTRA: value,
      },
      { requiredKeys: ['MA_LK'] },
    );
    const escapeText = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const table = (rows: Record<string, string>[]) =>
      `<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS>${rows
        .map(
          (r) =>
            `<CHI_TIET_CLS>${Object.entries(r)
              .map(([k, v]) => `<${k}>${escapeText(v)}</${k}>`)
              .join('')}</CHI_TIET_CLS>`,
        )
        .join('')}</DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>`;
    const outcome = (decode: () => unknown) => {
      try {
        return decode();
      } catch (error) {
        const { code, path, issues } = error as ValidationError;
        return { code, path, issues };
      }
    };
    fc.assert(
      fc.property(fc.array(row, { maxLength: 6 }), (rows) => {
        expect(outcome(() => decodeXml4Rows(rows, { patient }))).toEqual(
          outcome(() => decodeXml4(table(rows), { patient })),
        );
      }),
      { numRuns: 300 },
    );
  });
});
