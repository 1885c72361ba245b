import { foldVietnamese } from '@lienthong/core';
import type { PatientQuery } from '../directory/contract.js';
import { fullName, type PatientRecord } from '../model/patient-record.js';

/**
 * True when `record` satisfies every parameter of a PDQm query: the semantics every directory
 * shares (prefix, case- and diacritic-insensitive names; FHIR date containment for `birthDate`).
 */
export function matchesQuery(record: PatientRecord, query: PatientQuery): boolean {
  const starts = (value: string | undefined, prefix: string) =>
    value !== undefined && foldVietnamese(value).startsWith(foldVietnamese(prefix));
  if (query.name !== undefined) {
    const whole = fullName(record.name);
    if (!starts(whole, query.name) && !whole.split(/\s+/).some((w) => starts(w, query.name!))) return false;
  }
  if (query.family !== undefined && !starts(record.name.family, query.family)) return false;
  if (query.given !== undefined) {
    const words = [record.name.middle, record.name.given].filter(Boolean).join(' ').split(/\s+/);
    const whole = [record.name.middle, record.name.given].filter(Boolean).join(' ');
    if (!words.some((w) => starts(w, query.given!)) && !starts(whole, query.given)) return false;
  }
  if (query.birthDate !== undefined) {
    // FHIR date equality: the record's date must fall entirely within the queried period.
    if (!record.birthDate || record.birthDate.length < query.birthDate.length) return false;
    if (!record.birthDate.startsWith(query.birthDate)) return false;
  }
  if (query.sex !== undefined && record.sex !== query.sex) return false;
  if (query.identifier !== undefined) {
    const { system, value } = query.identifier;
    if (!record.identifiers.some((i) => i.value === value && (system === undefined || i.system === system)))
      return false;
  }
  return true;
}
