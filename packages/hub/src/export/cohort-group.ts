import { canonicalIdentifier, ValidationError } from '@lienthong/core';
import {
  FHIR_ID,
  isIdText,
  MAX_COHORT_MEMBERS,
  MAX_COHORT_NAME_LENGTH,
  MAX_ID_LENGTH,
  MAX_SYSTEM_LENGTH,
} from '../limits.js';

/** A patient key: an identifier as the hub's key tables hold it. */
export interface PatientKey {
  system: string;
  value: string;
}

/** A member of a cohort as given: a Patient of the facade (its directory id), or an identifier. */
export type CohortMember = { patientId: string } | { identifier: PatientKey };

/** A FHIR Group of a cohort create request, checked. */
export interface CohortRequest {
  name?: string;
  members: CohortMember[];
}

/** The FHIR Group a stored cohort is served as. */
export interface CohortGroup {
  resourceType: 'Group';
  id: string;
  meta: { versionId: string; lastUpdated: string };
  type: 'person';
  actual: true;
  name?: string;
  quantity: number;
  member: { entity: { reference: string } | { identifier: PatientKey } }[];
}

/** 400 `BULK_GROUP_INVALID` at `path`. */
export const groupInvalid = (path: string, message: string, messageVi: string) =>
  new ValidationError({ code: 'BULK_GROUP_INVALID', message, messageVi, path });

/** 413 `BULK_COHORT_TOO_LARGE`: more than {@link MAX_COHORT_MEMBERS} members (or patients). */
export const cohortTooLarge = (path: string) =>
  new ValidationError({
    code: 'BULK_COHORT_TOO_LARGE',
    message: `A cohort (or an export's patient list) holds at most ${MAX_COHORT_MEMBERS} patients.`,
    messageVi: `Một nhóm (hoặc danh sách người bệnh của lệnh xuất) có tối đa ${MAX_COHORT_MEMBERS} người bệnh.`,
    path,
    details: { status: 413 },
  });

/** 400 `BULK_PATIENT_UNKNOWN`: the directory knows no such Patient (the path names the member, never the id). */
export const patientUnknown = (path: string) =>
  new ValidationError({
    code: 'BULK_PATIENT_UNKNOWN',
    message: `${path} names a Patient the hub's patient directory does not hold.`,
    messageVi: `${path} nêu một Patient không có trong danh mục người bệnh của sàn.`,
    path,
  });

const PATIENT_REFERENCE = /^Patient\/([A-Za-z0-9\-.]{1,64})$/;

/** The facade Patient id of a `Patient/<id>` reference, or undefined. */
export function patientIdOf(reference: unknown): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const id = PATIENT_REFERENCE.exec(reference)?.[1];
  return id !== undefined && FHIR_ID.test(id) ? id : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One member's entity: `{ reference: 'Patient/<id>' }` or `{ identifier: { system, value } }`. */
function memberOf(member: unknown, at: string): CohortMember {
  const bad = (what: string, whatVi: string) =>
    groupInvalid(`${at}.entity`, `${at}.entity ${what}.`, `${at}.entity ${whatVi}.`);
  if (!isObject(member) || !isObject(member.entity))
    throw bad('must be a Reference to a Patient', 'phải là tham chiếu tới một Patient');
  if (member.inactive === true)
    throw groupInvalid(
      `${at}.inactive`,
      'Inactive members are not stored.',
      'Không lưu thành viên không hoạt động.',
    );
  const { reference, identifier } = member.entity;
  if ((reference === undefined) === (identifier === undefined))
    throw bad(
      'carries either reference ("Patient/<id>") or identifier ({ system, value })',
      'có đúng một trong reference ("Patient/<id>") hoặc identifier ({ system, value })',
    );
  if (reference !== undefined) {
    const patientId = patientIdOf(reference);
    if (patientId === undefined)
      throw bad('reference must be "Patient/<id>"', 'reference phải có dạng "Patient/<id>"');
    return { patientId };
  }
  if (
    !isObject(identifier) ||
    typeof identifier.system !== 'string' ||
    typeof identifier.value !== 'string' ||
    !isIdText(identifier.system, MAX_SYSTEM_LENGTH) ||
    !isIdText(identifier.value, MAX_ID_LENGTH)
  )
    throw bad(
      `identifier needs a system (1–${MAX_SYSTEM_LENGTH} characters) and a value (1–${MAX_ID_LENGTH})`,
      `identifier cần system (1–${MAX_SYSTEM_LENGTH} ký tự) và value (1–${MAX_ID_LENGTH})`,
    );
  return { identifier: canonicalIdentifier({ system: identifier.system, value: identifier.value }) };
}

