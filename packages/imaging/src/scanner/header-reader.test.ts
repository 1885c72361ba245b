import { readFileSync } from 'node:fs';
import { isLienThongError } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { isDicomPart10, parseDicomHeader, safeParseDicomHeader } from './header-reader.js';
import { nodeInflateRaw } from './scan.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../../fixtures/real-world/dicom/${name}`, import.meta.url)));

function code(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return isLienThongError(error) ? error.code : `untyped ${String(error)}`;
  }
}

describe('DICOM header reader', () => {
  it('reads explicit LE, implicit LE, big endian, RLE and JPEG-LS files alike', () => {
    const names = ['MR_small.dcm', 'MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'MR_small_RLE.dcm'];
    const headers = names.map((n) => parseDicomHeader(fixture(n)));
    for (const h of headers) {
      expect(h.attributes.SOPInstanceUID).toBe('1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457');
      expect(h.attributes.Modality).toBe('MR');
      expect(h.pixelDataReached).toBe(true);
    }
    expect(parseDicomHeader(fixture('CT1_UNC.not_fragmented_bot_jpeg_ls.80.dcm')).transferSyntaxUid).toBe(
      '1.2.840.10008.1.2.4.80',
    );
  });

  it('needs an inflater for deflated files and uses it', () => {
    const bytes = fixture('image_dfl.dcm');
    expect(code(() => parseDicomHeader(bytes))).toBe('DICOM_DEFLATE_UNAVAILABLE');
    expect(parseDicomHeader(bytes, { inflateRaw: nodeInflateRaw }).attributes.Modality).toBe('OT');
  });

  it('reports files without the Part-10 header, truncated files and garbage with typed errors', () => {
    const noMeta = fixture('no_meta.dcm');
    expect(isDicomPart10(noMeta)).toBe(false);
    const r = safeParseDicomHeader(noMeta, { path: 'no_meta.dcm' });
    expect(r.ok ? '' : `${r.error.code} ${r.error.path}`).toBe('DICOM_NOT_PART10 no_meta.dcm');
    const ct = fixture('CT_small.dcm');
    expect(code(() => parseDicomHeader(ct.subarray(0, 700)))).toBe('DICOM_TRUNCATED');
    expect(code(() => parseDicomHeader(ct.subarray(0, 700), { complete: false }))).toBe(
      'DICOM_NEED_MORE_BYTES',
    );
    expect(code(() => parseDicomHeader(new Uint8Array(0)))).toBe('DICOM_NOT_PART10');
    const bad = ct.slice(0, 400);
    bad.fill(0x41, 300);
    expect(code(() => parseDicomHeader(bad))).toMatch(/^DICOM_/);
  });

  it('decodes UTF-8 text when the character set is ISO_IR 192 (synthetic bytes)', () => {
    // Synthetic: preamble + DICM + meta (explicit LE) + (0008,0005) ISO_IR 192 + (0008,1030) Vietnamese text.
    const parts: number[] = [...new Array(128).fill(0), 0x44, 0x49, 0x43, 0x4d];
    const el = (g: number, e: number, vr: string, value: Uint8Array) => {
      const padded = value.length % 2 ? [...value, 0x20] : [...value];
      parts.push(g & 0xff, g >> 8, e & 0xff, e >> 8, vr.charCodeAt(0), vr.charCodeAt(1));
      parts.push(padded.length & 0xff, padded.length >> 8, ...padded);
    };
    const text = (s: string) => new TextEncoder().encode(s);
    el(0x0002, 0x0010, 'UI', text('1.2.840.10008.1.2.1'));
    el(0x0008, 0x0005, 'CS', text('ISO_IR 192'));
    el(0x0008, 0x1030, 'LO', text('Chụp cắt lớp vi tính sọ não'));
    const h = parseDicomHeader(new Uint8Array(parts));
    expect(h.attributes.StudyDescription).toBe('Chụp cắt lớp vi tính sọ não');
    expect(h.pixelDataReached).toBe(false);
  });
});
