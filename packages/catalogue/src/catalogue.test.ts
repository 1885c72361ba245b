import { describe, expect, it } from 'vitest';
import { readText, SYNTHETIC } from '../test/data.js';
import { loadBundledRelease, loadBundledReport } from './bundled.js';
import { createCatalogue } from './catalogue.js';
import { buildLocalMap, suggestNational } from './local-map.js';
import type { Release } from './model.js';

const pl01 = await loadBundledRelease('tt23-pl01');
const pl02 = await loadBundledRelease('tt23-pl02');
const catalogue = createCatalogue([pl01, pl02]);
const top = (q: string, systems = ['tt23-pl01']) => catalogue.search(q, { systems, limit: 5 });

describe('search (real PL01)', () => {
  it.each([
    'dinh luong glucose mau',
    'ĐỊNH LƯỢNG GLUCOSE',
    'Định lượng Glucose [Máu]',
    'dinh luong glucoze mau', // one typo
    'dinh luong glucse mau', // one letter missing
    'dinh luong glucos', // prefix while typing
  ])('"%s" → 23.75 Định lượng Glucose [Máu] first', (q) => {
    expect(top(q)[0]).toMatchObject({ code: '23.75', display: 'Định lượng Glucose [Máu]' });
  });

  it('an exact code query returns that technique first', () => {
    expect(top('22.120')[0]).toMatchObject({ code: '22.120', match: 'code' });
    expect(top('22.120')[0]!.display).toBe('Tổng phân tích tế bào máu ngoại vi (bằng máy đếm tổng trở)');
    expect(top('bs_22.697')[0]).toMatchObject({ code: 'BS_22.697', match: 'code' });
    expect(top('19165')[0]).toMatchObject({ code: '19165' });
  });

  it('a code prefix lists codes in order', () => {
    expect(top('BS_22').every((h) => h.code.startsWith('BS_22.'))).toBe(true);
  });

  it('finds chest X-ray by words without diacritics', () => {
    expect(top('chup x quang nguc thang')[0]!.code).toBe('18.119');
  });

  it('searches several systems and respects limit; unknown system is a NotFoundError', () => {
    expect(catalogue.search('than kinh', { limit: 3 })).toHaveLength(3);
    expect(() => catalogue.search('x', { systems: ['nope'] })).toThrow(/not loaded/);
    expect(catalogue.search('   ')).toEqual([]);
    expect(catalogue.search('zzzzqqq')).toEqual([]);
  });
});

describe('lookup', () => {
  it('is exact on text codes and honours asOf validity', () => {
    expect(catalogue.lookup('tt23-pl01', '23.75')?.display).toBe('Định lượng Glucose [Máu]');
    expect(catalogue.lookup('urn:lienthong:cs:tt23-pl01', '23.75')?.code).toBe('23.75');
    expect(catalogue.lookup('tt23-pl01', '23.750')).toBeUndefined();
    expect(catalogue.lookup('tt23-pl01', '23.75', { asOf: '2026-01-01' })).toBeDefined();
    expect(catalogue.lookup('tt23-pl01', '23.75', { asOf: '2028-01-01' })).toBeUndefined(); // PL01 valid to 2027-12-31
    expect(catalogue.lookup('tt23-pl02', '1', { asOf: '2028-01-01' })).toBeDefined();
    expect(catalogue.lookup('nope', '1')).toBeUndefined();
  });

  it('picks the release valid at asOf among versions of one system', () => {
    const v1: Release = {
      system: { id: 'syn', uri: 'urn:syn', name: 'SYNTHETIC', version: '1', validTo: '2025-12-31' },
      concepts: [{ code: 'A', display: 'old', status: 'active' }],
    };
    const v2: Release = {
      system: { id: 'syn', uri: 'urn:syn', name: 'SYNTHETIC', version: '2', validFrom: '2026-01-01' },
      concepts: [{ code: 'A', display: 'new', status: 'active' }],
    };
    const c = createCatalogue([v2, v1]);
    expect(c.lookup('syn', 'A')?.display).toBe('new');
    expect(c.lookup('syn', 'A', { asOf: '2025-06-01' })?.display).toBe('old');
    expect(c.release('syn', { asOf: '2026-06-01' })?.system.version).toBe('2');
  });
});

describe('translate', () => {
  it('follows PL02 → PL01 links', () => {
    const m = catalogue.translate('1', 'tt23-pl01', { sourceSystem: 'tt23-pl02' });
    expect(m).toEqual([
      expect.objectContaining({
        target: '10.7',
        equivalence: 'relatedto',
        targetDisplay: expect.any(String),
      }),
    ]);
    expect(catalogue.translate('no-such', 'tt23-pl01')).toEqual([]);
  });
});

describe('bundled reports', () => {
  it('list the known source defects with rows', async () => {
    const r1 = await loadBundledReport('tt23-pl01');
    expect(r1.issues.find((i) => i.value === '19165')).toMatchObject({ row: 15893, column: 'ma_ky_thuat' });
    const r2 = await loadBundledReport('tt23-pl02');
    expect(r2.byCode.LINK_COMMA_DECIMAL).toBeGreaterThan(300);
    expect(r2.issues[0]!.messageVi.length).toBeGreaterThan(0);
    await expect(loadBundledRelease('nope' as 'tt23-pl01')).rejects.toMatchObject({
      code: 'CATALOGUE_RELEASE_NOT_BUNDLED',
    });
  });
});

describe('local maps (SYNTHETIC hospital CSV)', () => {
  it('builds a map, reports unknown national codes and suggests candidates for unmapped codes', () => {
    const r = buildLocalMap(readText(new URL('synthetic-local-map.csv', SYNTHETIC)), {
      id: 'syn-local',
      localSystem: 'urn:lienthong:cs:local:synthetic',
      targetSystem: 'tt23-pl01',
      catalogue,
      validFrom: '2026-01-01',
    });
    expect(r.map.elements.map((e) => [e.source, e.target])).toEqual([
      ['SYN-GLU', '23.75'],
      ['SYN-CBC', '22.120'],
    ]);
    expect(r.issues).toMatchObject([{ code: 'NATIONAL_CODE_UNKNOWN', row: 3, value: '99.9999' }]);
    expect(r.unmapped[0]!.localCode).toBe('SYN-UNMAPPED');
    expect(r.unmapped[0]!.candidates[0]!.display).toMatch(/Creatinin/);
    const c = createCatalogue([pl01], [r.map]);
    expect(c.translate('SYN-GLU', 'tt23-pl01')[0]).toMatchObject({
      target: '23.75',
      equivalence: 'equivalent',
    });
    expect(suggestNational(c, 'Glucose (máu)', 'tt23-pl01', 5).map((h) => h.code)).toContain('23.75');
  });
});
