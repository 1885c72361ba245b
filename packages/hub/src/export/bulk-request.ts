import { ValidationError } from '@lienthong/core';
import { anyOf } from '../http/fhir/search-params.js';
import { unsupportedParameters } from '../http/query-parameters.js';
import { MAX_COHORT_MEMBERS, MAX_EXPORT_ELEMENTS } from '../limits.js';
import { EXPORT_TYPES, type ExportType, parseTypeFilter } from './bulk-type-filter.js';
import { cohortTooLarge, patientIdOf } from './cohort-group.js';

/** The output formats an export accepts (`_outputFormat`); every one means FHIR NDJSON. */
export const OUTPUT_FORMATS = ['application/fhir+ndjson', 'application/ndjson', 'ndjson'] as const;

/** Where a kick-off was sent: `/$export`, `/Patient/$export` or `/Group/{id}/$export`. */
export type ExportLevel = 'system' | 'patient' | 'group';

/** A kick-off request, checked: what a job exports. Stored with the job (JSON). */
export interface ExportRequest {
  level: ExportLevel;
  /** The Group's id (a facility code, or a saved cohort's id) of a group-level export. */
  groupId?: string;
  /** The types exported, in {@link EXPORT_TYPES} order. */
  types: ExportType[];
  /** Resources stored after this instant (UTC ISO, exclusive). */
  since?: string;
  /** Resources stored up to this instant (UTC ISO, inclusive). */
  until?: string;
  /** `_typeFilter` searches by type, as written (read again by `parseTypeFilter` when the job runs). */
  typeFilters: Partial<Record<ExportType, string[]>>;
  /** Whether every resource passes through the hub's de-identification function. */
  deidentify: boolean;
  /** The `patient` parameter (POST, Patient and Group levels): facade Patient ids, each once, in order. */
  patients?: string[];
  /** `_elements`: element names, alone (`status`) or of one type (`Observation.code`), each once. */
  elements?: string[];
}

/** The parameters a kick-off takes; anything else is refused (or left out with `Prefer: handling=lenient`). */
const KNOWN = [
  '_outputFormat',
  '_type',
  '_since',
  '_until',
  '_typeFilter',
  '_deidentify',
  '_elements',
  'patient',
] as const;

/** An `_elements` entry: a root element name, alone or after an exported type (`Observation.code`). */
const ELEMENT = /^(?:([A-Z][A-Za-z]*)\.)?([a-z][A-Za-z0-9]*)$/;

/** 400 `FHIR_PARAMETER_INVALID` for the `patient` parameter (`path`: which one). */
const patientInvalid = (path: string, message: string, messageVi: string) =>
  new ValidationError({ code: 'FHIR_PARAMETER_INVALID', message, messageVi, path });

/** The `_elements` of a kick-off, checked (400 for a name that is no root element, or of a type not exported). */
function elementsOf(values: readonly string[]): string[] {
  const names = [...new Set(values.flatMap((v) => anyOf(v).map((n) => n.trim())))];
  if (names.length === 0 || names.length > MAX_EXPORT_ELEMENTS)
    throw invalid(
      '_elements',
      `_elements names 1–${MAX_EXPORT_ELEMENTS} elements.`,
      `_elements nêu 1–${MAX_EXPORT_ELEMENTS} phần tử.`,
    );
  for (const name of names) {
    const match = ELEMENT.exec(name);
    if (!match)
      throw invalid(
        '_elements',
        `_elements: ${JSON.stringify(name.slice(0, 80))} is not a root element name (element or Type.element).`,
        `_elements: ${JSON.stringify(name.slice(0, 80))} không phải tên phần tử gốc (element hoặc Type.element).`,
      );
    if (match[1] !== undefined && !(EXPORT_TYPES as readonly string[]).includes(match[1]))
      throw invalid(
        '_elements',
        `_elements: ${JSON.stringify(match[1].slice(0, 40))} is not a type the export writes (${EXPORT_TYPES.join(', ')}).`,
        `_elements: ${JSON.stringify(match[1].slice(0, 40))} không phải loại được xuất (${EXPORT_TYPES.join(', ')}).`,
      );
  }
  return names;
}

