import type { ValidationIssue } from '@lienthong/core';
import { issue } from '../errors.js';
import { FHIR_DATE_TIME, FHIR_INSTANT } from './primitives.js';

/**
 * Reading the elements of a parsed FHIR JSON resource, which may be of any JSON type: each reader
 * keeps what has the element's type and, given a problem list, records what has not.
 */

/** Where reading puts elements of the wrong FHIR type: strict decoding fails on them, lenient reading warns. */
export type Problems = ValidationIssue[] | undefined;

/** A JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Records an element of the wrong JSON type (paths are built only here, on the error branch). */
export function wrongType(problems: Problems, path: string, type: string): void {
  problems?.push(issue('FHIR_ELEMENT_INVALID', path, `Expected ${type}`, `Sai kiểu, cần ${type}`));
}

/** Present (not undefined or null) but not a string: the caller records a problem. */
export const notText = (v: unknown) => v !== undefined && v !== null && typeof v !== 'string';
/** Present but not an object. */
export const notObject = (v: unknown) => v !== undefined && v !== null && !isObject(v);
/** Present but not an array. */
export const notList = (v: unknown) => v !== undefined && v !== null && !Array.isArray(v);
export const asText = (v: unknown) => (typeof v === 'string' ? v : undefined);
export const asObject = (v: unknown) => (isObject(v) ? v : undefined);
export const asList = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : EMPTY);
const EMPTY: readonly unknown[] = Object.freeze([]);

/** The warning for a status outside its value set (`path` names the resource): read as preliminary. */
export function statusReadAsPreliminary(status: unknown, path: string): ValidationIssue {
  return issue(
    'FHIR_STATUS_UNKNOWN',
    `${path}.status`,
    `Status ${String(status)} read as preliminary`,
    `Trạng thái ${String(status)} được đọc là sơ bộ`,
  );
}

/**
 * Records a string element that does not match the R4 pattern of its FHIR type: codes
 * `FHIR_DATE_TIME_INVALID` (instant, dateTime), `FHIR_ID_INVALID`, `FHIR_URI_INVALID`. (A decimal
 * is a JSON number, which always matches its pattern: any other value is of the wrong type.)
 */
export function malformed(
  problems: Problems,
  path: string,
  type: 'instant' | 'dateTime' | 'id' | 'uri',
): void {
  const code = type === 'instant' || type === 'dateTime' ? 'DATE_TIME' : type.toUpperCase();
  problems?.push(issue(`FHIR_${code}_INVALID`, path, `Not a FHIR ${type}`, `Sai định dạng ${type} của FHIR`));
}

/**
 * A primitive element read as text: the string when it matches `pattern`, the R4 pattern of its
 * FHIR `type`, else `undefined` and a problem (`path` + `key` name the element).
 */
export function primitive(
  v: unknown,
  pattern: RegExp,
  type: Parameters<typeof malformed>[2],
  problems: Problems,
  path: string,
  key: string,
): string | undefined {
  if (typeof v === 'string') {
    if (pattern.test(v)) return v;
    malformed(problems, `${path}${key}`, type);
  } else if (notText(v)) wrongType(problems, `${path}${key}`, 'string');
  return undefined;
}

/**
 * A dateTime (or instant) element checked against its FHIR format, kept when the model can hold
 * it: a valid one of 10 characters or more is a full date or a date-time to the second with an
 * offset; shorter ones are a year or a month.
 */
export function dateTime(
  v: unknown,
  instant: boolean,
  problems: Problems,
  path: string,
  key: string,
): string | undefined {
  const text = primitive(
    v,
    instant ? FHIR_INSTANT : FHIR_DATE_TIME,
    instant ? 'instant' : 'dateTime',
    problems,
    path,
    key,
  );
  return text && text.length >= 10 ? text : undefined;
}
