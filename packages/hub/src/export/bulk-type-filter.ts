import { ValidationError } from '@lienthong/core';
import { REPORT_STATUSES } from '@lienthong/result-exchange';
import type { Visit } from '@lienthong/visits';
import { matchesVisitQuery } from '@lienthong/visits/provider-kit';
import { type ResourceSpec, resourceSpec } from '../http/fhir/capability.js';
import { dayRange, holdsCode, instantRange, type SearchRequest, tokens } from '../http/fhir/search-params.js';
import { VISIT_RESOURCE_TYPES } from '../http/fhir/visit-resources.js';
import { unsupportedParameters } from '../http/query-parameters.js';

/** The resource types a bulk export writes, in the order their files are written. */
export const EXPORT_TYPES = [
  'Patient',
  'DiagnosticReport',
  'Observation',
  'Specimen',
  'ImagingStudy',
  ...VISIT_RESOURCE_TYPES,
] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

/**
 * The searches `_typeFilter` may carry, per type: the facade's own search parameters of that type
 * (its CapabilityStatement) that an export can apply to every record — not the ones that name a
 * patient, a record or a page. A type without any (Patient, Specimen, clinical notes, supplies)
 * takes no filter. On the visit resources, as in the facade's searches, a date matches the visit's
 * period and a code the resource's own (ICD-10 with or without its dot).
 */
export const TYPE_FILTER_PARAMS: Readonly<Record<ExportType, readonly string[]>> = {
  Patient: [],
  DiagnosticReport: ['code', 'status', 'date'],
  Observation: ['code', 'date'],
  Specimen: [],
  ImagingStudy: ['modality', 'started'],
  Encounter: ['date'],
  Condition: ['code'],
  MedicationStatement: ['code', 'effective'],
  Procedure: ['code', 'date'],
  ClinicalImpression: [],
  ChargeItem: [],
};

/** One `_typeFilter` search, read: records match when they meet every condition it names. */
export interface TypeFilter {
  /** Any of these codes (`system|code`). */
  codes?: { system: string; code: string }[];
  /** Any of these statuses. */
  statuses?: string[];
  /** Clinical time within these inclusive instants (UTC ISO). */
  since?: string;
  until?: string;
  /** Any of these DICOM modalities. */
  modalities?: string[];
  /** Study date within these inclusive days (`YYYY-MM-DD`). */
  fromDay?: string;
  toDay?: string;
}

/** What a filter is evaluated against: the facts of one exported resource. */
export interface ResourceFacts {
  codes?: readonly { system?: string | undefined; code?: string | undefined }[];
  status?: string;
  /** Clinical time (UTC ISO), '' when unknown: it then meets no date condition. */
  time?: string;
  /** Modalities of a study. */
  modalities?: readonly string[];
  /** Study date (`YYYY-MM-DD`), null when unknown. */
  day?: string | null;
  /** The visit a visit resource comes from (as disclosed): a date condition matches its period. */
  visit?: Visit;
}

const invalid = (message: string, messageVi: string) =>
  new ValidationError({ code: 'FHIR_PARAMETER_INVALID', message, messageVi, path: 'query._typeFilter' });

/** A {@link SearchRequest} over the query of one `_typeFilter` search. */
function searchOf(query: URLSearchParams): SearchRequest {
  return { all: (key) => query.getAll(key), has: (key) => query.has(key), used: query };
}

/** The spec of a type the facade serves (its parameters' names are the ones accepted). */
const specOf = (type: ExportType): ResourceSpec => resourceSpec(type);

/**
 * Reads one `_typeFilter` value (`Observation?code=http://loinc.org|2345-7&date=ge2026-01-01`):
 * its type must be exported and its parameters among {@link TYPE_FILTER_PARAMS} — anything else is
 * 400 (`FHIR_PARAMETER_UNSUPPORTED`, `FHIR_PARAMETER_INVALID`), never ignored: an ignored filter
 * would widen the export.
 * @example parseTypeFilter('DiagnosticReport?status=final', ['DiagnosticReport']).filter.statuses // ['final']
 */
