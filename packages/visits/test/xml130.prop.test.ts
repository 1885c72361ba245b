import { isLienThongError } from '@lienthong/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkXml130, decodeXml130, encodeXml130, safeDecodeXml130 } from '../src/xml130/index.js';
import { syntheticFileSet } from './fixtures/synthetic-file-set.js';
import { visitsArb } from './fixtures/visit-arbitraries.js';

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
