import type * as z from 'zod';
import { ValidationError, type ValidationIssue } from './lienthong-error.js';

/**
 * Formats a zod path as `a.b[2].c` — the notation used in every `path` of the error family.
 * @example formatPath(['observations', 2, 'value']) // 'observations[2].value'
 */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/** Vietnamese wording for zod's built-in issue codes; domain refinements pass their own. */
function vietnameseMessage(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `Sai kiểu dữ liệu: cần ${issue.expected}.`;
    case 'too_small':
      return issue.origin === 'string'
        ? `Quá ngắn: tối thiểu ${String(issue.minimum)} ký tự.`
        : `Giá trị quá nhỏ: tối thiểu ${String(issue.minimum)}.`;
    case 'too_big':
      return issue.origin === 'string'
        ? `Quá dài: tối đa ${String(issue.maximum)} ký tự.`
        : `Giá trị quá lớn: tối đa ${String(issue.maximum)}.`;
    case 'invalid_format':
      return `Sai định dạng (${issue.format}).`;
    case 'not_multiple_of':
      return `Phải là bội số của ${String(issue.divisor)}.`;
    case 'unrecognized_keys':
      return `Trường không được hỗ trợ: ${issue.keys.join(', ')}.`;
    case 'invalid_union':
      return 'Giá trị không khớp với dạng nào được chấp nhận.';
    case 'invalid_key':
      return 'Khóa không hợp lệ.';
    case 'invalid_element':
      return 'Phần tử không hợp lệ.';
    case 'invalid_value':
      return `Giá trị không hợp lệ; chấp nhận: ${issue.values.map(String).join(', ')}.`;
    default:
      return 'Giá trị không hợp lệ.';
  }
}

function issueCode(issue: Issue): string {
  const params = (issue as { params?: { code?: unknown } }).params;
  if (typeof params?.code === 'string') return params.code;
  return `SCHEMA_${issue.code.toUpperCase()}`;
}

/**
 * Converts zod issues into {@link ValidationIssue}s. A refinement can give its own stable code
 * and Vietnamese text through `params: { code, messageVi }`.
 */
export function issuesFromZod(issues: readonly Issue[], pathPrefix = ''): ValidationIssue[] {
  return issues.map((issue) => {
    const params = (issue as { params?: { messageVi?: unknown } }).params;
    return {
      path: formatPath(issue.path, pathPrefix),
      code: issueCode(issue),
      message: issue.message,
      messageVi: typeof params?.messageVi === 'string' ? params.messageVi : vietnameseMessage(issue),
    };
  });
}

/** Options for {@link validationErrorFromZod}. */
export interface FromZodOptions {
  /** Error code of the whole error (default `VALIDATION_FAILED`). */
  code?: string;
  /** What was being validated, for the summary message (`lab report`, `hub answer`). */
  subject?: { en: string; vi: string };
  /** Prefixed to every issue path (e.g. `body`). */
  pathPrefix?: string;
}

/** Builds a {@link ValidationError} holding every issue of a failed zod parse. */
export function validationErrorFromZod(error: z.ZodError, options: FromZodOptions = {}): ValidationError {
  const issues = issuesFromZod(error.issues, options.pathPrefix);
  const first = issues[0];
  const subject = options.subject ?? { en: 'value', vi: 'dữ liệu' };
  const more = issues.length > 1 ? ` (+${issues.length - 1})` : '';
  const where = first?.path ? ` at ${first.path}` : '';
  const whereVi = first?.path ? ` tại ${first.path}` : '';
  return new ValidationError({
    code: options.code ?? 'VALIDATION_FAILED',
    message: `Invalid ${subject.en}${where}: ${first?.message ?? 'unknown problem'}${more}`,
    messageVi: `${capitalize(subject.vi)} không hợp lệ${whereVi}: ${first?.messageVi ?? 'lỗi không xác định'}${more}`,
    ...(first?.path ? { path: first.path } : {}),
    issues,
    cause: error,
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
