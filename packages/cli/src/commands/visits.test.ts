import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capture } from '../../test/capture.js';
import { runCli } from '../program.js';

const FIXTURE = decodeURIComponent(
  new URL('../../../visits/test/fixtures/synthetic-xml130-file-set.xml', import.meta.url).pathname,
);
const SET = readFileSync(FIXTURE, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'lienthong-visits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture with `edit` applied to the inner XML of every table (base64 decoded, edited, re-encoded). */
function planted(name: string, edit: (inner: string) => string): string {
  const text = SET.replace(/<NOIDUNGFILE>([^<]*)<\/NOIDUNGFILE>/g, (_, b64: string) => {
    const inner = Buffer.from(b64, 'base64').toString('utf8');
    return `<NOIDUNGFILE>${Buffer.from(edit(inner), 'utf8').toString('base64')}</NOIDUNGFILE>`;
  });
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('lienthong visits check', () => {
  it('finds no error in the synthetic file set and prints the summary', async () => {
    const c = capture();
    expect(await runCli(['visits', 'check', FIXTURE], c.io)).toBe(0);
    expect(c.out()).toMatch(/3 visit\(s\), \d+ table\(s\), 0 error\(s\), \d+ warning\(s\)/);
    const j = capture();
    expect(await runCli(['visits', 'check', FIXTURE, '--json'], j.io)).toBe(0);
    const doc = JSON.parse(j.out());
    expect(doc).toMatchObject({ ok: true, summary: { visits: 3, errors: 0 } });
    expect(doc.summary.tables).toBeGreaterThanOrEqual(5);
    expect(Array.isArray(doc.problems)).toBe(true);
  });

  it('shows progress per HOSO on a terminal, and none elsewhere', async () => {
    const c = capture('en', { progress: true });
    expect(await runCli(['visits', 'check', FIXTURE], c.io)).toBe(0);
    expect(c.progress()).toEqual(['HOSO 1/3', 'HOSO 2/3', 'HOSO 3/3\n']);
    expect(c.err()).toBe('');
    const p = capture('en', { progress: true });
    expect(await runCli(['visits', 'convert', FIXTURE, '--from', 'xml130', '--to', 'json'], p.io)).toBe(0);
    expect(p.progress().at(-1)).toBe('HOSO 3/3\n');
  });

  it('reports an unknown ICD-10 code with its place: exit 1, in vi + en', async () => {
    const file = planted('unknown-icd.xml', (x) =>
      x.replace('<MA_BENH_CHINH>J18.9</MA_BENH_CHINH>', '<MA_BENH_CHINH>Q99.99</MA_BENH_CHINH>'),
    );
    const c = capture();
    expect(await runCli(['visits', 'check', file], c.io)).toBe(1);
    expect(c.out()).toContain('error ICD10_CODE_UNKNOWN (HOSO[0].XML1[0].MA_BENH_CHINH)');
    expect(c.out()).toMatch(/1 error\(s\)/);
    const vi = capture('both');
    expect(await runCli(['visits', 'check', file], vi.io)).toBe(1);
    expect(vi.out()).toContain('lượt khám');
    const j = capture();
    expect(await runCli(['visits', 'check', file, '--json'], j.io)).toBe(1);
    const doc = JSON.parse(j.out()); // one JSON document, nothing after it
    expect(doc.ok).toBe(false);
    expect(doc.summary.errors).toBe(1);
    expect(doc.problems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        code: 'ICD10_CODE_UNKNOWN',
        hoso: 0,
        table: 'XML1',
        row: 0,
        field: 'MA_BENH_CHINH',
        messageVi: expect.any(String),
      }),
    );
  });

  it('reports a broken MA_LK link and input that is not XML 130', async () => {
    const file = planted('bad-link.xml', (x) =>
      x.includes('<CHITIEU_CHITIET_THUOC>') ? x.replaceAll('SYN-LK-0001', 'SYN-LK-9999') : x,
    );
    const c = capture();
    expect(await runCli(['visits', 'check', file, '--json'], c.io)).toBe(1);
    expect(JSON.parse(c.out()).problems).toContainEqual(
      expect.objectContaining({ code: 'XML130_VISIT_LINK_MISSING', table: 'XML2', field: 'MA_LK' }),
    );
    const junk = join(dir, 'junk.xml');
    writeFileSync(junk, 'not xml at all');
    const j = capture();
    expect(await runCli(['visits', 'check', junk, '--json'], j.io)).toBe(1);
    expect(JSON.parse(j.out())).toMatchObject({ ok: false, summary: { errors: 1 } });
  });

  it('answers an unreadable file with a typed error, no stack trace', async () => {
    const c = capture();
    expect(await runCli(['visits', 'check', join(dir, 'missing.xml')], c.io)).toBe(1);
    expect(c.err()).toMatch(/^lienthong: [A-Z_]+/);
    expect(c.err()).not.toMatch(/\n\s+at /);
  });
});

