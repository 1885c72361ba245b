import type { OperationOutcome } from '@medplum/fhirtypes';
import {
  AuthError,
  ConflictError,
  type LienThongError,
  NotFoundError,
  TransportError,
  ValidationError,
  type ValidationIssue,
} from '../errors/lienthong-error.js';
import { fromOperationOutcome } from '../errors/operation-outcome.js';
import { redactText } from '../privacy/mask.js';

/** Status codes where sending the same request again may succeed. */
export const RETRYABLE_STATUS = [408, 429, 500, 502, 503, 504] as const;

interface ExchangeFacts {
  status: number;
  method: string;
  /** Already redacted. */
  url: string;
}

/** An RFC 9457 problem document, possibly carrying our error fields (`code`, `messageVi`, `issues`). */
interface ProblemDocument {
  title?: unknown;
  detail?: unknown;
  code?: unknown;
  messageVi?: unknown;
  path?: unknown;
  issues?: unknown;
}

function isOperationOutcome(body: unknown): body is OperationOutcome {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { resourceType?: unknown }).resourceType === 'OperationOutcome'
  );
}

function isProblem(body: unknown): body is ProblemDocument {
  return typeof body === 'object' && body !== null && ('title' in body || 'detail' in body || 'code' in body);
}

function problemIssues(value: unknown): ValidationIssue[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
    .map((i) => ({
      path: typeof i.path === 'string' ? i.path : '',
      code: typeof i.code === 'string' ? i.code : 'VALIDATION_FAILED',
      message: redactText(typeof i.message === 'string' ? i.message : 'Invalid value.'),
      messageVi: redactText(typeof i.messageVi === 'string' ? i.messageVi : 'Giá trị không hợp lệ.'),
    }));
}

function byStatus(
  init: { code: string; message: string; messageVi: string; path?: string; issues?: ValidationIssue[] },
  facts: ExchangeFacts,
): LienThongError {
  const details = { status: facts.status, method: facts.method, url: facts.url };
  const { status } = facts;
  const base = { ...init, details };
  if (status === 400 || status === 422) return new ValidationError(base);
  if (status === 401 || status === 403) return new AuthError({ ...base, status });
  if (status === 404 || status === 410) return new NotFoundError(base);
  if (status === 409 || status === 412) return new ConflictError(base);
  return new TransportError({
    ...base,
    status,
    method: facts.method,
    url: facts.url,
    retryable: (RETRYABLE_STATUS as readonly number[]).includes(status),
  });
}

const GENERIC: Record<number, [string, string, string]> = {
  400: [
    'HTTP_BAD_REQUEST',
    'The server rejected the request as invalid',
    'Máy chủ từ chối yêu cầu vì không hợp lệ',
  ],
  401: [
    'AUTH_UNAUTHORIZED',
    'The server requires valid credentials',
    'Máy chủ yêu cầu thông tin xác thực hợp lệ',
  ],
  403: [
    'AUTH_FORBIDDEN',
    'The credential is not allowed to do this',
    'Thông tin xác thực không có quyền thực hiện thao tác này',
  ],
  404: ['NOT_FOUND', 'The requested resource does not exist', 'Không tìm thấy tài nguyên được yêu cầu'],
  409: ['CONFLICT', 'The request conflicts with the stored state', 'Yêu cầu xung đột với dữ liệu đã lưu'],
  429: [
    'TRANSPORT_RATE_LIMITED',
    'The server is rate limiting requests',
    'Máy chủ đang giới hạn số lượng yêu cầu',
  ],
};

/**
 * Turns a non-2xx HTTP answer into the error family. A FHIR `OperationOutcome` body or a problem
 * document becomes a readable error carrying the server's codes and paths; any other body is
 * summarised by status (never dumped raw). Personal identifiers in server text are masked.
 */
export function errorFromHttpResponse(facts: ExchangeFacts, body: unknown): LienThongError {
  if (isOperationOutcome(body)) {
    const error = fromOperationOutcome(body, facts);
    return error;
  }
  if (isProblem(body)) {
    const message = redactText(String(body.detail ?? body.title ?? `HTTP ${facts.status}`));
    const issues = problemIssues(body.issues);
    return byStatus(
      {
        code:
          typeof body.code === 'string' ? body.code : (GENERIC[facts.status]?.[0] ?? `HTTP_${facts.status}`),
        message,
        messageVi:
          typeof body.messageVi === 'string' ? redactText(body.messageVi) : `Máy chủ báo lỗi: ${message}`,
        ...(typeof body.path === 'string' ? { path: body.path } : {}),
        ...(issues ? { issues } : {}),
      },
      facts,
    );
  }
  const [code, en, vi] = GENERIC[facts.status] ?? [
    facts.status >= 500 ? 'TRANSPORT_SERVER_ERROR' : `HTTP_${facts.status}`,
    facts.status >= 500 ? 'The server failed to handle the request' : 'The server refused the request',
    facts.status >= 500 ? 'Máy chủ gặp lỗi khi xử lý yêu cầu' : 'Máy chủ từ chối yêu cầu',
  ];
  return byStatus(
    {
      code,
      message: `${en} (HTTP ${facts.status} ${facts.method} ${facts.url}).`,
      messageVi: `${vi} (HTTP ${facts.status} ${facts.method} ${facts.url}).`,
    },
    facts,
  );
}
