import { redactText } from '../privacy/mask.js';
import { isLienThongError, isTransportError } from './lienthong-error.js';

/** A failure as a person reads it on a terminal: see {@link explainError}. */
export interface ExplainedError {
  /** `[CODE] English message` and `[CODE] Vietnamese message` (path appended), identifiers masked. */
  text: string;
  /** A service could not be reached and trying again may work (scripts exit 3 then, else 1). */
  retryable: boolean;
}

/**
 * Explains a failure for people: the stable code and both messages of a Liên Thông error (with
 * the path at fault when the message does not already name it), anything else in one line, every
 * personal identifier masked, no stack trace unless `stack` is set. The examples and vendor
 * scripts print it instead of letting Node print a stack.
 *
 * @example
 * ```ts
 * try { await main(); } catch (error) {
 *   const { text, retryable } = explainError(error, { stack: Boolean(process.env.DEBUG) });
 *   console.error(text);
 *   process.exitCode = retryable ? 3 : 1;
 * }
 * ```
 */
export function explainError(error: unknown, options: { stack?: boolean } = {}): ExplainedError {
  const lines = isLienThongError(error)
    ? [error.message, error.messageVi].map(
        (m) => `[${error.code}] ${m}${error.path && !m.includes(error.path) ? ` (${error.path})` : ''}`,
      )
    : [String(error instanceof Error ? `${error.name}: ${error.message}` : error).split('\n')[0]];
  if (options.stack && error instanceof Error) lines.push(String(error.stack));
  return { text: redactText(lines.join('\n')), retryable: isTransportError(error) && error.retryable };
}
