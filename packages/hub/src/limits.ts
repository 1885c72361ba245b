import { ValidationError } from '@lienthong/core';
import { isIdempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH } from '@lienthong/core/contract';

/**
 * The hub's limits on what a request may carry, in one place: the OpenAPI contract
 * (`packages/hub-api/openapi.yaml`) and the docs state the same numbers.
 */

/** Deepest nesting of arrays and objects in a JSON body (the body itself is level 1). */
export const MAX_JSON_DEPTH = 64;
/** Largest request line plus headers, in bytes (Node's `maxHeaderSize`); beyond it: 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Business ids (a report's id, `supersedes`, an accession number, a patient record id) and identifier values. */
export const MAX_ID_LENGTH = 200;
/** Identifier systems (URIs). */
export const MAX_SYSTEM_LENGTH = 255;
/** A facility's name. */
export const MAX_FACILITY_NAME_LENGTH = 200;

/** Members of a saved cohort (`POST /fhir/Group`), and patients of one export's `patient` parameter. */
export const MAX_COHORT_MEMBERS = 10_000;
/** A saved cohort's name. */
export const MAX_COHORT_NAME_LENGTH = 200;
/** Element names of one export's `_elements`. */
export const MAX_EXPORT_ELEMENTS = 100;

/** A FHIR id: `[A-Za-z0-9\-.]{1,64}`. */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
/** A control character (C0, DEL, C1) or, with the `u` flag, an unpaired surrogate. */
const CONTROL_OR_LONE_SURROGATE = /[\p{Cc}\p{Cs}]/u;

/** True when `value` is 1–`max` characters without control characters or unpaired surrogates. */
export function isIdText(value: string, max: number): boolean {
  return value.length >= 1 && value.length <= max && !CONTROL_OR_LONE_SURROGATE.test(value);
}

/** 400 `HUB_ID_INVALID` for the id at `path`. */
export function idInvalid(path: string, max: number): ValidationError {
  return new ValidationError({
    code: 'HUB_ID_INVALID',
    message: `${path} must be 1–${max} characters, without control characters or unpaired surrogates.`,
    messageVi: `${path} phải dài 1–${max} ký tự, không chứa ký tự điều khiển hay nửa cặp surrogate lẻ.`,
    path,
  });
}

/** Throws {@link idInvalid} unless `value` (when present) is a valid id text of at most `max` characters. */
export function checkId(value: string | undefined, path: string, max = MAX_ID_LENGTH): void {
  if (value !== undefined && !isIdText(value, max)) throw idInvalid(path, max);
}

/** Checks each identifier's system and value against the hub's limits (paths under `path`). */
export function checkIdentifiers(
  identifiers: readonly { system: string; value: string }[],
  path: string,
): void {
  for (let i = 0; i < identifiers.length; i++) {
    const identifier = identifiers[i]!;
    checkId(identifier.system, `${path}[${i}].system`, MAX_SYSTEM_LENGTH);
    checkId(identifier.value, `${path}[${i}].value`);
  }
}

/** Throws 400 `HUB_IDEMPOTENCY_KEY_INVALID` unless the header (when sent) is 1–200 printable ASCII characters (`isIdempotencyKey`, the SDK's one rule). */
export function checkIdempotencyKey(key: string | undefined): void {
  if (key === undefined || isIdempotencyKey(key)) return;
  throw new ValidationError({
    code: 'HUB_IDEMPOTENCY_KEY_INVALID',
    message: `Idempotency-Key must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters.`,
    messageVi: `Idempotency-Key phải gồm 1–${MAX_IDEMPOTENCY_KEY_LENGTH} ký tự ASCII in được.`,
    path: 'Idempotency-Key',
  });
}

/** True when a facility name is 1–200 characters of text, without control characters or unpaired surrogates. */
export function isFacilityName(name: string): boolean {
  return isIdText(name, MAX_FACILITY_NAME_LENGTH);
}
