import { safeParseNationalDateTime, type ValidationIssue } from '@lienthong/core';
import { XML130_FIELD_SPECS } from '../generated/fields.js';
import type { Xml130FieldSpec } from './spec-types.js';
import type { Row } from './xml.js';

/** One problem of a file set, with its place. `path` reads `HOSO[0].XML2[3].MA_LK`. */
export interface Xml130Problem extends ValidationIssue {
  severity: 'error' | 'warning';
  /** `XML1`…`XML15`, `CHECKIN`; absent for the envelope. */
  table?: string;
  /** Index of the `HOSO` in `DANHSACHHOSO` (0-based). */
  hoso?: number;
  /** Index of the row in its table (0-based). */
  row?: number;
  field?: string;
}

/** Where a problem is. */
export interface Place {
  table?: string;
  hoso?: number;
  row?: number;
  field?: string;
}

export function placePath(p: Place): string {
  const parts: string[] = [];
  if (p.hoso !== undefined) parts.push(`HOSO[${p.hoso}]`);
  if (p.table !== undefined) parts.push(p.row !== undefined ? `${p.table}[${p.row}]` : p.table);
  if (p.field !== undefined) parts.push(p.field);
  return parts.join('.');
}

export function problem(
  severity: Xml130Problem['severity'],
  code: string,
  place: Place,
  message: string,
  messageVi: string,
): Xml130Problem {
  return { severity, code, path: placePath(place), message, messageVi, ...place };
}

const specsByTable = new Map<string, { list: readonly Xml130FieldSpec[]; names: ReadonlySet<string> }>(
  Object.entries(XML130_FIELD_SPECS).map(([t, specs]) => [
    t,
    { list: specs, names: new Set(specs.map((s) => s.name)) },
  ]),
);

/** The fields of a table in order (the generated specs). */
export const tableFields = (table: string): readonly string[] =>
  (XML130_FIELD_SPECS[table] ?? []).map((s) => s.name);

const NUMBER = /^[+-]?\d+(\.\d+)?$/;
const DATE_TIME = /^\d{12}$/;

/**
 * A `yyyymmddHHMM` date-time as ISO 8601; `undefined` when it is not a real one. The form is
 * checked first: a failed parse builds an error with its stack, too costly for every row.
 */
export function dateTimeOf(value: string): string | undefined {
  if (!DATE_TIME.test(value)) return undefined;
  const r = safeParseNationalDateTime(value);
  return r.ok ? r.value : undefined;
}

const at = (place: Place, table: string, field: string): Place => ({ ...place, table, field });

/**
 * Checks one row against its table's field specs: mandatory, type, length, `yyyymmddHHMM`, unknown
 * fields. Runs for every field of every row: it allocates only for a problem.
 */
export function checkRowFields(table: string, row: Row, place: Place, out: Xml130Problem[]): void {
  const specs = specsByTable.get(table);
  if (!specs) return;
  for (const spec of specs.list) {
    const value = row[spec.name];
    if (value === undefined || value === '') {
      if (spec.mandatory === 'yes')
        out.push(
          problem(
            'error',
            'XML130_FIELD_MISSING',
            at(place, table, spec.name),
            `${spec.name} is mandatory in ${table}`,
            `${spec.name} là trường bắt buộc của ${table}`,
          ),
        );
      continue;
    }
    if (spec.maxLength !== undefined && value.length > spec.maxLength)
      out.push(
        problem(
          'error',
          'XML130_FIELD_TOO_LONG',
          at(place, table, spec.name),
          `${spec.name} is ${value.length} characters long; at most ${spec.maxLength} allowed`,
          `${spec.name} dài ${value.length} ký tự; tối đa ${spec.maxLength} ký tự`,
        ),
      );
    if (spec.dateTime) {
      if (dateTimeOf(value) === undefined)
        out.push(
          problem(
            'error',
            'XML130_DATE_INVALID',
            at(place, table, spec.name),
            `${spec.name} must be a real date-time yyyymmddHHMM`,
            `${spec.name} phải là ngày giờ có thật dạng yyyymmddHHMM`,
          ),
        );
    } else if (spec.type === 'number' && !NUMBER.test(value)) {
      out.push(
        problem(
          'error',
          'XML130_NOT_A_NUMBER',
          at(place, table, spec.name),
          `${spec.name} must be a number`,
          `${spec.name} phải là số`,
        ),
      );
    }
  }
  for (const name in row) {
    if (!specs.names.has(name))
      out.push(
        problem(
          'warning',
          'XML130_FIELD_UNKNOWN',
          at(place, table, name),
          `${name} is not a field of ${table} (QĐ 4750); kept as read`,
          `${name} không phải trường của ${table} (QĐ 4750); được giữ nguyên`,
        ),
      );
  }
}
