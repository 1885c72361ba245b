/** Step-by-step, bilingual console output for the demo. */

import { isLienThongError, isTransportError, redactText } from '@lienthong/core';

let step = 0;

export function chapter(vi: string, en: string): void {
  step++;
  console.log(`\n\x1b[1m${step}. ${vi}\x1b[0m\n   \x1b[2m${en}\x1b[0m`);
}

export function say(label: string, value: unknown = ''): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  console.log(`   ${label}${text ? ` ${text}` : ''}`);
}

/**
 * Answers a failure for people on stderr: `[CODE] English message` and `[CODE] Vietnamese message`
 * (with the path when the message does not already give it), identifiers masked, no stack trace
 * unless `DEBUG` is set; anything else than a LienThongError in one line. Returns the exit code:
 * 3 when a service could not be reached (a retryable transport error), 1 otherwise.
 */
export function explainFailure(error: unknown): number {
  const lines = isLienThongError(error)
    ? [error.message, error.messageVi].map(
        (m) => `[${error.code}] ${m}${error.path && !m.includes(error.path) ? ` (${error.path})` : ''}`,
      )
    : [String(error instanceof Error ? `${error.name}: ${error.message}` : error).split('\n')[0]];
  if (process.env.DEBUG && error instanceof Error) lines.push(String(error.stack));
  console.error(redactText(lines.join('\n')));
  return isTransportError(error) && error.retryable ? 3 : 1;
}
