import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { runCli } from '../program.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), lang: 'en' };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('lienthong catalogue with the bundled ICD-10 (icd10-vn)', () => {
  it('search "viem phoi" --system icd10-vn lists pneumonia codes J12–J18 first', async () => {
    const c = capture();
    expect(
      await runCli(
        ['catalogue', 'search', 'viem phoi', '--system', 'icd10-vn', '--limit', '5', '--json'],
        c.io,
      ),
    ).toBe(0);
    const hits = JSON.parse(c.out()) as { code: string; system: string }[];
    expect(hits).toHaveLength(5);
    for (const hit of hits) {
      expect(hit.system).toBe('icd10-vn');
      expect(hit.code >= 'J12' && hit.code < 'J19').toBe(true);
    }
  });

  it('lookup icd10-vn J189 and J18.9 give the same concept', async () => {
    const concepts = [];
    for (const code of ['J189', 'J18.9']) {
      const c = capture();
      expect(await runCli(['catalogue', 'lookup', 'icd10-vn', code, '--json'], c.io)).toBe(0);
      concepts.push(JSON.parse(c.out()).concept);
    }
    expect(concepts[0]).toEqual(concepts[1]);
    expect(concepts[0]).toMatchObject({ code: 'J18.9', parent: 'J18', properties: { level: 'subcategory' } });
    const text = capture();
    expect(await runCli(['catalogue', 'lookup', 'icd10-vn', 'J189'], text.io)).toBe(0);
    expect(text.out()).toMatch(/^J18\.9\t.+\nchapter: X\nparent: J18\nlevel: subcategory/);
  });

  it('an unknown ICD-10 code exits 1', async () => {
    const c = capture();
    expect(await runCli(['catalogue', 'lookup', 'icd10-vn', 'J18.99'], c.io)).toBe(1);
    expect(c.err()).toMatch(/CATALOGUE_CODE_NOT_FOUND/);
  });
});
