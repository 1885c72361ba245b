import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ConflictError,
  isAuthError,
  isConflictError,
  isLienThongError,
  isNotFoundError,
  isTransportError,
  isValidationError,
  LienThongError,
  NotFoundError,
  TransportError,
  toLienThongError,
  ValidationError,
} from './lienthong-error.js';

const base = { message: 'm', messageVi: 'v' };

describe('error family', () => {
  const cases = [
    [new ValidationError(base), 'validation', 'VALIDATION_FAILED', isValidationError],
    [new NotFoundError(base), 'not-found', 'NOT_FOUND', isNotFoundError],
    [new ConflictError(base), 'conflict', 'CONFLICT', isConflictError],
    [new AuthError({ ...base, status: 403 }), 'auth', 'AUTH_FAILED', isAuthError],
    [
      new TransportError({ ...base, method: 'GET', url: 'http://h/x', retryable: true }),
      'transport',
      'TRANSPORT_FAILED',
      isTransportError,
    ],
  ] as const;

  it.each(cases)('%s has its kind, default code and guard', (error, kind, code, guard) => {
    expect(error.kind).toBe(kind);
    expect(error.code).toBe(code);
    expect(guard(error)).toBe(true);
    expect(isLienThongError(error)).toBe(true);
    expect(error).toBeInstanceOf(LienThongError);
    expect(error).toBeInstanceOf(Error);
    for (const [other, , , otherGuard] of cases) if (other !== error) expect(otherGuard(error)).toBe(false);
  });

  it('guards reject non-errors and foreign errors', () => {
    for (const value of [
      null,
      undefined,
      'x',
      42,
      {},
      new Error('x'),
      new TypeError('t'),
      { kind: 'validation' },
    ]) {
      expect(isLienThongError(value)).toBe(false);
      expect(isValidationError(value)).toBe(false);
    }
  });

  it('guards recognise an error from another copy of the package (brand, not instanceof)', () => {
    const foreign = Object.assign(Object.create(null), {
      [Symbol.for('lienthong.error')]: true,
      kind: 'not-found',
    });
    expect(isNotFoundError(foreign)).toBe(true);
  });

  it('keeps code, messages, path, details and cause', () => {
    const cause = new Error('root');
    const e = new LienThongError({
      code: 'X_Y',
      message: 'en',
      messageVi: 'vi',
      path: 'a.b',
      details: { n: 1 },
      cause,
    });
    expect(e.cause).toBe(cause);
    expect(e.localizedMessage('vi')).toBe('vi');
    expect(e.localizedMessage('en')).toBe('en');
    expect(e.toJSON()).toEqual({
      name: 'LienThongError',
      kind: 'generic',
      code: 'X_Y',
      message: 'en',
      messageVi: 'vi',
      path: 'a.b',
      details: { n: 1 },
    });
    expect(JSON.stringify(e)).not.toContain('root');
  });

  it('a validation error without issues lists itself as its one issue', () => {
    const e = new ValidationError({ code: 'X_BAD', message: 'bad', messageVi: 'sai', path: 'f' });
    expect(e.issues).toEqual([{ path: 'f', code: 'X_BAD', message: 'bad', messageVi: 'sai' }]);
    expect(e.toJSON().issues).toHaveLength(1);
  });

  it('transport errors serialise their HTTP facts', () => {
    const e = new TransportError({ ...base, status: 503, method: 'GET', url: 'http://h/x', retryable: true });
    expect(e.toJSON()).toMatchObject({ status: 503, method: 'GET', url: 'http://h/x', retryable: true });
    expect(
      JSON.stringify(new TransportError({ ...base, method: 'GET', url: 'u', retryable: false })),
    ).not.toContain('status');
  });

  it('toLienThongError wraps foreign throwables and passes family errors through', () => {
    const own = new NotFoundError(base);
    expect(toLienThongError(own)).toBe(own);
    const wrapped = toLienThongError(new TypeError('boom'));
    expect(wrapped.code).toBe('INTERNAL_ERROR');
    expect(wrapped.cause).toBeInstanceOf(TypeError);
    const custom = toLienThongError('str', {
      code: 'CSV_READ_FAILED',
      message: 'a',
      messageVi: 'b',
      path: 'row 3',
      details: { row: 3 },
    });
    expect(custom).toMatchObject({ code: 'CSV_READ_FAILED', path: 'row 3', details: { row: 3 } });
  });
});
