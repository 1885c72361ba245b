import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { runCli } from '../program.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), lang: 'en' };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

const repoFile = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));
const PL01 = repoFile('data/tt23/tt23_2024_pl01_danh_muc_ky_thuat_den_30-6-2026.csv');
const PL02 = repoFile('data/tt23/tt23_2024_pl02_danh_muc_ky_thuat_tu_1-7-2026.csv');
const SYNTHETIC = fileURLToPath(
  new URL('../../../catalogue/test/fixtures/synthetic/synthetic-qd1227-planted-defects.csv', import.meta.url),
);
const tmp = mkdtempSync(join(tmpdir(), 'lienthong-catalogue-'));

describe('lienthong catalogue', () => {
  it.each([['dinh luong glucose mau'], ['ĐỊNH LƯỢNG GLUCOSE'], ['dinh luong glucoze mau']])(
    'search "%s" --system tt23-pl01 → 23.75 first',
    async (q) => {
      const c = capture();
      expect(await runCli(['catalogue', 'search', q, '--system', 'tt23-pl01'], c.io)).toBe(0);
      expect(c.out().split('\n')[0]).toMatch(/^23\.75\tĐịnh lượng Glucose \[Máu\]/);
    },
  );

  it('search a code returns it first, with --json', async () => {
    const c = capture();
    expect(await runCli(['catalogue', 'search', '22.120', '--json', '--limit', '3'], c.io)).toBe(0);
    const hits = JSON.parse(c.out()) as { code: string; system: string; match: string }[];
    expect(hits[0]).toMatchObject({ code: '22.120', system: 'tt23-pl01', match: 'code' });
    expect(hits.length).toBeLessThanOrEqual(3);
  });

  it('lookup prints a concept; an unknown code exits 1', async () => {
    const c = capture();
    expect(await runCli(['catalogue', 'lookup', 'tt23-pl01', '23.75', '--json'], c.io)).toBe(0);
    expect(JSON.parse(c.out()).concept).toMatchObject({ code: '23.75', display: 'Định lượng Glucose [Máu]' });
    const d = capture();
    expect(await runCli(['catalogue', 'lookup', 'tt23-pl01', '99.999'], d.io)).toBe(1);
    expect(d.err()).toMatch(/CATALOGUE_CODE_NOT_FOUND/);
  });

  it('importing the real PL01 source reports the known defects with their rows', async () => {
    const c = capture();
    const out = join(tmp, 'pl01.json');
    expect(
      await runCli(
        [
          'catalogue',
          'import',
          PL01,
          '--system',
          'tt23-pl01',
          '--expect-rows',
          '19438',
          '--out',
          out,
          '--json',
        ],
        c.io,
      ),
    ).toBe(0);
    const { report } = JSON.parse(c.out());
    expect(report.rows).toBe(19438);
    expect(report.issues).toContainEqual(
      expect.objectContaining({ code: 'CODE_PATTERN', row: 15893, column: 'ma_ky_thuat', value: '19165' }),
    );
    expect(report.issues.filter((i: { code: string }) => i.code === 'CODE_PATTERN')).toHaveLength(3);
    // The written release loads back and answers lookups.
    const l = capture();
    expect(await runCli(['catalogue', 'lookup', out, '23.75'], l.io)).toBe(0);
    expect(l.out()).toMatch(/Định lượng Glucose/);
  });

  it('importing the real PL02 source reports comma links, lost dots and empty names with rows; --strict exits 1', async () => {
    const c = capture();
    expect(await runCli(['catalogue', 'import', PL02, '--system', 'tt23-pl02', '--strict'], c.io)).toBe(1);
    expect(c.out()).toMatch(
      /row \d+ \(line \d+\), column ma_lien_ket: LINK_COMMA_DECIMAL "\d+,\d+" → "\d+\.\d+"/,
    );
    expect(c.out()).toMatch(/column ma_lien_ket: LINK_MISSING_DOT/);
    expect(c.out()).toMatch(/column ten_ky_thuat: NAME_EMPTY/);
    expect(c.err()).toMatch(/CATALOGUE_IMPORT_STRICT/);
  });

  it('a SYNTHETIC file with planted defects reports every one with its row and exits 1 under --strict', async () => {
    const c = capture();
    expect(await runCli(['catalogue', 'import', SYNTHETIC, '--system', 'qd1227', '--strict'], c.io)).toBe(1);
    const out = c.out();
    expect(out).toMatch(/row 2 \(line 3\), column ma_chi_so: DUPLICATE_CODE "9990001"/);
    expect(out).toMatch(/row 3 \(line 4\), column ma_chi_so: CODE_PATTERN "999003"/);
    expect(out).toMatch(/row 4 \(line 5\), column ma_loinc: LOINC_CHECK_DIGIT "83039-7"/);
    expect(out).toMatch(/row 5 \(line 6\), column don_vi: UNIT_UNKNOWN "đơn vị lạ"/);
    expect(out).toMatch(/row 6 \(line 7\), column ten_chi_so: NAME_EMPTY/);
    const lax = capture();
    expect(await runCli(['catalogue', 'import', SYNTHETIC, '--system', 'qd1227'], lax.io)).toBe(0);
  });

  it('diff of a constructed pair of releases', async () => {
    const a = join(tmp, 'a.csv');
    const b = join(tmp, 'b.csv');
    // SYNTHETIC releases built through the generic importer.
    writeFileSync(a, 'code,name,links\nS1,SYNTHETIC one,\nS2,SYNTHETIC two,X\nS3,SYNTHETIC three,\n');
    writeFileSync(
      b,
      'code,name,links\nS1,SYNTHETIC one,\nS2,SYNTHETIC two,Y\nS4,SYNTHETIC four,\nS3,SYNTHETIC 3,\n',
    );
    for (const [csv, out] of [
      [a, join(tmp, 'a.json')],
      [b, join(tmp, 'b.json')],
    ] as const)
      expect(
        await runCli(
          [
            'catalogue',
            'import',
            csv,
            '--system',
            'syn',
            '--map',
            'code=code,display=name,links=links',
            '--out',
            out,
          ],
          capture().io,
        ),
      ).toBe(0);
    const c = capture();
    expect(
      await runCli(['catalogue', 'diff', join(tmp, 'a.json'), join(tmp, 'b.json'), '--json'], c.io),
    ).toBe(0);
    const diff = JSON.parse(c.out());
    expect(diff.added.map((x: { code: string }) => x.code)).toEqual(['S4']);
    expect(diff.removed).toEqual([]);
    expect(diff.renamed).toEqual([{ code: 'S3', from: 'SYNTHETIC three', to: 'SYNTHETIC 3' }]);
    expect(diff.relinked).toEqual([{ code: 'S2', from: ['X'], to: ['Y'] }]);
  });

  it('export-fhir writes CodeSystem, ValueSet and the PL02 → PL01 ConceptMap', async () => {
    const dir = join(tmp, 'fhir');
    const c = capture();
    expect(await runCli(['catalogue', 'export-fhir', 'tt23-pl02', '--out', dir], c.io)).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      'CodeSystem-tt23-pl02.json',
      'ConceptMap-tt23-pl02-links.json',
      'ValueSet-tt23-pl02-all.json',
    ]);
    const cs = JSON.parse(readFileSync(join(dir, 'CodeSystem-tt23-pl02.json'), 'utf8'));
    expect(cs.count).toBe(9128);
  });

  it('usage and input errors', async () => {
    expect(
      await runCli(['catalogue', 'import', '/no/such/file.csv', '--system', 'tt23-pl01'], capture().io),
    ).toBe(1);
    expect(await runCli(['catalogue', 'import', SYNTHETIC, '--system', 'custom'], capture().io)).toBe(1);
    expect(await runCli(['catalogue', 'import', SYNTHETIC], capture().io)).toBe(2);
    expect(await runCli(['catalogue', 'lookup', 'tt23-pl01'], capture().io)).toBe(2);
  });
});