/** The Patient ids of the `patient` parameter (POSTed only, at Patient and Group level). */
function patientsOf(
  values: readonly string[],
  options: { level: ExportLevel; queryNames?: readonly string[] },
) {
  if (options.queryNames?.includes('patient'))
    throw patientInvalid(
      'query.patient',
      'patient is taken in a POSTed Parameters resource only (valueReference Patient/<id>).',
      'Tham số patient chỉ nhận trong tài nguyên Parameters gửi bằng POST (valueReference Patient/<id>).',
    );
  if (options.level === 'system')
    throw patientInvalid(
      'parameter.patient',
      'patient narrows a Patient or Group export (Patient/$export, Group/<id>/$export), not a system one.',
      'Tham số patient chỉ dùng cho lệnh xuất Patient hoặc Group (Patient/$export, Group/<id>/$export), không cho toàn hệ thống.',
    );
  if (values.length > MAX_COHORT_MEMBERS) throw cohortTooLarge('parameter.patient');
  const ids = values.map((v, i) => {
    const id = patientIdOf(v);
    if (id === undefined)
      throw patientInvalid(
        `parameter.patient[${i}]`,
        `parameter.patient[${i}] must be a valueReference "Patient/<id>".`,
        `parameter.patient[${i}] phải là valueReference "Patient/<id>".`,
      );
    return id;
  });
  return [...new Set(ids)];
}

const invalid = (name: string, message: string, messageVi: string) =>
  new ValidationError({ code: 'FHIR_PARAMETER_INVALID', message, messageVi, path: `query.${name}` });

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** A FHIR `instant` as a UTC ISO string, else 400 at `name`. */
function instantOf(name: string, value: string): string {
  const ms = INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw invalid(
      name,
      `${name} must be a FHIR instant with its time zone (2026-12-01T00:00:00+07:00).`,
      `${name} phải là thời điểm FHIR kèm múi giờ (2026-12-01T00:00:00+07:00).`,
    );
  return new Date(ms).toISOString();
}

/** The single value of a parameter that takes one. */
function single(pairs: readonly (readonly [string, string])[], name: string): string | undefined {
  const values = pairs.filter(([k]) => k === name).map(([, v]) => v);
  if (values.length > 1)
    throw invalid(name, `Parameter ${name} takes one value.`, `Tham số ${name} chỉ nhận một giá trị.`);
  return values[0];
}

/**
 * Reads the parameters of a kick-off (the query of a GET, or those of a POSTed `Parameters`
 * resource) for an export at `level`: 400 for an unknown parameter (unless `lenient`), an
 * unsupported output format, an unknown type, an instant without its zone, `_since` after
 * `_until`, or a `_typeFilter` the export cannot apply.
 * @example parseExportRequest([['_type', 'Observation']], { level: 'system' }).types // ['Observation']
 */
