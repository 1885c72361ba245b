import { describe, expect, it } from 'vitest';
import {
  dicomUidFromUrn,
  dicomUidToUrn,
  generateDicomUid,
  isDicomUid,
  parseDicomUid,
  safeParseDicomUid,
} from './uid.js';

describe('DICOM UIDs (PS3.5 §9.1)', () => {
  it('accepts real UIDs', () => {
    for (const uid of ['1.2.840.10008.1.2.1', '0', '1.0.2', '2.25.329800735698586629295641978511506172918']) {
      expect(isDicomUid(uid)).toBe(true);
    }
  });

  it('names what is wrong', () => {
    const code = (v: unknown) => {
      const r = safeParseDicomUid(v, 'uid');
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(42)).toBe('DICOM_UID_NOT_TEXT');
    expect(code('')).toBe('DICOM_UID_EMPTY');
    expect(code(`1.${'2'.repeat(63)}`)).toBe('DICOM_UID_TOO_LONG');
    expect(code('1.2.a')).toBe('DICOM_UID_CHARACTER_INVALID');
    expect(code('1..2')).toBe('DICOM_UID_COMPONENT_EMPTY');
    expect(code('.1.2')).toBe('DICOM_UID_COMPONENT_EMPTY');
    expect(code('1.2.')).toBe('DICOM_UID_COMPONENT_EMPTY');
    expect(code('1.02.3')).toBe('DICOM_UID_LEADING_ZERO');
    expect(code('1.2.840.10008.1.2\0')).toBe('ok');
    const r = safeParseDicomUid('1.02', 'series[0].uid');
    expect(r.ok ? undefined : r.error.path).toBe('series[0].uid');
    expect(r.ok ? '' : r.error.messageVi).toMatch(/số 0/);
  });

  it('exactly 64 characters is allowed, 65 is not', () => {
    const uid64 = `1.${'2'.repeat(62)}`;
    expect(uid64.length).toBe(64);
    expect(isDicomUid(uid64)).toBe(true);
    expect(isDicomUid(`${uid64}3`)).toBe(false);
    expect(() => parseDicomUid(`${uid64}3`)).toThrow(/at most 64/);
  });

  it('generates 2.25 UIDs from a UUID as one decimal integer', () => {
    expect(generateDicomUid(() => '00000000-0000-0000-0000-000000000000')).toBe('2.25.0');
    expect(generateDicomUid(() => 'ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe(
      '2.25.340282366920938463463374607431768211455',
    );
    expect(isDicomUid(generateDicomUid())).toBe(true);
    expect(generateDicomUid()).not.toBe(generateDicomUid());
  });

  it('converts to and from urn:oid:', () => {
    expect(dicomUidToUrn('1.2.3')).toBe('urn:oid:1.2.3');
    expect(dicomUidFromUrn('urn:oid:1.2.3')).toBe('1.2.3');
    expect(dicomUidFromUrn('1.2.3')).toBe('1.2.3');
    expect(dicomUidFromUrn('urn:oid:1.02')).toBeUndefined();
  });
});
