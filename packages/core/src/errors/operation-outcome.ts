import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
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

function vietnameseText(issue: OperationOutcomeIssue): string | undefined {
  const ext = (
    issue.details as {
      _text?: {
        extension?: {
          url?: string;
          extension?: { url?: string; valueCode?: string; valueString?: string }[];
        }[];
      };
    }
  )?._text?.extension?.find((e) => e.url === TRANSLATION_EXTENSION);
  const lang = ext?.extension?.find((e) => e.url === 'lang')?.valueCode;
  return lang === 'vi' ? ext?.extension?.find((e) => e.url === 'content')?.valueString : undefined;
}

function issueCodeOf(issue: OperationOutcomeIssue): string {
  const ours = issue.details?.coding?.find((c) => c.system === ERROR_CODE_SYSTEM)?.code;
  if (ours) return ours;
  return `FHIR_${(issue.code ?? 'exception').toUpperCase().replace(/-/g, '_')}`;
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
  const all = outcome.issue ?? [];
  const errors = all.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  const relevant = errors.length > 0 ? errors : all;
  const issues: ValidationIssue[] = relevant.map((issue) => {
    const message = issue.details?.text ?? issue.diagnostics ?? `FHIR issue: ${issue.code ?? 'exception'}`;
    return {
      code: issueCodeOf(issue),
      message,
      messageVi: vietnameseText(issue) ?? `Máy chủ FHIR báo lỗi: ${message}`,
      path: issue.expression?.[0] ?? issue.location?.[0] ?? '',
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