export function parseExportRequest(
  pairs: readonly (readonly [string, string])[],
  options: {
    level: ExportLevel;
    groupId?: string;
    lenient?: boolean;
    /** Names of the parameters that came in the URL's query (`patient` is refused there). */
    queryNames?: readonly string[];
  },
): ExportRequest {
  const unknown = [...new Set(pairs.map(([k]) => k))].filter(
    (k) => !(KNOWN as readonly string[]).includes(k),
  );
  if (unknown.length > 0 && !options.lenient)
    throw unsupportedParameters('FHIR_PARAMETER_UNSUPPORTED', unknown, {
      en: `a bulk export takes ${KNOWN.join(', ')}; Prefer: handling=lenient ignores the others`,
      vi: `lệnh xuất hàng loạt nhận ${KNOWN.join(', ')}; Prefer: handling=lenient để bỏ qua tham số khác`,
    });
  const known = pairs.filter(([k]) => (KNOWN as readonly string[]).includes(k));
  const format = single(known, '_outputFormat');
  if (format !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(format))
    throw invalid(
      '_outputFormat',
      `Only NDJSON is written (_outputFormat ${OUTPUT_FORMATS.join(', ')}).`,
      `Chỉ xuất định dạng NDJSON (_outputFormat ${OUTPUT_FORMATS.join(', ')}).`,
    );
  const typeValues = known.filter(([k]) => k === '_type').flatMap(([, v]) => anyOf(v).map((t) => t.trim()));
  const unknownTypes = typeValues.filter((t) => !(EXPORT_TYPES as readonly string[]).includes(t));
  if (unknownTypes.length > 0)
    throw invalid(
      '_type',
      `The export writes ${EXPORT_TYPES.join(', ')}; not ${unknownTypes.map((t) => JSON.stringify(t.slice(0, 40))).join(', ')}.`,
      `Lệnh xuất ghi ${EXPORT_TYPES.join(', ')}; không có ${unknownTypes.map((t) => JSON.stringify(t.slice(0, 40))).join(', ')}.`,
    );
  const types = EXPORT_TYPES.filter((t) => typeValues.length === 0 || typeValues.includes(t));
  const sinceRaw = single(known, '_since');
  const untilRaw = single(known, '_until');
  const since = sinceRaw === undefined ? undefined : instantOf('_since', sinceRaw);
  const until = untilRaw === undefined ? undefined : instantOf('_until', untilRaw);
  if (since !== undefined && until !== undefined && since > until)
    throw invalid('_until', '_until is before _since.', '_until trước _since.');
  const typeFilters: Partial<Record<ExportType, string[]>> = {};
  // Searches are separated by commas before a type name (`A?x=1,2,B?y=3`): a comma inside a
  // search stays there (any of several codes).
  for (const [, value] of known.filter(([k]) => k === '_typeFilter'))
    for (const raw of value.split(/,(?=[A-Z][A-Za-z]*\?)/)) {
      const { type } = parseTypeFilter(raw, types);
      typeFilters[type] = [...(typeFilters[type] ?? []), raw];
    }
  const deidentify = single(known, '_deidentify');
  if (deidentify !== undefined && deidentify !== 'true' && deidentify !== 'false')
    throw invalid('_deidentify', '_deidentify is true or false.', '_deidentify là true hoặc false.');
  const elementValues = known.filter(([k]) => k === '_elements').map(([, v]) => v);
  const elements = elementValues.length > 0 ? elementsOf(elementValues) : undefined;
  const patientValues = known.filter(([k]) => k === 'patient').map(([, v]) => v);
  const patients = patientValues.length > 0 ? patientsOf(patientValues, options) : undefined;
  return {
    level: options.level,
    ...(options.groupId !== undefined ? { groupId: options.groupId } : {}),
    types,
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    typeFilters,
    deidentify: deidentify === 'true',
    ...(patients !== undefined ? { patients } : {}),
    ...(elements !== undefined ? { elements } : {}),
  };
}

/** A FHIR `Parameters` parameter of a POSTed kick-off: a name and one value. */
interface Parameter {
  name?: unknown;
  [value: string]: unknown;
}

/**
 * The parameters of a POSTed kick-off body (a FHIR `Parameters` resource) as name–value pairs:
 * each parameter's one `value[x]` primitive as text — and, for `patient` only, a
 * `valueReference` as its reference (`Patient/<id>`); 400 for anything else.
 * @example parametersOf({ resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'Patient' }] })
 */
export function parametersOf(body: unknown): [string, string][] {
  const bad = () =>
    new ValidationError({
      code: 'FHIR_PARAMETERS_INVALID',
      message:
        'A POSTed kick-off carries a FHIR Parameters resource of named primitive values (patient: a valueReference to a Patient).',
      messageVi:
        'Yêu cầu xuất gửi bằng POST phải là tài nguyên FHIR Parameters gồm các giá trị nguyên thủy có tên (patient: valueReference tới một Patient).',
      path: 'body',
    });
  if (body === undefined) return [];
  if (
    typeof body !== 'object' ||
    body === null ||
    (body as { resourceType?: unknown }).resourceType !== 'Parameters'
  )
    throw bad();
  const list = (body as { parameter?: unknown }).parameter ?? [];
  if (!Array.isArray(list)) throw bad();
  return list.map((p: Parameter) => {
    if (typeof p !== 'object' || p === null || typeof p.name !== 'string') throw bad();
    const values = Object.entries(p).filter(([k]) => k.startsWith('value'));
    const [entry] = values;
    if (values.length !== 1 || !entry) throw bad();
    if (p.name === 'patient') {
      const reference = (entry[1] as { reference?: unknown } | null)?.reference;
      if (entry[0] !== 'valueReference' || typeof reference !== 'string') throw bad();
      return ['patient', reference] as [string, string];
    }
    if (!['string', 'boolean', 'number'].includes(typeof entry[1])) throw bad();
    return [p.name, String(entry[1])] as [string, string];
  });
}
