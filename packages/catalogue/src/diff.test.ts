import { describe, expect, it } from 'vitest';
import { diffReleases } from './diff.js';
import type { Release } from './model.js';

// SYNTHETIC releases constructed for the test.
const meta = { id: 'syn', uri: 'urn:syn', name: 'SYNTHETIC' };
const a: Release = {
  system: { ...meta, version: '1' },
  concepts: [
    { code: '1.1', display: 'SYNTHETIC kept', status: 'active' },
    { code: '1.2', display: 'SYNTHETIC old name', status: 'active' },
    { code: '1.3', display: 'SYNTHETIC removed', status: 'active' },
    { code: '18.8', display: 'SYNTHETIC linked', status: 'active', properties: { links: ['1.1'] } },
    { code: '1.5', display: 'SYNTHETIC chapter', status: 'active', chapter: 'A' },
  ],
};
const b: Release = {
  system: { ...meta, version: '2' },
  concepts: [
    { code: '1.1', display: 'SYNTHETIC kept', status: 'active' },
    { code: '1.2', display: 'SYNTHETIC new name', status: 'active' },
    { code: '18.8', display: 'SYNTHETIC linked', status: 'active', properties: { links: ['1.1', '1.2'] } },
    { code: '18.80', display: 'SYNTHETIC added (text code, not 18.8)', status: 'active' },
    { code: '1.5', display: 'SYNTHETIC chapter', status: 'retired', chapter: 'B' },
  ],
};

describe('diffReleases', () => {
  it('finds added, removed, renamed, re-linked and changed concepts', () => {
    const d = diffReleases(a, b);
    expect(d.from).toEqual({ id: 'syn', version: '1' });
    expect(d.added.map((c) => c.code)).toEqual(['18.80']);
    expect(d.removed.map((c) => c.code)).toEqual(['1.3']);
    expect(d.renamed).toEqual([{ code: '1.2', from: 'SYNTHETIC old name', to: 'SYNTHETIC new name' }]);
    expect(d.relinked).toEqual([{ code: '18.8', from: ['1.1'], to: ['1.1', '1.2'] }]);
    expect(d.changed).toEqual([{ code: '1.5', fields: ['chapter', 'status'] }]);
    expect(d.unchanged).toBe(1);
  });

  it('a release against itself has no changes', () => {
    const d = diffReleases(b, b);
    expect(d.added.length + d.removed.length + d.renamed.length + d.relinked.length + d.changed.length).toBe(
      0,
    );
    expect(d.unchanged).toBe(5);
  });
});
