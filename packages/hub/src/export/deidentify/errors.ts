import { ValidationError } from '@lienthong/core';

/**
 * The typed errors of de-identification. Codes are stable; messages never quote a value of the
 * input (it may be personal), only its place and its type.
 */

/** The secret is missing or shorter than 32 bytes (`DEIDENTIFY_SECRET_TOO_SHORT`). */
export function secretTooShort(bytes: number | undefined): ValidationError {
  return new ValidationError({
    code: 'DEIDENTIFY_SECRET_TOO_SHORT',
    path: 'secret',
    message: `The export secret must be a string or bytes of at least 32 bytes (got ${bytes === undefined ? 'none' : `${bytes} bytes`}).`,
    messageVi: `Khoá bí mật xuất dữ liệu phải là chuỗi hoặc dãy byte dài ít nhất 32 byte (nhận được ${bytes === undefined ? 'không có' : `${bytes} byte`}).`,
    details: { minBytes: 32, ...(bytes === undefined ? {} : { bytes }) },
  });
}

/** The input is not a FHIR resource (`DEIDENTIFY_NOT_A_RESOURCE`). */
export function notAResource(path: string): ValidationError {
  return new ValidationError({
    code: 'DEIDENTIFY_NOT_A_RESOURCE',
    path,
    message: 'Only a FHIR resource (an object with a resourceType) can be de-identified.',
    messageVi: 'Chỉ khử định danh được một tài nguyên FHIR (đối tượng có resourceType).',
  });
}

/** No allow-list exists for the type (`DEIDENTIFY_RESOURCE_TYPE_UNSUPPORTED`). */
export function typeUnsupported(resourceType: string, path: string): ValidationError {
  // A resource type is a FHIR name, never personal data: it may be quoted.
  const type = /^[A-Z][A-Za-z]{1,63}$/.test(resourceType) ? resourceType : '(invalid)';
  return new ValidationError({
    code: 'DEIDENTIFY_RESOURCE_TYPE_UNSUPPORTED',
    path,
    message: `No de-identification rules exist for ${type}: it cannot leave the hub in a de-identified export.`,
    messageVi: `Chưa có quy tắc khử định danh cho ${type}: không được đưa ra khỏi hub trong bản xuất đã khử định danh.`,
    details: { resourceType: type },
  });
}

/** A modifier extension changes the meaning of what it sits on; dropping it would mislead (`DEIDENTIFY_MODIFIER_EXTENSION`). */
export function modifierExtension(path: string): ValidationError {
  return new ValidationError({
    code: 'DEIDENTIFY_MODIFIER_EXTENSION',
    path,
    message:
      'The resource carries a modifierExtension: it cannot be de-identified without changing its meaning.',
    messageVi:
      'Tài nguyên có modifierExtension: không thể khử định danh mà không làm thay đổi ý nghĩa của nó.',
  });
}
