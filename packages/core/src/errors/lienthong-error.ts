/**
 * The one error family of Liên Thông. Every public function reports failure with one of these
 * classes: a stable `code` (never changes meaning once released), an English `message`, a
 * Vietnamese `messageVi`, the `path` of the field/row/segment at fault, and the original `cause`.
 *
 * Guards (`isLienThongError`, `isValidationError`, …) use a global brand rather than
 * `instanceof`, so they work when an application loads both the ESM and the CJS build.
 */

const BRAND = Symbol.for('lienthong.error');

/** The broad kind of an error; each kind has its own class and guard. */
export type LienThongErrorKind = 'generic' | 'validation' | 'not-found' | 'conflict' | 'auth' | 'transport';

/** Constructor input shared by every class of the family. */
export interface LienThongErrorInit {
  /** Stable upper-snake-case code, `DOMAIN_REASON` (e.g. `CITIZEN_ID_PROVINCE_UNKNOWN`). */
  code: string;
  /** English message. Must not contain credentials or unmasked personal identifiers. */
  message: string;
  /** Vietnamese message. Same rules as `message`. */
  messageVi: string;
  /** Where the problem is: a field path, a row, a segment (`CHI_TIET_CLS[3].MA_CHI_SO`, `OBX[2]-5`). */
  path?: string;
  /** Machine-readable extra facts (never personal data). */
  details?: Readonly<Record<string, unknown>>;
  /** The underlying error, kept for debugging. */
  cause?: unknown;
}

/** Base class of every error Liên Thông throws or returns. */
export class LienThongError extends Error {
  readonly [BRAND] = true;
  readonly kind: LienThongErrorKind = 'generic';
  readonly code: string;
  readonly messageVi: string;
  readonly path: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(init: LienThongErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'LienThongError';
    this.code = init.code;
    this.messageVi = init.messageVi;
    this.path = init.path;
    this.details = init.details;
  }

  /** The message in the requested language (`vi` or `en`). */
  localizedMessage(lang: 'vi' | 'en'): string {
    return lang === 'vi' ? this.messageVi : this.message;
  }

  /** A plain object for logs and API answers (no stack, no cause; absent fields are undefined). */
  toJSON(): SerializedLienThongError {
    const { name, kind, code, message, messageVi, path, details } = this;
    return { name, kind, code, message, messageVi, path, details };
  }
}

/** JSON form of an error (`LienThongError#toJSON`). */
export interface SerializedLienThongError {
  name: string;
  kind: LienThongErrorKind;
  code: string;
  message: string;
  messageVi: string;
  path?: string | undefined;
  details?: Readonly<Record<string, unknown>> | undefined;
}

/** One problem found while validating input. */
export interface ValidationIssue {
  /** Dotted path with bracketed indexes (`observations[2].value.unit`); empty for the whole value. */
  path: string;
  code: string;
  message: string;
  messageVi: string;
}

/** Input did not satisfy a schema or a domain rule. Carries every issue found, not only the first. */
export class ValidationError extends LienThongError {
  override readonly kind = 'validation' as const;
  readonly issues: readonly ValidationIssue[];

  constructor(
    init: Omit<LienThongErrorInit, 'code'> & { code?: string; issues?: readonly ValidationIssue[] },
  ) {
    super({ ...init, code: init.code ?? 'VALIDATION_FAILED' });
    this.name = 'ValidationError';
    this.issues = init.issues ?? [
      { path: init.path ?? '', code: this.code, message: init.message, messageVi: init.messageVi },
    ];
  }

