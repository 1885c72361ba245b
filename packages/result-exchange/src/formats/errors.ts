import { ValidationError } from '@lienthong/core';

/** The registry's typed errors: one stable code each, in English and Vietnamese. */

export function unknownFormat(name: unknown, known: readonly string[]): ValidationError {
  const quoted = JSON.stringify(String(name));
  return new ValidationError({
    code: 'RESULT_FORMAT_UNKNOWN',
    path: 'format',
    message: `Unknown result format ${quoted}; known formats: ${known.join(', ')}`,
    messageVi: `Không có định dạng kết quả ${quoted}; các định dạng đã biết: ${known.join(', ')}`,
  });
}

export function undetectedFormat(known: readonly string[]): ValidationError {
  return new ValidationError({
    code: 'RESULT_FORMAT_UNDETECTED',
    path: 'input',
    message: `The document is in none of the known result formats (${known.join(', ')}): name its format`,
    messageVi: `Không nhận ra định dạng kết quả của tài liệu (các định dạng đã biết: ${known.join(', ')}): hãy chỉ rõ định dạng`,
  });
}

export function unsupportedDirection(name: string, direction: 'decode' | 'encode'): ValidationError {
  return direction === 'decode'
    ? new ValidationError({
        code: 'RESULT_FORMAT_DECODE_UNSUPPORTED',
        path: 'format',
        message: `The result format ${name} can be written but not read`,
        messageVi: `Định dạng kết quả ${name} chỉ ghi được, không đọc được`,
      })
    : new ValidationError({
        code: 'RESULT_FORMAT_ENCODE_UNSUPPORTED',
        path: 'format',
        message: `The result format ${name} can be read but not written`,
        messageVi: `Định dạng kết quả ${name} chỉ đọc được, không ghi được`,
      });
}

export function duplicateFormat(name: string, index: number): ValidationError {
  return new ValidationError({
    code: 'RESULT_FORMAT_DUPLICATE',
    path: `formats[${index}]`,
    message: `Two result formats are named ${JSON.stringify(name)}: leave one out of the list`,
    messageVi: `Hai định dạng kết quả cùng tên ${JSON.stringify(name)}: bỏ một định dạng khỏi danh sách`,
  });
}

export function invalidInput(): ValidationError {
  return new ValidationError({
    code: 'RESULT_FORMAT_INPUT_INVALID',
    path: 'input',
    message: 'Expected the document as text or bytes (Uint8Array)',
    messageVi: 'Cần tài liệu dạng văn bản hoặc byte (Uint8Array)',
  });
}

/**
 * An encoder that needs the visit key failed while reports lacked one: the same error (code, path,
 * issues), saying how to give the key — `optionName` is how the caller's users give it.
 */
export function withEncounterHint(error: ValidationError, optionName: string): ValidationError {
  return new ValidationError({
    code: error.code,
    ...(error.path !== undefined ? { path: error.path } : {}),
    message: `${error.message}. The document carries no visit key (MA_LK): give it with ${optionName}`,
    messageVi: `${error.messageVi}. Tài liệu không có mã liên kết lượt khám (MA_LK): cung cấp bằng ${optionName}`,
    issues: error.issues,
    cause: error,
  });
}
