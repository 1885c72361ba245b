import { isLienThongError, type LienThongError, toLienThongError } from '@lienthong/core';

/** HTTP status of an error of the family. */
export function statusOf(error: LienThongError): number {
  if (typeof error.details?.status === 'number' && error.details.status >= 400) return error.details.status;
  switch (error.kind) {
    case 'validation':
      return 400;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'auth':
      return (error as { status?: number }).status ?? 401;
    case 'transport':
      return 502;
    default:
      return 500;
  }
}

/** What was thrown, as an error of the family: anything unexpected is `HUB_INTERNAL_ERROR`, without internals. */
export function familyErrorOf(thrown: unknown): LienThongError {
  return isLienThongError(thrown)
    ? thrown
    : toLienThongError(thrown, {
        code: 'HUB_INTERNAL_ERROR',
        message: 'The hub failed to handle the request.',
        messageVi: 'Sàn liên thông gặp lỗi khi xử lý yêu cầu.',
      });
}

/**
 * The hub's one error format: an RFC 9457 problem document carrying the core error fields
 * (`code`, `messageVi`, `path`, `issues`), which `@lienthong/core`'s transport reads back into the
 * same error class on the client side. Unexpected errors are reported without internals. The FHIR
 * facade answers the same error as an `OperationOutcome` (`render-error.ts`).
 */
export function problemOf(thrown: unknown): { status: number; body: Record<string, unknown> } {
  const error = familyErrorOf(thrown);
  const status = statusOf(error);
  const json = error.toJSON() as unknown as Record<string, unknown>;
  return {
    status,
    body: {
      type: `urn:lienthong:error:${error.code}`,
      title: error.code,
      status,
      detail: error.message,
      code: error.code,
      messageVi: error.messageVi,
      ...(error.path ? { path: error.path } : {}),
      ...(Array.isArray(json.issues) ? { issues: json.issues } : {}),
    },
  };
}