  override toJSON(): SerializedLienThongError & { issues: readonly ValidationIssue[] } {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** The thing asked for does not exist (or is not visible to the caller). */
export class NotFoundError extends LienThongError {
  override readonly kind = 'not-found' as const;
  constructor(init: Omit<LienThongErrorInit, 'code'> & { code?: string }) {
    super({ ...init, code: init.code ?? 'NOT_FOUND' });
    this.name = 'NotFoundError';
  }
}

/** The request conflicts with stored state (duplicate, stale version, idempotency-key reuse). */
export class ConflictError extends LienThongError {
  override readonly kind = 'conflict' as const;
  constructor(init: Omit<LienThongErrorInit, 'code'> & { code?: string }) {
    super({ ...init, code: init.code ?? 'CONFLICT' });
    this.name = 'ConflictError';
  }
}

/** Authentication failed or the credential lacks the right to do this. */
export class AuthError extends LienThongError {
  override readonly kind = 'auth' as const;
  /** HTTP status when the failure came from a server (401 or 403). */
  readonly status: number | undefined;
  constructor(init: Omit<LienThongErrorInit, 'code'> & { code?: string; status?: number }) {
    super({ ...init, code: init.code ?? 'AUTH_FAILED' });
    this.name = 'AuthError';
    this.status = init.status;
  }
}

/** Facts about the HTTP exchange that failed. The URL never carries credentials or identifiers. */
export interface TransportErrorInit extends Omit<LienThongErrorInit, 'code'> {
  code?: string;
  /** HTTP status, absent for network failures and timeouts. */
  status?: number;
  method: string;
  /** Redacted URL: no user-info, query values masked. */
  url: string;
  /** Whether sending the same request again may succeed. */
  retryable: boolean;
}

/** The remote side could not be reached or answered with something unusable. */
export class TransportError extends LienThongError {
  override readonly kind = 'transport' as const;
  readonly status: number | undefined;
  readonly method: string;
  readonly url: string;
  readonly retryable: boolean;
  constructor(init: TransportErrorInit) {
    super({ ...init, code: init.code ?? 'TRANSPORT_FAILED' });
    this.name = 'TransportError';
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.retryable = init.retryable;
  }

  override toJSON(): SerializedLienThongError & {
    status?: number;
    method: string;
    url: string;
    retryable: boolean;
  } {
    const { status, method, url, retryable } = this;
    return { ...super.toJSON(), status, method, url, retryable };
  }
}

function hasKind(error: unknown, kind?: LienThongErrorKind): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const branded = (error as { [BRAND]?: unknown })[BRAND] === true;
  return branded && (kind === undefined || (error as { kind?: unknown }).kind === kind);
}

/** True for any error of the Liên Thông family (works across ESM/CJS copies). */
export const isLienThongError = (error: unknown): error is LienThongError => hasKind(error);
/** True for {@link ValidationError}. */
export const isValidationError = (error: unknown): error is ValidationError => hasKind(error, 'validation');
/** True for {@link NotFoundError}. */
export const isNotFoundError = (error: unknown): error is NotFoundError => hasKind(error, 'not-found');
/** True for {@link ConflictError}. */
export const isConflictError = (error: unknown): error is ConflictError => hasKind(error, 'conflict');
/** True for {@link AuthError}. */
export const isAuthError = (error: unknown): error is AuthError => hasKind(error, 'auth');
/** True for {@link TransportError}. */
export const isTransportError = (error: unknown): error is TransportError => hasKind(error, 'transport');

/**
 * Wraps anything thrown by code we do not control into the family, so a raw `TypeError` never
 * escapes a public function. Errors already in the family pass through unchanged.
 */
export function toLienThongError(error: unknown, fallback?: Partial<LienThongErrorInit>): LienThongError {
  if (isLienThongError(error)) return error;
  return new LienThongError({
    code: fallback?.code ?? 'INTERNAL_ERROR',
    message: fallback?.message ?? 'An unexpected internal error occurred.',
    messageVi: fallback?.messageVi ?? 'Đã xảy ra lỗi nội bộ không mong đợi.',
    ...(fallback?.path === undefined ? {} : { path: fallback.path }),
    ...(fallback?.details === undefined ? {} : { details: fallback.details }),
    cause: error,
  });
}
