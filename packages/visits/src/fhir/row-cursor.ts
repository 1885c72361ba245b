import { formatNationalDateTime, safeParseNationalDateTime } from '@lienthong/core';
import type { Row } from '../xml130/xml.js';

/**
 * The fields of one row while it is mapped to FHIR. A field taken into an element leaves the row;
 * what remains (`rest`) travels in the row extension. Only values an element can hold are taken:
 * an empty text or a date that is not `yyyymmddHHMM` stays in the rest, as written.
 */
export class RowCursor {
  readonly #rest: Row;

  constructor(row: Row) {
    this.#rest = { ...row };
  }

  /** A non-empty text, taken. */
  text(field: string): string | undefined {
    const value = this.#rest[field];
    if (value === undefined || value === '') return undefined;
    delete this.#rest[field];
    return value;
  }

  /** A `yyyymmddHHMM` date-time as ISO 8601 (Vietnam time), taken. */
  dateTime(field: string): string | undefined {
    const value = this.#rest[field];
    if (value === undefined) return undefined;
    const r = safeParseNationalDateTime(value);
    if (!r.ok) return undefined;
    delete this.#rest[field];
    return r.value;
  }

  /** A field as written, without taking it. */
  peek(field: string): string | undefined {
    return this.#rest[field];
  }

  /** The fields not taken. */
  rest(): Row {
    return this.#rest;
  }
}

/** Writes an ISO date-time back as `yyyymmddHHMM` (Vietnam time) into `row`. */
export function putDateTime(row: Row, field: string, iso: string | undefined): void {
  if (iso !== undefined) row[field] = formatNationalDateTime(iso);
}

/** Writes a text into `row` when there is one. */
export function putText(row: Row, field: string, text: string | undefined): void {
  if (text !== undefined) row[field] = text;
}