describe('lienthong visits convert', () => {
  it('converts XML 130 to the model JSON and back to XML 130 (to a file)', async () => {
    const c = capture();
    expect(await runCli(['visits', 'convert', FIXTURE, '--from', 'xml130', '--to', 'json'], c.io)).toBe(0);
    const set = JSON.parse(c.out());
    expect(set.visits).toHaveLength(3);
    expect(set.visits[0].id).toBe('SYN-LK-0001');

    const out = join(dir, 'again.xml');
    const x = capture();
    expect(
      await runCli(
        ['visits', 'convert', FIXTURE, '--from', 'xml130', '--to', 'xml130', '--out', out, '--json'],
        x.io,
      ),
    ).toBe(0);
    expect(JSON.parse(x.out())).toMatchObject({ ok: true, visits: 3, out });
    const back = capture();
    expect(await runCli(['visits', 'convert', out, '--from', 'xml130', '--to', 'json'], back.io)).toBe(0);
    expect(JSON.parse(back.out()).visits).toEqual(set.visits);
  });

  it('fails on malformed input with a typed error and writes nothing to --out', async () => {
    const bad = planted('bad-date.xml', (x) =>
      x.replace(/<NGAY_VAO>\d+<\/NGAY_VAO>/, '<NGAY_VAO>202513451200</NGAY_VAO>'),
    );
    const out = join(dir, 'never.json');
    const c = capture();
    expect(
      await runCli(['visits', 'convert', bad, '--from', 'xml130', '--to', 'json', '--out', out], c.io),
    ).toBe(1);
    expect(c.err()).toContain('lienthong: XML130_INVALID');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const j = capture();
    expect(await runCli(['visits', 'convert', bad, '--from', 'xml130', '--to', 'json', '--json'], j.io)).toBe(
      1,
    );
    expect(JSON.parse(j.out())).toMatchObject({ ok: false, error: { code: 'XML130_INVALID' } });
  });

  it('converts XML 130 → FHIR → XML 130 with every field equal, and reads a bad Bundle with its place', async () => {
    const fhir = join(dir, 'visits.fhir.json');
    const c = capture();
    expect(
      await runCli(['visits', 'convert', FIXTURE, '--from', 'xml130', '--to', 'fhir', '--out', fhir], c.io),
    ).toBe(0);
    const bundle = JSON.parse(readFileSync(fhir, 'utf8'));
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
    const xml = capture();
    expect(await runCli(['visits', 'convert', fhir, '--from', 'fhir', '--to', 'xml130'], xml.io)).toBe(0);
    const direct = capture();
    expect(
      await runCli(['visits', 'convert', FIXTURE, '--from', 'xml130', '--to', 'xml130'], direct.io),
    ).toBe(0);
    expect(xml.out()).toBe(direct.out());
    const enc = bundle.entry.findIndex(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Encounter',
    );
    bundle.entry[enc].resource.period.start = 'yesterday';
    const bad = join(dir, 'bad.fhir.json');
    writeFileSync(bad, JSON.stringify(bundle));
    const b = capture();
    expect(await runCli(['visits', 'convert', bad, '--from', 'fhir', '--to', 'json', '--json'], b.io)).toBe(
      1,
    );
    expect(JSON.parse(b.out())).toMatchObject({
      ok: false,
      error: { code: 'VISIT_FHIR_DATE_INVALID', path: `Bundle.entry[${enc}].resource.period.start` },
    });
  });

  it('answers unknown formats with a usage error (exit 2, vi + en)', async () => {
    const c = capture('both');
    expect(await runCli(['visits', 'convert', FIXTURE, '--from', 'xml130', '--to', 'hl7'], c.io)).toBe(2);
    expect(c.err()).toContain('CLI_FORMAT_UNSUPPORTED (--to)');
    expect(c.err()).toContain('phải là một trong');
    expect(c.err()).toContain('must be one of');
    const j = capture();
    expect(
      await runCli(['visits', 'convert', FIXTURE, '--from', 'hl7', '--to', 'json', '--json'], j.io),
    ).toBe(2);
    expect(JSON.parse(j.out())).toMatchObject({ ok: false, error: { code: 'CLI_FORMAT_UNSUPPORTED' } });
    const m = capture();
    expect(await runCli(['visits', 'convert', FIXTURE, '--from', 'xml130'], m.io)).toBe(2);
  });
});
