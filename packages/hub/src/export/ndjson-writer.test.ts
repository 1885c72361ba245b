import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNdjsonWriter } from './ndjson-writer.js';

describe('createNdjsonWriter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-ndjson-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one series of files per type, split by lines, in the order types came', async () => {
    const writer = createNdjsonWriter(dir, { maxLines: 2 });
    for (let i = 0; i < 5; i++) await writer.write({ resourceType: 'Observation', id: `o${i}` } as never);
    await writer.write({ resourceType: 'Patient', id: 'p' } as never);
    const files = await writer.finish();
    expect(files.map((f) => [f.name, f.count])).toEqual([
      ['Observation-1.ndjson', 2],
      ['Observation-2.ndjson', 2],
      ['Observation-3.ndjson', 1],
      ['Patient-1.ndjson', 1],
    ]);
    const lines = readFileSync(join(dir, 'Observation-2.ndjson'), 'utf8').split('\n');
    expect(lines).toEqual([
      '{"resourceType":"Observation","id":"o2"}',
      '{"resourceType":"Observation","id":"o3"}',
      '',
    ]);
    for (const f of files) expect(readFileSync(join(dir, f.name)).byteLength).toBe(f.bytes);
  });

  it('splits by bytes, never leaving a file empty (a line larger than the limit gets its own file)', async () => {
    const writer = createNdjsonWriter(dir, { maxBytes: 60 });
    const big = { resourceType: 'Patient', id: 'x'.repeat(80) };
    await writer.write({ resourceType: 'Patient', id: 'a' } as never);
    await writer.write(big as never);
    await writer.write({ resourceType: 'Patient', id: 'b' } as never);
    const files = await writer.finish();
    expect(files.map((f) => f.count)).toEqual([1, 1, 1]);
    expect(files.every((f) => f.bytes <= 60 || f.count === 1)).toBe(true);
  });

  it('streams large series through a bounded buffer (every byte reaches the file)', async () => {
    const writer = createNdjsonWriter(dir);
    const n = 20_000;
    for (let i = 0; i < n; i++) await writer.write({ resourceType: 'Observation', id: String(i) } as never);
    const [file] = await writer.finish();
    const text = readFileSync(join(dir, file!.name), 'utf8');
    expect(text.split('\n')).toHaveLength(n + 1);
    expect(file!.count).toBe(n);
  });

  it('abort closes its files without listing them', async () => {
    const writer = createNdjsonWriter(dir);
    await writer.write({ resourceType: 'Patient', id: 'a' } as never);
    await writer.abort();
    expect(readdirSync(dir)).toEqual(['Patient-1.ndjson']);
  });
});
