import { guard, invalid } from './errors.js';
import type { LabReport } from './model.js';

/**
 * What every codec does around its own reading and writing (internal): a decoder takes text and
 * answers typed errors only, an encoder takes one report or several.
 */

/** How a text format's decoder names its failures. */
export interface TextInput {
  /** The code of a failure to read the document: no text, or an unexpected exception. */
  code: string;
  /** Where those failures are reported (the root element, the first segment). */
  path: string;
  /** The document, in "Could not read the …". */
  subject: { en: string; vi: string };
  /** The message when the input is not a string. */
  expected: { en: string; vi: string };
}

/**
 * Runs a decoder's `body` on `input`, which must be text (else a `ValidationError` `format.code`);
 * any other exception that is not a LienThongError becomes one too (see {@link guard}).
 */
export function decodeText<T>(input: unknown, format: TextInput, body: (text: string) => T): T {
  return guard(
    format.code,
    format.subject,
    () => {
      if (typeof input !== 'string')
        throw invalid(format.code, format.path, format.expected.en, format.expected.vi);
      return body(input);
    },
    format.path,
  );
}

/**
 * `parse()`, or — when it throws — a `ValidationError` `code` at `path` whose `cause` is the
 * parser's error (a document that is not well formed).
 */
export function parseOrInvalid<T>(
  parse: () => T,
  code: string,
  path: string,
  message: string,
  messageVi: string,
): T {
  try {
    return parse();
  } catch (error) {
    const e = invalid(code, path, message, messageVi);
    (e as { cause?: unknown }).cause = error;
    throw e;
  }
}

/**
 * Runs an encoder's `body` on the reports as a list (one report is a list of one); an exception
 * that is not a LienThongError becomes a `ValidationError` `code` at `reports`.
 */
export function encodeReports<T>(
  code: string,
  reports: LabReport | readonly LabReport[],
  body: (list: readonly LabReport[]) => T,
): T {
  return guard(
    code,
    { en: 'lab report', vi: 'phiếu kết quả' },
    () => body((Array.isArray(reports) ? reports : [reports]) as readonly LabReport[]),
    'reports',
  );
}
