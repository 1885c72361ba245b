import { ValidationError } from '@lienthong/core';
import { anyOf } from '../http/fhir/search-params.js';
import { unsupportedParameters } from '../http/query-parameters.js';
import { EXPORT_TYPES, type ExportType, parseTypeFilter } from './bulk-type-filter.js';

/** The output formats an export accepts (`_outputFormat`); every one means FHIR NDJSON. */
export const OUTPUT_FORMATS = ['application/fhir+ndjson', 'application/ndjson', 'ndjson'] as const;

/** Where a kick-off was sent: `/$export`, `/Patient/$export` or `/Group/{id}/$export`. */
export type ExportLevel = 'system' | 'patient' | 'group';

/** A kick-off request, checked: what a job exports. Stored with the job (JSON). */
export interface ExportRequest {
  level: ExportLevel;
  /** The Group's id (a facility code) of a group-level export. */
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
}

/** The parameters a kick-off takes; anything else is refused (or left out with `Prefer: handling=lenient`). */
const KNOWN = ['_outputFormat', '_type', '_since', '_until', '_typeFilter', '_deidentify'] as const;

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
  options: { level: ExportLevel; groupId?: string; lenient?: boolean },
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
  return {
    level: options.level,
    ...(options.groupId !== undefined ? { groupId: options.groupId } : {}),
    types,
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    typeFilters,
    deidentify: deidentify === 'true',
  };
}

/** A FHIR `Parameters` parameter of a POSTed kick-off: a name and one primitive value. */
interface Parameter {
  name?: unknown;
  [value: string]: unknown;
}

/**
 * The parameters of a POSTed kick-off body (a FHIR `Parameters` resource) as name–value pairs:
 * each parameter's one `value[x]` primitive as text; 400 for anything else.
 * @example parametersOf({ resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'Patient' }] })
 */
export function parametersOf(body: unknown): [string, string][] {
  const bad = () =>
    new ValidationError({
      code: 'FHIR_PARAMETERS_INVALID',
      message: 'A POSTed kick-off carries a FHIR Parameters resource of named primitive values.',
      messageVi:
        'Yêu cầu xuất gửi bằng POST phải là tài nguyên FHIR Parameters gồm các giá trị nguyên thủy có tên.',
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
    if (values.length !== 1 || !entry || !['string', 'boolean', 'number'].includes(typeof entry[1]))
      throw bad();
    return [p.name, String(entry[1])] as [string, string];
  });
}
