import { isLienThongError } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { MAX_COHORT_MEMBERS } from '../limits.js';
import { cohortGroup, parseCohortGroup } from './cohort-group.js';

const CCCD = 'http://fhir.ehealth.gov.vn/core/sid/national_id';
/** A SYNTHETIC citizen id. */
const SYNTHETIC = { system: CCCD, value: '001203012345' };

const refusal = (body: unknown) => {
  try {
    parseCohortGroup(body);
  } catch (error) {
    return isLienThongError(error) ? `${error.code} ${error.path}` : String(error);
  }
  return 'no error';
};

const group = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Group',
  type: 'person',
  actual: true,
  ...extra,
});

describe('parseCohortGroup', () => {
  it('reads a name and members by Patient reference or identifier (the system as the hub stores it)', () => {
    const request = parseCohortGroup(
      group({
        name: 'Đái tháo đường (synthetic)',
        member: [
          { entity: { reference: 'Patient/p-1' } },
          { entity: { identifier: { ...SYNTHETIC, system: 'http://fhir.hl7.org.vn/core/sid/cccd' } } },
        ],
      }),
    );
    expect(request).toEqual({
      name: 'Đái tháo đường (synthetic)',
      members: [{ patientId: 'p-1' }, { identifier: SYNTHETIC }],
    });
    expect(parseCohortGroup(group())).toEqual({ members: [] });
  });

  it.each([
    [undefined, 'BULK_GROUP_INVALID body'],
    [[], 'BULK_GROUP_INVALID body'],
    [{ resourceType: 'Patient' }, 'BULK_GROUP_INVALID body'],
    [group({ type: 'device' }), 'BULK_GROUP_INVALID body.type'],
    [group({ actual: false }), 'BULK_GROUP_INVALID body.actual'],
    [group({ name: '' }), 'BULK_GROUP_INVALID body.name'],
    [group({ name: 5 }), 'BULK_GROUP_INVALID body.name'],
    [group({ characteristic: [] }), 'BULK_GROUP_INVALID body.characteristic'],
    [group({ member: {} }), 'BULK_GROUP_INVALID body.member'],
    [group({ member: [null] }), 'BULK_GROUP_INVALID member[0].entity'],
    [group({ member: [{ entity: {} }] }), 'BULK_GROUP_INVALID member[0].entity'],
    [group({ member: [{ entity: { reference: 'Observation/1' } }] }), 'BULK_GROUP_INVALID member[0].entity'],
    [
      group({ member: [{ entity: { reference: 'Patient/1', identifier: SYNTHETIC } }] }),
      'BULK_GROUP_INVALID member[0].entity',
    ],
    [
      group({ member: [{ entity: { identifier: { system: CCCD, value: '' } } }] }),
      'BULK_GROUP_INVALID member[0].entity',
    ],
    [
      group({ member: [{ entity: { reference: 'Patient/1' } }, { entity: { identifier: { value: 'x' } } }] }),
      'BULK_GROUP_INVALID member[1].entity',
    ],
    [
      group({ member: [{ entity: { reference: 'Patient/1' }, inactive: true }] }),
      'BULK_GROUP_INVALID member[0].inactive',
    ],
    [
      group({
        member: Array.from({ length: MAX_COHORT_MEMBERS + 1 }, () => ({
          entity: { reference: 'Patient/1' },
        })),
      }),
      'BULK_COHORT_TOO_LARGE body.member',
    ],
  ])('refuses %# with %s', (body, expected) => {
    expect(refusal(body)).toBe(expected);
  });

  it('serves a cohort as a Group listing its members as given', () => {
    expect(
      cohortGroup({
        id: 'c-1',
        members: [{ patientId: 'p-1' }, { identifier: SYNTHETIC }],
        updatedAt: '2026-12-24T00:00:00.000Z',
      }),
    ).toEqual({
      resourceType: 'Group',
      id: 'c-1',
      meta: { versionId: '1', lastUpdated: '2026-12-24T00:00:00.000Z' },
      type: 'person',
      actual: true,
      quantity: 2,
      member: [{ entity: { reference: 'Patient/p-1' } }, { entity: { identifier: SYNTHETIC } }],
    });
  });
});