export function parseTypeFilter(
  raw: string,
  types: readonly ExportType[],
): { type: ExportType; filter: TypeFilter } {
  const at = raw.indexOf('?');
  const type = (at < 0 ? raw : raw.slice(0, at)) as ExportType;
  if (!types.includes(type))
    throw invalid(
      `_typeFilter names ${JSON.stringify(type.slice(0, 40))}, not one of the exported types (${types.join(', ')}).`,
      `_typeFilter nêu ${JSON.stringify(type.slice(0, 40))}, không thuộc các loại được xuất (${types.join(', ')}).`,
    );
  const query = new URLSearchParams(at < 0 ? '' : raw.slice(at + 1));
  const allowed = TYPE_FILTER_PARAMS[type];
  const declared = new Set(specOf(type).searchParams.map((p) => p.name));
  const refused = [...new Set(query.keys())].filter((k) => !allowed.includes(k) || !declared.has(k));
  if (refused.length > 0)
    throw unsupportedParameters(
      'FHIR_PARAMETER_UNSUPPORTED',
      refused.map((k) => `_typeFilter=${type}?${k}`),
      {
        en: `an export's _typeFilter takes ${allowed.length ? allowed.join(', ') : 'no parameter'} for ${type}`,
        vi: `_typeFilter của lệnh xuất nhận ${allowed.length ? allowed.join(', ') : 'không tham số nào'} cho ${type}`,
      },
    );
  if ([...query.keys()].length === 0)
    throw invalid(
      `_typeFilter=${type} carries no search ("${type}?name=value").`,
      `_typeFilter=${type} không có điều kiện tìm ("${type}?tên=giá trị").`,
    );
  const search = searchOf(query);
  const filter: TypeFilter = {};
  if (search.has('code'))
    filter.codes = tokens(search.all('code'), 'code').map((t) => {
      if (!t.system)
        throw invalid('_typeFilter code needs "system|code".', '_typeFilter code cần dạng "system|code".');
      return { system: t.system, code: t.value };
    });
  if (search.has('status'))
    filter.statuses = tokens(search.all('status'), 'status').map((t) => {
      if (!(REPORT_STATUSES as readonly string[]).includes(t.value))
        throw invalid(
          `Unknown report status ${JSON.stringify(t.value.slice(0, 40))} (known: ${REPORT_STATUSES.join(', ')}).`,
          `Trạng thái phiếu không hợp lệ ${JSON.stringify(t.value.slice(0, 40))} (hợp lệ: ${REPORT_STATUSES.join(', ')}).`,
        );
      return t.value;
    });
  // `effective` is MedicationStatement's date parameter (the facade's name for it).
  for (const name of ['date', 'effective'])
    if (search.has(name)) Object.assign(filter, instantRange(search.all(name), name));
  if (search.has('modality'))
    filter.modalities = tokens(search.all('modality'), 'modality').map((t) => t.value);
  if (search.has('started')) {
    const days = dayRange(search.all('started'), 'started');
    if (days.since) filter.fromDay = days.since;
    if (days.until) filter.toDay = days.until;
  }
  return { type, filter };
}

/** Whether a resource meets every condition of one filter. */
export function meetsFilter(filter: TypeFilter, facts: ResourceFacts): boolean {
  if (
    filter.codes &&
    !holdsCode(
      facts.codes ?? [],
      filter.codes.map((c) => ({ system: c.system, value: c.code })),
    )
  )
    return false;
  if (filter.statuses && !filter.statuses.includes(facts.status ?? '')) return false;
  if (facts.visit && (filter.since !== undefined || filter.until !== undefined)) {
    const { visit } = facts;
    const period = { patient: visit.patient.identifiers[0]!, since: filter.since, until: filter.until };
    if (!matchesVisitQuery(visit, period)) return false;
  } else if (filter.since !== undefined || filter.until !== undefined) {
    const time = facts.time ?? '';
    if (time === '') return false;
    if (filter.since !== undefined && time < filter.since) return false;
    if (filter.until !== undefined && time > filter.until) return false;
  }
  if (filter.modalities && !(facts.modalities ?? []).some((m) => filter.modalities!.includes(m)))
    return false;
  if (filter.fromDay !== undefined || filter.toDay !== undefined) {
    const day = facts.day ?? '';
    if (day === '') return false;
    if (filter.fromDay !== undefined && day < filter.fromDay) return false;
    if (filter.toDay !== undefined && day > filter.toDay) return false;
  }
  return true;
}

/** Whether a resource passes the filters of its type: any of them (no filter: every resource). */
export function passesFilters(filters: readonly TypeFilter[] | undefined, facts: ResourceFacts): boolean {
  return !filters || filters.length === 0 || filters.some((f) => meetsFilter(f, facts));
}
