import { fail, ok, type Result, ValidationError } from '@lienthong/core';

/**
 * DICOM unique identifiers (PS3.5 §9.1): at most 64 characters, components of digits separated by
 * single dots, no empty component, no leading zero in a multi-digit component.
 */

const MAX_UID_LENGTH = 64;
const UID_PATTERN = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/;

/** True when `value` is a valid DICOM UID. */
export function isDicomUid(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_UID_LENGTH && UID_PATTERN.test(value);
}

function uidError(code: string, message: string, messageVi: string, path?: string): ValidationError {
  return new ValidationError({ code, message, messageVi, ...(path === undefined ? {} : { path }) });
}

/**
 * Validates a DICOM UID and says precisely what is wrong. Trailing NUL/space padding (as stored in
 * DICOM files) is removed first.
 * @example safeParseDicomUid('1.2.840.10008.1.2.1') // { ok: true, value: '1.2.840.10008.1.2.1' }
 */
export function safeParseDicomUid(value: unknown, path?: string): Result<string, ValidationError> {
  if (typeof value !== 'string') {
    return fail(
      uidError('DICOM_UID_NOT_TEXT', 'A DICOM UID must be text.', 'UID DICOM phải là chuỗi ký tự.', path),
    );
  }
  const uid = value.replace(/[\0 ]+$/, '');
  if (uid === '') {
    return fail(uidError('DICOM_UID_EMPTY', 'The DICOM UID is empty.', 'UID DICOM bị trống.', path));
  }
  if (uid.length > MAX_UID_LENGTH) {
    return fail(
      uidError(
        'DICOM_UID_TOO_LONG',
        `The DICOM UID has ${uid.length} characters; at most 64 are allowed.`,
        `UID DICOM dài ${uid.length} ký tự; tối đa 64 ký tự.`,
        path,
      ),
    );
  }
  if (!/^[\d.]+$/.test(uid)) {
    return fail(
      uidError(
        'DICOM_UID_CHARACTER_INVALID',
        'A DICOM UID contains only digits and dots.',
        'UID DICOM chỉ gồm chữ số và dấu chấm.',
        path,
      ),
    );
  }
  const components = uid.split('.');
  const empty = components.indexOf('');
  if (empty >= 0) {
    return fail(
      uidError(
        'DICOM_UID_COMPONENT_EMPTY',
        `Component ${empty + 1} of the DICOM UID is empty (two dots in a row, or a dot at an end).`,
        `Thành phần thứ ${empty + 1} của UID DICOM bị trống (hai dấu chấm liền nhau hoặc dấu chấm ở đầu/cuối).`,
        path,
      ),
    );
  }
  const leadingZero = components.findIndex((c) => c.length > 1 && c.startsWith('0'));
  if (leadingZero >= 0) {
    return fail(
      uidError(
        'DICOM_UID_LEADING_ZERO',
        `Component ${leadingZero + 1} of the DICOM UID starts with a zero.`,
        `Thành phần thứ ${leadingZero + 1} của UID DICOM bắt đầu bằng số 0.`,
        path,
      ),
    );
  }
  return ok(uid);
}

/** Like {@link safeParseDicomUid} but throws the {@link ValidationError}. */
export function parseDicomUid(value: unknown, path?: string): string {
  const result = safeParseDicomUid(value, path);
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * A new globally unique DICOM UID under the `2.25` root (PS3.5 §B.2): a random (v4) UUID read as
 * one unsigned 128-bit decimal integer. At most 44 characters.
 * @example generateDicomUid() // '2.25.329800735698586629295641978511506172918'
 */
export function generateDicomUid(randomUUID: () => string = () => globalThis.crypto.randomUUID()): string {
  const hex = randomUUID().replace(/-/g, '');
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}

/** `urn:oid:` form of a UID, as FHIR `Identifier.value` with system `urn:dicom:uid` expects. */
export function dicomUidToUrn(uid: string): string {
  return `urn:oid:${uid}`;
}

/** The UID in a `urn:oid:` value (a bare UID is accepted too), or undefined if it is not valid. */
export function dicomUidFromUrn(value: string): string | undefined {
  const uid = value.startsWith('urn:oid:') ? value.slice(8) : value;
  return isDicomUid(uid) ? uid : undefined;
}
