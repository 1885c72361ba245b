import { isLienThongError } from '@lienthong/core';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbDateTime, arbText, arbToken, REAL_QD1227_CODES } from '../../test/arbitraries.js';
import type { LabReport } from '../model.js';
import { DEFAULT_LAB_SYSTEMS as S } from '../systems.js';
import { normaliseUnit } from '../units.js';
import { decodeCv365, encodeCv365, safeDecodeCv365 } from './cv365.js';

// SYNTHETIC field names: CV 365 confirms only `machiso`; every other name below is a stand-in a
// deployment would replace with its partners' names. They are deliberately not Vietnamese-looking.
const SYNTHETIC_FIELDS = {
  reportId: 'synthetic_report_id',
  indicatorName: 'synthetic_name',
  value: 'synthetic_value',
  unit: 'synthetic_unit',
  referenceRange: 'synthetic_range',
  interpretation: 'synthetic_flags',
  performedAt: 'synthetic_performed_at',
  issuedAt: 'synthetic_issued_at',
  conclusion: 'synthetic_conclusion',
  note: 'synthetic_note',
};
const codeSystem = { system: S.national, version: 'QĐ 1227/QĐ-BYT 2025' };
const patient = { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN1' }] };

const arbCv365Report: fc.Arbitrary<LabReport> = fc
  .record(
    {
      id: fc.stringMatching(/^SYN[A-Z0-9]{1,8}$/),
      issuedAt: arbDateTime,
      conclusion: arbText(),
      rows: fc.array(
        fc.record(
          {
            code: fc.constantFrom(...REAL_QD1227_CODES),
            name: arbToken(),
            value: fc.oneof(
              fc
                .tuple(
                  fc.integer({ min: -9999, max: 9999 }).map((n) => n / 10 + 0),
                  fc.constantFrom('mmol/L', 'mg/dl', 'G/L'),
                )
                .map(([v, u]) => ({ kind: 'quantity' as const, value: v, originalUnit: u })),
              arbToken()
                .filter((t) => !/^[+-]?(\d+(\.\d+)?|\.\d+)$/.test(t.trim()))
                .map((text) => ({ kind: 'text' as const, text })),
            ),
            range: arbToken(),
            flags: fc.uniqueArray(fc.constantFrom('N', 'H', 'L'), { minLength: 1, maxLength: 2 }),
            performedAt: arbDateTime,
            note: arbText(),
          },
          { requiredKeys: ['code'] },
        ),
        { minLength: 1, maxLength: 4 },
      ),
    },
    { requiredKeys: ['id', 'rows'] },
  )
  .map(
    (g) =>
      ({
        id: g.id,
        patient,
        codes: [],
        status: 'final',
        ...(g.issuedAt ? { issuedAt: g.issuedAt } : {}),
        ...(g.conclusion ? { conclusion: g.conclusion } : {}),
        observations: g.rows.map((r) => ({
          codes: [
            {
              system: S.national,
              code: r.code,
              version: codeSystem.version,
              ...(r.name ? { display: r.name } : {}),
            },
          ],
          ...(r.name ? { name: r.name } : {}),
          status: 'final',
          ...(r.value
            ? {
                value:
                  r.value.kind === 'quantity'
                    ? {
                        kind: 'quantity',
                        value: r.value.value,
                        ...(normaliseUnit(r.value.originalUnit)
                          ? { unit: normaliseUnit(r.value.originalUnit) }
                          : {}),
                        originalUnit: r.value.originalUnit,
                      }
                    : r.value,
              }
            : {}),
          ...(r.range ? { referenceRange: [{ text: r.range }] } : {}),
          ...(r.flags ? { interpretation: r.flags } : {}),
          ...(r.performedAt ? { performedAt: r.performedAt } : {}),
          ...(r.note ? { note: r.note } : {}),
        })),
      }) as LabReport,
  );

describe('CV 365 KetQuaXetNghiem', () => {
  it.each(['json', 'xml'] as const)(
    'round trip (%s) keeps every configured field; code system travels alongside',
    (format) => {
      fc.assert(
        fc.property(arbCv365Report, (report) => {
          const out = encodeCv365(report, { format, fields: SYNTHETIC_FIELDS, codeSystem });
          expect(out.warnings).toEqual([]);
          expect(out.codeSystem).toEqual(codeSystem);
          const back = decodeCv365(out.value, {
            fields: SYNTHETIC_FIELDS,
            codeSystem: out.codeSystem,
            patient,
          });
          expect(back.value).toEqual([report]);
        }),
        { numRuns: 150 },
      );
    },
  );

  it('with only the confirmed field, writes machiso and lists every omitted field', () => {
    const out = encodeCv365({
      id: 'SYN',
      patient,
      codes: [],
      status: 'final',
      observations: [
        {
          codes: [{ system: S.national, code: '1071177' }],
          name: 'x',
          status: 'final',
          value: { kind: 'quantity', value: 1 },
        },
      ],
    });
    expect(JSON.parse(out.value)).toEqual({ HoSoBenhAn: { KetQuaXetNghiem: [{ machiso: '1071177' }] } });
    expect(out.warnings.map((w) => w.path)).toEqual(
      expect.arrayContaining(['fields.reportId', 'fields.indicatorName', 'fields.value']),
    );
    expect(out.warnings.every((w) => w.code === 'CV365_FIELD_UNNAMED')).toBe(true);
    expect(out.warnings.find((w) => w.path === 'fields.value')).toMatchObject({
      message: 'No CV 365 field name is configured for value: not written',
      messageVi: 'Chưa cấu hình tên trường CV 365 cho value: không ghi',
    });
    expect(decodeCv365(out.value).value[0]!.observations[0]!.codes).toEqual([
      { system: S.national, code: '1071177' },
    ]);
  });

  it('an unknown machiso is kept and flagged', () => {
    const { value: reports, warnings } = decodeCv365(
      '{"HoSoBenhAn":{"KetQuaXetNghiem":[{"machiso":"SYN-9"}]}}',
    );
    expect(reports[0]!.observations[0]!.codes[0]).toMatchObject({ code: 'SYN-9', unrecognised: true });
    expect(warnings[0]).toMatchObject({
      code: 'CV365_CODE_UNRECOGNISED',
      path: 'HoSoBenhAn.KetQuaXetNghiem[0].machiso',
    });
  });

  it('any input gives reports or a typed error with a path', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify({ HoSoBenhAn: { KetQuaXetNghiem: v } })),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const r = safeDecodeCv365(text, { fields: SYNTHETIC_FIELDS });
          if (!r.ok) {
            expect(isLienThongError(r.error)).toBe(true);
            expect(r.error.path).toBeTruthy();
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
