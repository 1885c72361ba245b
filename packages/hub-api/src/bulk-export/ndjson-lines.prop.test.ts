import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ndjsonValues } from './ndjson-lines.js';

/** `text` as UTF-8 bytes cut at the given offsets (chunks may split a character or a line). */
async function* chunked(text: string, cuts: number[]): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.slice(from, cut);
    from = cut;
  }
  yield bytes.slice(from);
}

const collect = async (text: string, cuts: number[] = []) => {
  const out: unknown[] = [];
  for await (const v of ndjsonValues(chunked(text, cuts), 'Observation.1.ndjson')) out.push(v);
  return out;
};

describe('ndjsonValues', () => {
  it('gives back every line’s value, however the bytes are chunked', async () => {
    const value = fc.jsonValue().filter((v) => v !== undefined);
    await fc.assert(
      fc.asyncProperty(
        fc.array(value, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (values, cuts) => {
          const text = values.map((v) => JSON.stringify(v)).join('\n');
          expect(await collect(text, cuts)).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('skips blank lines, keeps a last line without a newline, and reads multi-byte characters split across chunks', async () => {
    const text = '{"resourceType":"Patient","gender":"nữ"}\n\n\r\n{"a":1}';
    expect(await collect(text, [3, 27, 28, 29])).toEqual([
      { resourceType: 'Patient', gender: 'nữ' },
      { a: 1 },
    ]);
  });

  it('refuses a line that is not JSON with its file and line, without quoting it', async () => {
    const error = await collect('{"a":1}\n{"name":"Nguyễn Văn A"\n', [5]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BULK_NDJSON_INVALID', path: 'Observation.1.ndjson:2' });
    expect(JSON.stringify({ ...(error as object), m: (error as Error).message })).not.toContain('Nguyễn');
  });

  it('refuses bytes that are not UTF-8', async () => {
    async function* bad() {
      yield new Uint8Array([0x7b, 0xff, 0x7d, 0x0a]);
    }
    const error = await (async () => {
      for await (const _ of ndjsonValues(bad(), 'x.ndjson')) void _;
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BULK_NDJSON_INVALID', path: 'x.ndjson:1' });
  });
});
