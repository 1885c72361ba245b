import { describe, expect, it } from 'vitest';
import type { ImagingReference } from './model.js';
import { parseImagingReference } from './reference.js';
import { defineReusePolicy, evaluateReuse } from './reuse-policy.js';

/** Synthetic reference (made up for tests). */
const ct: ImagingReference = parseImagingReference({
  studyInstanceUid: '2.25.42',
  patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:79001', value: 'BN-1' }] },
  performingFacility: { code: '79001' },
  studyDate: '2025-03-01',
  modalities: ['CT'],
  series: [{ uid: '2.25.42.1', modality: 'CT', instanceCount: 100 }],
  instanceCount: 100,
  endpoints: { wadoRs: 'https://pacs.example.vn/dicom-web' },
  report: {
    signers: [
      { role: 'performer', name: 'KTV B' },
      { role: 'reader', name: 'BS A' },
    ],
    signedAt: '2025-03-01T10:00:00+07:00',
  },
  completeness: 'complete',
});

const policy = defineReusePolicy({ maxAgeDays: { CT: 90, US: 7 }, trustedFacilities: ['79001', '01001'] });

describe('reuse policy', () => {
  it('accepts a complete, signed, recent study from a trusted facility, saying why', () => {
    const d = evaluateReuse(ct, policy, { onDate: '2025-04-01' });
    expect(d.reusable).toBe(true);
    expect(d.reasons).toEqual([]);
    expect(d.checks.map((c) => c.code)).toEqual([
      'IMAGING_REUSE_OK_COMPLETE',
      'IMAGING_REUSE_OK_SIGNED',
      'IMAGING_REUSE_OK_AGE',
      'IMAGING_REUSE_OK_FACILITY',
      'IMAGING_REUSE_OK_VIEWER',
    ]);
  });

  it('gives every failing reason', () => {
    const bad: ImagingReference = {
      ...ct,
      completeness: 'partial',
      performingFacility: { code: '99999' },
      endpoints: {},
      report: { signers: [{ role: 'performer', name: 'KTV B' }], signedAt: '2025-03-01T10:00:00+07:00' },
    };
    const d = evaluateReuse(bad, policy, { onDate: '2025-12-01' });
    expect(d.reusable).toBe(false);
    expect(d.reasons.map((r) => r.code)).toEqual([
      'IMAGING_REUSE_NOT_COMPLETE',
      'IMAGING_REUSE_REPORT_UNSIGNED',
      'IMAGING_REUSE_TOO_OLD',
      'IMAGING_REUSE_FACILITY_NOT_TRUSTED',
      'IMAGING_REUSE_NO_VIEWER_ENDPOINT',
    ]);
    expect(d.reasons[1]?.messageVi).toBe('Kết quả chưa có chữ ký của bác sĩ đọc kết quả.');
    expect(d.reasons[2]?.message).toMatch(/275 days old; at most 90/);
  });

  it("writes day counts with the reader's digit grouping", () => {
    const old = { ...ct, studyDate: '2000-01-01' };
    const [reason] = evaluateReuse(old, policy, { onDate: '2025-12-01' }).reasons;
    expect(reason?.message).toBe('The study is 9,466 days old; at most 90 days are accepted for CT.');
    expect(reason?.messageVi).toBe('Ca chụp đã 9.466 ngày; chỉ chấp nhận tối đa 90 ngày với CT.');
  });

  it('uses the strictest limit of a multi-modality study and the default for unlisted ones', () => {
    const mixed = { ...ct, modalities: ['CT', 'US'] };
    expect(evaluateReuse(mixed, policy, { onDate: '2025-03-10' }).reasons.map((r) => r.code)).toEqual([
      'IMAGING_REUSE_TOO_OLD',
    ]);
    const mr = { ...ct, modalities: ['MR'] };
    expect(evaluateReuse(mr, { ...policy, defaultMaxAgeDays: 10 }, { onDate: '2025-04-01' }).reusable).toBe(
      false,
    );
    expect(evaluateReuse(mr, policy, { onDate: '2030-01-01' }).reusable).toBe(true);
  });

  it('flags unknown completeness, a missing report and unknown dates', () => {
    const { report: _r, studyDate: _d, ...rest } = ct;
    const d = evaluateReuse({ ...rest, completeness: 'unknown' }, policy, { onDate: '2025-04-01' });
    expect(d.reasons.map((r) => r.code)).toEqual([
      'IMAGING_REUSE_COMPLETENESS_UNKNOWN',
      'IMAGING_REUSE_REPORT_MISSING',
      'IMAGING_REUSE_DATE_UNKNOWN',
    ]);
  });

  it('rules are data: a policy is validated JSON', () => {
    const fromJson = JSON.parse(
      '{"requiredSigners":["reader"],"maxAgeDays":{"CT":30},"requireViewerEndpoint":false}',
    );
    expect(defineReusePolicy(fromJson).requiredSigners).toEqual(['reader']);
    expect(() => defineReusePolicy({ maxAgeDays: { CT: -1 } })).toThrow(
      expect.objectContaining({ code: 'IMAGING_REUSE_POLICY_INVALID' }),
    );
  });
});
