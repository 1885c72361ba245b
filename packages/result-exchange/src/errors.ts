import { isLienThongError, LienThongError, ValidationError, type ValidationIssue } from '@lienthong/core';

/** One problem found while decoding, with its stable code and the path of the field/segment/row. */
export function issue(code: string, path: string, message: string, messageVi: string): ValidationIssue {
  return { code, path, message, messageVi };
}

/** A `ValidationError` for a single problem. */
export function invalid(code: string, path: string, message: string, messageVi: string): ValidationError {
  return new ValidationError({
    code,
    path,
    message: `${message} (${path})`,
    messageVi: `${messageVi} (${path})`,
  });
}

/** A `ValidationError` carrying several issues; the first gives the code and path. */
export function invalidMany(
  issues: readonly ValidationIssue[],
  subject: { en: string; vi: string },
): ValidationError {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (+${issues.length - 1})` : '';
  return new ValidationError({
    code: first.code,
    path: first.path,
    message: `Invalid ${subject.en} at ${first.path}: ${first.message}${more}`,
    messageVi: `${subject.vi} không hợp lệ tại ${first.path}: ${first.messageVi}${more}`,
    issues,
  });
}

/** Runs `body`; any non-LienThong exception becomes a typed error with `code` (never a raw TypeError). */
export function guard<T>(code: string, what: { en: string; vi: string }, body: () => T, path = ''): T {
  try {
    return body();
  } catch (error) {
    if (isLienThongError(error)) throw error;
    throw new ValidationError({
      code,
      message: `Could not read the ${what.en}: ${error instanceof Error ? error.message : String(error)}`,
      messageVi: `Không đọc được ${what.vi}`,
      ...(path ? { path } : {}),
      cause: error,
    });
  }
}

export { LienThongError };
