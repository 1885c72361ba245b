import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { redactText } from '../privacy/mask.js';
import {
  AuthError,
  ConflictError,
  isValidationError,
  LienThongError,
  type LienThongErrorKind,
  NotFoundError,
  TransportError,
  ValidationError,
  type ValidationIssue,
} from './lienthong-error.js';

/** Code system of Liên Thông error codes inside `OperationOutcome.issue.details.coding`. */
export const ERROR_CODE_SYSTEM = 'urn:lienthong:error-code';
/** The standard FHIR extension carrying a translation of a string (used for the Vietnamese text). */
const TRANSLATION_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/translation';

const ISSUE_TYPE_BY_KIND: Record<LienThongErrorKind, OperationOutcomeIssue['code']> = {
  generic: 'exception',
  validation: 'invalid',
  'not-found': 'not-found',
  conflict: 'conflict',
  auth: 'security',
  transport: 'transient',
};

function toIssue(code: string, message: string, messageVi: string, path?: string): OperationOutcomeIssue {
  return {
    severity: 'error',
    code: 'invalid',
    details: {
      coding: [{ system: ERROR_CODE_SYSTEM, code }],
      text: message,
      _text: {
        extension: [
          {
            url: TRANSLATION_EXTENSION,
            extension: [
              { url: 'lang', valueCode: 'vi' },
              { url: 'content', valueString: messageVi },
            ],
          },
        ],
      },
    } as OperationOutcomeIssue['details'],
    ...(path ? { expression: [path] } : {}),
  };
}

/**
 * Converts an error of the family into a FHIR R4 `OperationOutcome`: one issue per validation
 * issue, the stable code as a coding, the English text in `details.text` and the Vietnamese text
 * in the standard `translation` extension, the path in `expression`.
 */
export function toOperationOutcome(error: LienThongError): OperationOutcome {
  const issueType = ISSUE_TYPE_BY_KIND[error.kind];
  const sources: ValidationIssue[] = isValidationError(error)
    ? [...error.issues]
    : [{ code: error.code, message: error.message, messageVi: error.messageVi, path: error.path ?? '' }];
  return {
    resourceType: 'OperationOutcome',
    issue: sources.map((issue) => ({
      ...toIssue(issue.code, issue.message, issue.messageVi, issue.path || undefined),
      code: issueType,
    })),
  };
}

interface Extension {
  url?: unknown;
  valueCode?: unknown;
  valueString?: unknown;
  extension?: unknown;
}

function extensions(value: unknown): Extension[] {
  return Array.isArray(value) ? value.filter((e): e is Extension => typeof e === 'object' && e !== null) : [];
}

/** The Vietnamese text of an issue, from the standard `translation` extension on `details.text`. */
function vietnameseText(issue: OperationOutcomeIssue): string | undefined {
  const textElement = (issue.details as { _text?: { extension?: unknown } } | undefined)?._text;
  for (const translation of extensions(textElement?.extension)) {
    if (translation.url !== TRANSLATION_EXTENSION) continue;
    const parts = extensions(translation.extension);
    const lang = parts.find((e) => e.url === 'lang')?.valueCode;
    const content = parts.find((e) => e.url === 'content')?.valueString;
    if (lang === 'vi' && typeof content === 'string') return content;
  }
  return undefined;
}

function firstString(value: unknown): string | undefined {
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

function issueCodeOf(issue: OperationOutcomeIssue): string {
  const codings = Array.isArray(issue.details?.coding) ? issue.details.coding : [];
  const ours = codings.find((c) => c?.system === ERROR_CODE_SYSTEM)?.code;
  if (typeof ours === 'string' && /^[A-Z][A-Z0-9_]*$/.test(ours)) return ours;
  const type = typeof issue.code === 'string' && /^[a-z-]+$/.test(issue.code) ? issue.code : 'exception';
  return `FHIR_${type.toUpperCase().replace(/-/g, '_')}`;
}

/** Options for {@link fromOperationOutcome}. */
export interface FromOperationOutcomeOptions {
  /** HTTP status the outcome came with; decides the class when the issues do not. */
  status?: number;
  method?: string;
  url?: string;
}

/**
 * Reads a FHIR `OperationOutcome` (ours or any server's) back into the error family, choosing
 * the class from the first error issue's type (or the HTTP status) and keeping every issue.
 */
export function fromOperationOutcome(
  outcome: OperationOutcome,
  options: FromOperationOutcomeOptions = {},
): LienThongError {
  // Outcomes come from remote servers: read them defensively, ignoring malformed issues.
  const all = (Array.isArray(outcome?.issue) ? outcome.issue : []).filter(
    (i): i is OperationOutcomeIssue => typeof i === 'object' && i !== null,
  );
  const errors = all.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  const relevant = errors.length > 0 ? errors : all;
  const issues: ValidationIssue[] = relevant.map((issue) => {
    const text = typeof issue.details?.text === 'string' ? issue.details.text : undefined;
    const diagnostics = typeof issue.diagnostics === 'string' ? issue.diagnostics : undefined;
    const message = redactText(text ?? diagnostics ?? `FHIR issue: ${String(issue.code ?? 'exception')}`);
    return {
      code: issueCodeOf(issue),
      message,
      messageVi: redactText(vietnameseText(issue) ?? `Máy chủ FHIR báo lỗi: ${message}`),
      path: firstString(issue.expression) ?? firstString(issue.location) ?? '',
    };
  });
  const first = issues[0] ?? {
    code: 'FHIR_OPERATION_OUTCOME_EMPTY',
    message: 'The server returned an OperationOutcome without issues.',
    messageVi: 'Máy chủ trả về OperationOutcome không có nội dung lỗi.',
    path: '',
  };
  const init = {
    code: first.code,
    message: first.message,
    messageVi: first.messageVi,
    ...(first.path ? { path: first.path } : {}),
    details: { operationOutcome: true, ...(options.status === undefined ? {} : { status: options.status }) },
  };
  const type = relevant[0]?.code;
  const status = options.status;
  if (type === 'not-found' || status === 404 || status === 410) return new NotFoundError(init);
  if (type === 'conflict' || type === 'duplicate' || status === 409 || status === 412)
    return new ConflictError(init);
  if (type === 'security' || type === 'login' || type === 'forbidden' || status === 401 || status === 403) {
    return new AuthError({ ...init, ...(status === undefined ? {} : { status }) });
  }
  if (
    type === 'invalid' ||
    type === 'structure' ||
    type === 'required' ||
    type === 'value' ||
    type === 'invariant' ||
    type === 'business-rule' ||
    type === 'code-invalid' ||
    status === 400 ||
    status === 422
  ) {
    return new ValidationError({ ...init, issues });
  }
  if (
    type === 'transient' ||
    type === 'timeout' ||
    type === 'throttled' ||
    (status !== undefined && status >= 500)
  ) {
    return new TransportError({
      ...init,
      ...(status === undefined ? {} : { status }),
      method: options.method ?? 'UNKNOWN',
      url: options.url ?? '',
      retryable: true,
    });
  }
  return new LienThongError(init);
}
