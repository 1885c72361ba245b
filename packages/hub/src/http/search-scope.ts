import { AuthError, canonicalIdentifierSystem, type IdentifierValue, ValidationError } from '@lienthong/core';
import type { Caller } from './env.js';

/*
 * One patient per search, on /v1 and /fhir alike. Every read of patient data writes one audit
 * entry naming the patient read, so a search answers the records of the one patient it names — or
 * the records it names by id, when they belong to one patient — and nothing wider. The one
 * exception is a facility listing the records it published itself (`facility=<its own code>`),
 * audited as an own-records listing. Population-level reads are not served here.
 */

const parameterOf = (path: string) => path.replace(/^(query|body)\./, '');

/**
 * 400 `HUB_SEARCH_PATIENT_REQUIRED`: a search of patient data that names no patient. `ownListing`:
 * the endpoint also lists the caller's own records (`facility`), which the message then offers.
 */
export function searchPatientRequired(path: string, options: { ownListing: boolean }): ValidationError {
  const name = parameterOf(path);
  return new ValidationError({
    code: 'HUB_SEARCH_PATIENT_REQUIRED',
    message: `A search of patient data names one patient (${name})${
      options.ownListing
        ? ', or lists the records the calling facility published itself (facility=<its own code>)'
        : ''
    }: every read of patient data is audited against the patient read.`,
    messageVi: `Mỗi lần tìm dữ liệu người bệnh phải nêu một người bệnh (${name})${
      options.ownListing
        ? ', hoặc liệt kê dữ liệu do chính cơ sở gọi đã gửi (facility=<mã của chính cơ sở>)'
        : ''
    }: mọi lần đọc dữ liệu người bệnh đều được ghi nhật ký theo người bệnh được đọc.`,
    path,
  });
}

/** 400 `HUB_SEARCH_SEVERAL_PATIENTS`: a search naming several patients, or whose records belong to several. */
export function searchSeveralPatients(path: string): ValidationError {
  const name = parameterOf(path);
  return new ValidationError({
    code: 'HUB_SEARCH_SEVERAL_PATIENTS',
    message: `One patient per search: ${name} names several patients, or the records found belong to several. Search one patient at a time (an identifier with its system).`,
    messageVi: `Mỗi lần tìm chỉ cho một người bệnh: ${name} nêu nhiều người bệnh, hoặc dữ liệu tìm được thuộc về nhiều người. Hãy tìm từng người một (mã định danh kèm hệ mã).`,
    path,
  });
}

/**
 * Whether a search of patient data may run, and whether it is an own-records listing. A search
 * that `names` its records — a patient, or record ids — runs as asked (`facility` then only
 * narrows it). One naming none runs only when `facility` is the caller's own code: the records the
 * caller published (`true`); another facility's code is 403 `HUB_SEARCH_OTHER_FACILITY` (listing
 * another facility's records is a population-level read), no `facility` 400 `HUB_SEARCH_PATIENT_REQUIRED`.
 * Both APIs take these parameters as `patient` and `facility`: the refusals point at them.
 */
export function ownRecordsListing(
  caller: Caller,
  search: { names: boolean; facility: string | undefined },
): boolean {
  if (search.names) return false;
  if (search.facility === undefined) throw searchPatientRequired('query.patient', { ownListing: true });
  if (search.facility === caller.facilityCode) return true;
  throw new AuthError({
    code: 'HUB_SEARCH_OTHER_FACILITY',
    message:
      "A search naming no patient lists the calling facility's own records only: facility must be its own code.",
    messageVi:
      'Tìm kiếm không nêu người bệnh chỉ liệt kê dữ liệu của chính cơ sở gọi: facility phải là mã của chính cơ sở đó.',
    path: 'query.facility',
    status: 403,
  });
}

/** The audit action of a search: `<action>-own` for an own-records listing that names no patient. */
export const searchAction = (action: string, ownListing: boolean) => (ownListing ? `${action}-own` : action);

/**
 * The patient the audit entry of a search names: the one it named, with its system; else (a value
 * in any system, records named by id) an identifier every answered record carries — the named
 * value's, when there is one. Answered records sharing none belong to several patients: 400
 * `HUB_SEARCH_SEVERAL_PATIENTS` at `path`, before anything is answered or audited.
 */
export function auditedPatient(
  named: { system?: string | undefined; value: string } | undefined,
  answered: readonly (readonly IdentifierValue[])[],
  path: string,
): IdentifierValue | undefined {
  const canonical = canonicalIdentifierSystem;
  if (named?.system) return { system: canonical(named.system), value: named.value };
  const [first, ...rest] = answered;
  if (!first) return undefined;
  // Records keep the URIs they were published with: an older alias names the same identifier.
  const carried = (ids: readonly IdentifierValue[], i: IdentifierValue) =>
    ids.some((j) => canonical(j.system) === canonical(i.system) && j.value === i.value);
  const shared = first.find(
    (i) => (named === undefined || i.value === named.value) && rest.every((ids) => carried(ids, i)),
  );
  if (!shared) throw searchSeveralPatients(path);
  return { system: canonical(shared.system), value: shared.value };
}