/**
 * Reads the FHIR Group a `POST /fhir/Group` carries: `type: 'person'`, `actual: true`, an
 * optional `name`, and `member[].entity` — a `Patient/<id>` reference or an identifier (its system
 * taken to the URI the hub stores). 400 `BULK_GROUP_INVALID` for anything else, 413
 * `BULK_COHORT_TOO_LARGE` past {@link MAX_COHORT_MEMBERS} members.
 * @example parseCohortGroup({ resourceType: 'Group', type: 'person', actual: true, member: [{ entity: { reference: 'Patient/p1' } }] })
 */
export function parseCohortGroup(body: unknown): CohortRequest {
  if (!isObject(body) || body.resourceType !== 'Group')
    throw groupInvalid(
      'body',
      'The body must be a FHIR Group resource.',
      'Nội dung phải là tài nguyên FHIR Group.',
    );
  if (body.type !== 'person')
    throw groupInvalid(
      'body.type',
      'A cohort is a Group of type "person".',
      'Nhóm phải có type là "person".',
    );
  if (body.actual !== true)
    throw groupInvalid(
      'body.actual',
      'A cohort lists its patients: actual must be true.',
      'Nhóm liệt kê người bệnh cụ thể: actual phải là true.',
    );
  if (
    body.name !== undefined &&
    (typeof body.name !== 'string' || !isIdText(body.name, MAX_COHORT_NAME_LENGTH))
  )
    throw groupInvalid(
      'body.name',
      `name must be 1–${MAX_COHORT_NAME_LENGTH} characters of text.`,
      `name phải dài 1–${MAX_COHORT_NAME_LENGTH} ký tự văn bản.`,
    );
  for (const unsupported of ['characteristic', 'code', 'managingEntity'] as const)
    if (body[unsupported] !== undefined)
      throw groupInvalid(
        `body.${unsupported}`,
        `A cohort is a list of members; ${unsupported} is not supported.`,
        `Nhóm là danh sách thành viên; không hỗ trợ ${unsupported}.`,
      );
  const list = body.member ?? [];
  if (!Array.isArray(list))
    throw groupInvalid('body.member', 'member must be an array.', 'member phải là một mảng.');
  if (list.length > MAX_COHORT_MEMBERS) throw cohortTooLarge('body.member');
  const members = list.map((m, i) => memberOf(m, `member[${i}]`));
  return { ...(body.name !== undefined ? { name: body.name as string } : {}), members };
}

/** The FHIR Group a cohort is served as: its members as they were given. */
export function cohortGroup(cohort: {
  id: string;
  name?: string | undefined;
  members: readonly CohortMember[];
  updatedAt: string;
}): CohortGroup {
  return {
    resourceType: 'Group',
    id: cohort.id,
    meta: { versionId: '1', lastUpdated: cohort.updatedAt },
    type: 'person',
    actual: true,
    ...(cohort.name !== undefined ? { name: cohort.name } : {}),
    quantity: cohort.members.length,
    member: cohort.members.map((m) =>
      'patientId' in m
        ? { entity: { reference: `Patient/${m.patientId}` } }
        : { entity: { identifier: { system: m.identifier.system, value: m.identifier.value } } },
    ),
  };
}
