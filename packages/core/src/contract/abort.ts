import { LienThongError } from '../errors/lienthong-error.js';

/** The code of every call cancelled by its caller's `AbortSignal`, in every package. */
export const OPERATION_ABORTED = 'OPERATION_ABORTED';

/**
 * Throws `LienThongError` `OPERATION_ABORTED` (the signal's reason as `cause`) when `signal` is
 * aborted. Providers call it when a method starts and between pages.
 * @example
 * async get(id, options = {}) {
 *   throwIfAborted(options.signal);
 *   …
 * }
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new LienThongError({
      code: OPERATION_ABORTED,
      message: 'The operation was cancelled by the caller.',
      messageVi: 'Thao tác đã bị người gọi hủy.',
      cause: signal.reason,
    });
  }
}
