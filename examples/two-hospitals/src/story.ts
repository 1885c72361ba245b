/** Step-by-step, bilingual console output for the demo. */

import { explainError } from '@lienthong/core';

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
  const { text, retryable } = explainError(error, { stack: Boolean(process.env.DEBUG) });
  console.error(text);
  return retryable ? 3 : 1;
}
