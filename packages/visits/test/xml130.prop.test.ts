import { isLienThongError } from '@lienthong/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkXml130, decodeXml130, encodeXml130, safeDecodeXml130 } from '../src/xml130/index.js';
import { type SyntheticVisit, syntheticFileSet, syntheticVisits } from './fixtures/synthetic-file-set.js';

// Text XML can carry: no control characters (XML 1.0 forbids most), any other Unicode.
const xmlText = fc
  .string({ unit: 'grapheme', maxLength: 20 })
  .map((s) =>
    [...s]
      .filter((c) => (c.codePointAt(0) ?? 0) >= 0x20 && c !== '\u007f' && c !== '\ufffe' && c !== '\uffff')
      .join(''),
  );
const maybeDate = fc.oneof(
  fc
    .date({ min: new Date('1950-01-01'), max: new Date('2090-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().replace(/[-T:]/g, '').slice(0, 12)),
  xmlText,
);
const codes = fc
  .array(fc.stringMatching(/^[A-Z][0-9]{2}(\.[0-9])?$/), { maxLength: 4 })
  .map((c) => c.join(';'));

/** Random values over the synthetic visits' fields, mapped and unmapped alike. */
const visitsArb = fc
  .record({
    name: xmlText,
    reason: xmlText,
    money: xmlText,
    sex: fc.constantFrom('1', '2', '3', '9', ''),
    main: xmlText,
    secondary: codes,
    admitted: maybeDate,
    followUp: fc.constantFrom('20250125', '20250125;20250201', 'x', ''),
    cccd: fc.constantFrom('001085012345', '12', ''),
    cards: fc.constantFrom('DN4010123456789', 'A;B', ' ; ', ''),
    drug: xmlText,
    orderedAt: maybeDate,
    quantity: xmlText,
    note: xmlText,
    lab: xmlText,
    extra: xmlText,
  })
  .map((r): SyntheticVisit[] => {
    const visits = syntheticVisits();
    Object.assign(visits[0]!.xml1, {
      HO_TEN: r.name,
      LY_DO_VV: r.reason,
      T_BHTT: r.money,
      GIOI_TINH: r.sex,
      MA_BENH_CHINH: r.main,
      MA_BENH_KT: r.secondary,
      NGAY_VAO: r.admitted,
      NGAY_TAI_KHAM: r.followUp,
      SO_CCCD: r.cccd,
      MA_THE_BHYT: r.cards,
      DU_PHONG: r.extra,
    });
    Object.assign(visits[0]!.xml2[0]!, { TEN_THUOC: r.drug, NGAY_YL: r.orderedAt, SO_LUONG: r.quantity });
    Object.assign(visits[0]!.xml5[0]!, { DIEN_BIEN_LS: r.note });
    Object.assign(visits[0]!.xml4[1]!, { GIA_TRI: r.lab, MO_TA: ` ${r.lab} ` });
    return visits;
  });

describe('XML 130 properties', () => {
  it('decode → encode → decode gives the same model, every field kept', () => {
    fc.assert(
      fc.property(visitsArb, fc.boolean(), fc.boolean(), (visits, crlf, wrap) => {
        const first = decodeXml130(syntheticFileSet(visits, { crlf, wrap }), { lenient: true }).value;
        const second = decodeXml130(encodeXml130(first).value, { lenient: true }).value;
        expect(second).toEqual(first);
        expect(first.visits[0]!.source.T_BHTT ?? '').toBe(visits[0]!.xml1.T_BHTT!.trim());
      }),
      { numRuns: 60 },
    );
  });

  it('arbitrary strings and bytes: safe functions never throw, errors are LienThongErrors', () => {
    const input = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 200 }),
      fc
        .string()
        .map(
          (s) =>
            `<GIAMDINHHS><THONGTINHOSO><DANHSACHHOSO><HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>${s}</NOIDUNGFILE></FILEHOSO></HOSO></DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>`,
        ),
      fc.string().map((s) => `<TONG_HOP><MA_LK>${s}</MA_LK></TONG_HOP>`),
      fc
        .string()
        .map(
          (s) =>
            `<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS><CHI_TIET_CLS>${s}</CHI_TIET_CLS></DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>`,
        ),
    );
    fc.assert(
      fc.property(input, (x) => {
        const r = safeDecodeXml130(x);
        if (!r.ok) expect(isLienThongError(r.error)).toBe(true);
        const problems = checkXml130(x);
        for (const p of problems) expect(typeof p.messageVi).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
