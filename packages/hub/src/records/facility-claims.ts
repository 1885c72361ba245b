import { AuthError, facilityRecordSystem } from '@lienthong/core';
import type { ImagingReference } from '@lienthong/imaging';
import type { LabReport } from '@lienthong/result-exchange';
import type { Visit } from '@lienthong/visits';
import type { Publisher } from './access.js';

/**
 * A facility acts only as itself: the key decides, never the body. Every field where a sender
 * names a facility as itself — the performing facility and the laboratory of a report, the
 * performing facility of an imaging study, the facility of a patient's record number — must name
 * the caller's facility, or the request is refused (403) at the first field that does not. Fields
 * that legitimately name someone else (a report's ordering facility, an insurance card's registered
 * facility) are not claims: they are stored as sent and never decide who published a record.
 */

/** A field where a record names its publisher: its path (for the error) and the code it holds. */
interface FacilityClaim {
  path: string;
  code: string | undefined;
}

/** An identifier as the models carry it: patient records add `facilityCode`, reports do not. */
interface ClaimedIdentifier {
  system: string;
  value: string;
  facilityCode?: string | undefined;
}

/** The record-number systems of facilities: `urn:lienthong:sid:mrn:<facility code>`. */
const RECORD_SYSTEM_PREFIX = facilityRecordSystem('');

/** 403 `HUB_PUBLISH_AS_OTHER_FACILITY`: the field at `path` names another facility as the publisher. */
function publishAsOther(path: string): AuthError {
  return new AuthError({
    code: 'HUB_PUBLISH_AS_OTHER_FACILITY',
    message: `A facility publishes only as itself: ${path} names another facility.`,
    messageVi: `Mỗi cơ sở chỉ được gửi dữ liệu với danh nghĩa của chính mình: ${path} ghi mã một cơ sở khác.`,
    path,
    status: 403,
  });
}

/** 403 `HUB_IDENTIFIER_OF_OTHER_FACILITY`: the identifier field at `path` names another facility. */
function identifierOfOther(path: string): AuthError {
  return new AuthError({
    code: 'HUB_IDENTIFIER_OF_OTHER_FACILITY',
    message: `A facility asserts only its own record numbers: ${path} names another facility.`,
    messageVi: `Mỗi cơ sở chỉ được khai mã hồ sơ của chính mình: ${path} ghi mã một cơ sở khác.`,
    path,
    status: 403,
  });
}

/** The field of `identifier` naming a facility other than `facility`, if any. */
function otherFacilityField(
  identifier: ClaimedIdentifier,
  facility: string,
): 'facilityCode' | 'system' | undefined {
  if (identifier.facilityCode !== undefined && identifier.facilityCode !== facility) return 'facilityCode';
  const { system } = identifier;
  if (system.startsWith(RECORD_SYSTEM_PREFIX) && system.slice(RECORD_SYSTEM_PREFIX.length) !== facility)
    return 'system';
  return undefined;
}

const sameIdentifier = (a: ClaimedIdentifier, b: ClaimedIdentifier) =>
  a.system === b.system && a.value === b.value && a.facilityCode === b.facilityCode;

/**
 * Refuses (403 `HUB_IDENTIFIER_OF_OTHER_FACILITY`, path `<path>[i].facilityCode` or `.system`) the
 * first identifier naming another facility than the caller's, by its `facilityCode` or by being in
 * another facility's record-number system. Identifiers naming no facility (a personal ID, an
 * insurance card) pass, and so do those in `held` — what the stored record already says: sending
 * it back asserts nothing new. Administrators (imports, migrations) may name any facility.
 */
export function checkIdentifierClaims(
  publisher: Publisher,
  identifiers: readonly ClaimedIdentifier[],
  path: string,
  held: readonly ClaimedIdentifier[] = [],
): void {
  if (publisher.admin) return;
  identifiers.forEach((identifier, i) => {
    const field = otherFacilityField(identifier, publisher.facilityCode);
    if (field && !held.some((h) => sameIdentifier(h, identifier)))
      throw identifierOfOther(`${path}[${i}].${field}`);
  });
}

/**
 * The facility a record is published as — the key's; for an administrator, the first one the
 * record names (its own code when it names none) — and a 403 at the first claim naming another.
 */
function publishingFacility(publisher: Publisher, claims: readonly FacilityClaim[]): string {
  const facility = publisher.admin
    ? (claims.find((c) => c.code !== undefined)?.code ?? publisher.facilityCode)
    : publisher.facilityCode;
  const other = claims.find((c) => c.code !== undefined && c.code !== facility);
  if (other) throw publishAsOther(other.path);
  return facility;
}

/**
 * The record naming `owner` — the facility it is stored under — as its performing facility when
 * the sender named none, so every reader (`/v1` and `/fhir`) sees who published it, and a record
 * re-sent without it is still the same record. An administrator's record naming no facility is
 * stored under the administrator's own code, which is no facility: it stays as sent.
 */
export function withPerformingFacility<
  T extends { performingFacility?: { code?: string | undefined } | undefined },
>(record: T, publisher: Publisher, owner: string): T {
  if (record.performingFacility?.code || (publisher.admin && owner === publisher.facilityCode)) return record;
  return { ...record, performingFacility: { ...record.performingFacility, code: owner } };
}

/**
 * The facility a lab report is published as, once its claims are checked: `performingFacility.code`,
 * `lab.code` and the patient's record numbers (`orderingFacility` may name anyone).
 */
export function claimLabReport(publisher: Publisher, report: LabReport): string {
  const facility = publishingFacility(publisher, [
    { path: 'performingFacility.code', code: report.performingFacility?.code },
    { path: 'lab.code', code: report.lab?.code },
  ]);
  checkIdentifierClaims(publisher, report.patient.identifiers, 'patient.identifiers');
  return facility;
}

/**
 * The facility an imaging reference is published as, once its claims are checked:
 * `performingFacility.code` and the patient's record numbers.
 */
export function claimImagingReference(publisher: Publisher, reference: ImagingReference): string {
  const facility = publishingFacility(publisher, [
    { path: 'performingFacility.code', code: reference.performingFacility?.code },
  ]);
  checkIdentifierClaims(publisher, reference.patient.identifiers, 'patient.identifiers');
  return facility;
}

/**
 * Checks the claims of a visit published as `publisher` — its facility (MA_CSKCB, part of its key)
 * and the patient's record numbers — at the visit's `path` (`''`, or `visits[2].` in a file set).
 */
export function claimVisit(publisher: Publisher, visit: Visit, path = ''): void {
  claimFacility(publisher, visit.facility, `${path}facility`);
  checkIdentifierClaims(publisher, visit.patient.identifiers, `${path}patient.identifiers`);
}

/** 403 `HUB_PUBLISH_AS_OTHER_FACILITY` at `path` when `code` names another facility than the publisher's. */
export function claimFacility(publisher: Publisher, code: string | undefined, path: string): void {
  publishingFacility(publisher, [{ path, code }]);
}
