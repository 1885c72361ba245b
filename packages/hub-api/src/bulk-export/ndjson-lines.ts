import { ValidationError } from '@lienthong/core';

/** Longest NDJSON line read (a FHIR resource larger than this is refused, not buffered without end). */
export const MAX_NDJSON_LINE_BYTES = 64 * 1024 * 1024;

const invalid = (where: string, line: number, message: string, messageVi: string) =>
  new ValidationError({
    code: 'BULK_NDJSON_INVALID',
    message: `${where}, line ${line}: ${message}`,
    messageVi: `${where}, dòng ${line}: ${messageVi}`,
    path: `${where}:${line}`,
  });

/**
 * The JSON values of an NDJSON byte stream, one per line, read as the bytes arrive (never the
 * whole file in memory): blank lines are skipped, a line that is not JSON is 400
 * `BULK_NDJSON_INVALID` at `<where>:<line>` — its content is never quoted (it is patient data).
 * @example
 * for await (const resource of ndjsonValues(response.body!, 'Observation.1.ndjson')) count++;
 */
export async function* ndjsonValues(
  stream: AsyncIterable<Uint8Array>,
  where: string,
): AsyncGenerator<unknown, void, undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let line = 0;
  const parse = (text: string): unknown => {
    line++;
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw invalid(where, line, 'not a JSON value.', 'không phải một giá trị JSON.');
    }
  };
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw invalid(where, line + 1, 'not UTF-8 text.', 'không phải văn bản UTF-8.');
    }
  };
  for await (const chunk of stream) {
    pending += decode(chunk);
    let start = 0;
    for (let at = pending.indexOf('\n'); at >= 0; at = pending.indexOf('\n', start)) {
      const value = parse(pending.slice(start, at));
      if (value !== undefined) yield value;
      start = at + 1;
    }
    pending = pending.slice(start);
    if (pending.length > MAX_NDJSON_LINE_BYTES)
      throw invalid(where, line + 1, 'line too long.', 'dòng quá dài.');
  }
  pending += decode();
  const last = parse(pending);
  if (last !== undefined) yield last;
}
