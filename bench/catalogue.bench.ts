import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Catalogue, createCatalogue, type Release } from '@lienthong/catalogue';
import { loadBundledRelease } from '@lienthong/catalogue/bundled';
import { foldVietnamese } from '@lienthong/core';
import Fuse from 'fuse.js';
import MiniSearch from 'minisearch';
import { defineBench } from './harness.ts';

// Real input: the 19,438 techniques of TT 23/2024 PL01 and the 12,433 concepts of the ICD-10 list of
// QĐ 4469/QĐ-BYT, as the bundled releases generated from data/tt23 and data/icd10 by the package's
// own importers. Labelled queries are built from real names (3-5 consecutive words, diacritics
// dropped, some with one typo); the label is the code of the name the words came from.
// Deterministic (seeded), so every run measures the same queries.

interface Labelled {
  query: string;
  code: string;
  typo: boolean;
}

let release: Release;
let catalogue: Catalogue;
let mini: MiniSearch<{ id: number; code: string; name: string }>;
let fuse: Fuse<{ code: string; name: string }>;
let queries: Labelled[] = [];
let codes: string[] = [];
let icd10: Release;
let icd10Catalogue: Catalogue;
let icd10Mini: MiniSearch<{ id: number; code: string; name: string }>;
let icd10Queries: Labelled[] = [];

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildQueries(concepts: Release['concepts'], count: number, typos: number): Labelled[] {
  const random = rng(20261125);
  const out: Labelled[] = [];
  const letters = 'abcdeghiklmnopqrstuvxy';
  while (out.length < count) {
    const c = concepts[Math.floor(random() * concepts.length)]!;
    const words = foldVietnamese(c.display)
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
    if (words.length < 3) continue;
    const n = Math.min(words.length, 3 + Math.floor(random() * 3));
    const start = Math.floor(random() * (words.length - n + 1));
    const picked = words.slice(start, start + n);
    const typo = out.length < typos;
    if (typo) {
      const candidates = picked.map((w, i) => [w, i] as const).filter(([w]) => w.length >= 5);
      if (candidates.length === 0) continue;
      const [word, i] = candidates[Math.floor(random() * candidates.length)]!;
      const at = 1 + Math.floor(random() * (word.length - 2));
      let letter = letters[Math.floor(random() * letters.length)]!;
      if (letter === word[at]) letter = letter === 'a' ? 'e' : 'a';
      picked[i] = word.slice(0, at) + letter + word.slice(at + 1);
    }
    out.push({ query: picked.join(' '), code: c.code, typo });
  }
  return out;
}

/** MiniSearch over a release's names and codes, with the same folding as ours. */
function miniSearchOf(r: Release): MiniSearch<{ id: number; code: string; name: string }> {
  const index = new MiniSearch<{ id: number; code: string; name: string }>({
    fields: ['name', 'code'],
    storeFields: ['code'],
    processTerm: (term) => foldVietnamese(term),
  });
  index.addAll(r.concepts.map((c, id) => ({ id, code: c.code, name: c.display })));
  return index;
}

const oursTop = (q: string, k: number) =>
  catalogue.search(q, { systems: ['tt23-pl01'], limit: k }).map((h) => h.code);
const miniTopOf =
  (index: () => MiniSearch<{ id: number; code: string; name: string }>) => (q: string, k: number) =>
    index()
      .search(q, { prefix: true, fuzzy: 0.2 })
      .slice(0, k)
      .map((r) => r.code as string);
const miniTop = miniTopOf(() => mini);
const icd10Top = (q: string, k: number) =>
  icd10Catalogue.search(q, { systems: ['icd10-vn'], limit: k }).map((h) => h.code);
const icd10MiniTop = miniTopOf(() => icd10Mini);
const fuseTop = (q: string, k: number) =>
  fuse.search(foldVietnamese(q), { limit: k }).map((r) => r.item.code);

function recall(top: (q: string, k: number) => string[], set: Labelled[], k: number): number {
  return set.filter((l) => top(l.query, k).includes(l.code)).length / set.length;
}

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let qi = 0;
let ci = 0;

export default defineBench({
  name: 'Catalogue search and lookup',
  description:
    'real TT 23 PL01 (19,438 techniques) and ICD-10 of QĐ 4469 (12,433 concepts); 60 labelled queries each from real names without diacritics (15 with one typo); ours vs MiniSearch 7.2 (and Fuse.js 7.5 on PL01)',
  async setup() {
    release = await loadBundledRelease('tt23-pl01');
    catalogue = createCatalogue([release]);
    catalogue.search('warm up'); // builds the index
    queries = buildQueries(release.concepts, 60, 15);
    codes = release.concepts.map((c) => c.code);
    const docs = release.concepts.map((c, id) => ({ id, code: c.code, name: c.display }));
    mini = miniSearchOf(release);
    icd10 = await loadBundledRelease('icd10-vn');
    icd10Catalogue = createCatalogue([icd10]);
    icd10Catalogue.search('warm up'); // builds the index
    icd10Queries = buildQueries(icd10.concepts, 60, 15);
    icd10Mini = miniSearchOf(icd10);
    fuse = new Fuse(
      docs.map((d) => ({ code: d.code, name: foldVietnamese(d.name) })),
      { keys: ['name', 'code'], useTokenSearch: true, ignoreDiacritics: true },
    );
  },
  cases: () => [
    {
      group: 'search one labelled query, top 5',
      library: '@lienthong/catalogue search',
      ours: true,
      fn: () => oursTop(queries[qi++ % queries.length]!.query, 5),
    },
    {
      group: 'search one labelled query, top 5',
      library: 'MiniSearch 7.2 (prefix + fuzzy 0.2)',
      fn: () => miniTop(queries[qi++ % queries.length]!.query, 5),
    },
    {
      group: 'search one labelled query, top 5',
      library: 'Fuse.js 7.5 (useTokenSearch)',
      fn: () => fuseTop(queries[qi++ % queries.length]!.query, 5),
    },
    {
      group: 'ICD-10: search one labelled query, top 5',
      library: '@lienthong/catalogue search',
      ours: true,
      fn: () => icd10Top(icd10Queries[qi++ % icd10Queries.length]!.query, 5),
    },
    {
      group: 'ICD-10: search one labelled query, top 5',
      library: 'MiniSearch 7.2 (prefix + fuzzy 0.2)',
      fn: () => icd10MiniTop(icd10Queries[qi++ % icd10Queries.length]!.query, 5),
    },
    {
      group: 'ICD-10: 1,000 lookups of codes written without the dot (J189)',
      library: '@lienthong/catalogue lookup',
      ours: true,
      fn: (() => {
        const dotless = icd10.concepts
          .filter((c) => /^[A-Z]\d\d\.\d/.test(c.code))
          .map((c) => c.code.replace('.', ''));
        return () => {
          let found = 0;
          for (let i = 0; i < 1000; i++)
            if (icd10Catalogue.lookup('icd10-vn', dotless[ci++ % dotless.length]!)) found++;
          return found;
        };
      })(),
    },
    {
      group: '1,000 lookups by code',
      library: '@lienthong/catalogue lookup',
      ours: true,
      fn: () => {
        let found = 0;
        for (let i = 0; i < 1000; i++)
          if (catalogue.lookup('tt23-pl01', codes[ci++ % codes.length]!)) found++;
        return found;
      },
    },
    {
      group: '1,000 lookups by code',
      library: 'plain Map.get (floor)',
      fn: (() => {
        const map = new Map(release.concepts.map((c) => [c.code, c] as const));
        return () => {
          let found = 0;
          for (let i = 0; i < 1000; i++) if (map.get(codes[ci++ % codes.length]!)) found++;
          return found;
        };
      })(),
    },
  ],
  facts() {
    const typos = queries.filter((q) => q.typo);
    const exact = codes.filter((_, i) => i % 389 === 0).map((code) => ({ query: code, code, typo: false }));
    const facts: Record<string, string | number> = {};
    for (const [name, top] of [
      ['ours', oursTop],
      ['MiniSearch', miniTop],
      ['Fuse.js', fuseTop],
    ] as const) {
      facts[`${name} top-1 / top-5 recall (${queries.length} queries)`] =
        `${recall(top, queries, 1).toFixed(2)} / ${recall(top, queries, 5).toFixed(2)}`;
      facts[`${name} top-5 recall, ${typos.length} typo queries`] = recall(top, typos, 5).toFixed(2);
      facts[`${name} top-1, ${exact.length} exact-code queries`] = recall(top, exact, 1).toFixed(2);
    }
    const icd10Typos = icd10Queries.filter((q) => q.typo);
    for (const [name, top] of [
      ['ICD-10 ours', icd10Top],
      ['ICD-10 MiniSearch', icd10MiniTop],
    ] as const) {
      facts[`${name} top-1 / top-5 recall (${icd10Queries.length} queries)`] =
        `${recall(top, icd10Queries, 1).toFixed(2)} / ${recall(top, icd10Queries, 5).toFixed(2)}`;
      facts[`${name} top-5 recall, ${icd10Typos.length} typo queries`] = recall(top, icd10Typos, 5).toFixed(
        2,
      );
    }
    facts['ICD-10 "viem phoi": top 5'] = icd10Top('viem phoi', 5).join(' ');
    facts['ICD-10 "viem phoi": MiniSearch top 5'] = icd10MiniTop('viem phoi', 5).join(' ');
    // Lookup throughput in a tight loop (no harness overhead per call).
    const n = 5_000_000;
    const ms = time(() => {
      let found = 0;
      for (let i = 0; i < n; i++) if (catalogue.lookup('tt23-pl01', codes[i % codes.length]!)) found++;
      return found;
    });
    facts['lookup throughput (tight loop)'] = `${(((n / ms) * 1000) / 1e6).toFixed(1)} M lookups/s`;
    // Build times, in process.
    const json = JSON.stringify(release);
    facts['index build ms (19,438 names, in process)'] = median(
      [0, 1, 2].map(() => time(() => createCatalogue([JSON.parse(json) as Release]).search('x'))),
    ).toFixed(1);
    facts['MiniSearch build ms'] = time(() => miniSearchOf(release)).toFixed(1);
    const icd10Json = JSON.stringify(icd10);
    facts['ICD-10 index build ms (12,433 names and their groups, in process)'] = median(
      [0, 1, 2].map(() => time(() => createCatalogue([JSON.parse(icd10Json) as Release]).search('x'))),
    ).toFixed(1);
    facts['ICD-10 MiniSearch build ms'] = time(() => miniSearchOf(icd10)).toFixed(1);
    // Cold load in fresh Node processes from the built package (run the build first).
    const dist = fileURLToPath(new URL('../packages/catalogue/dist/', import.meta.url));
    if (existsSync(`${dist}bundled.js`)) {
      const script = `const t0=performance.now();const c=await import(${JSON.stringify(`${dist}index.js`)});const b=await import(${JSON.stringify(`${dist}bundled.js`)});const t1=performance.now();const r=await b.loadBundledRelease('tt23-pl01');const cat=c.createCatalogue([r]);cat.lookup('tt23-pl01','23.75');const t2=performance.now();const hit=cat.search('dinh luong glucose mau',{limit:1})[0].code;const t3=performance.now();console.log(JSON.stringify([t1-t0,t2-t1,t3-t2,hit]));`;
      const runs = [0, 1, 2, 3, 4].map(
        () =>
          JSON.parse(
            execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
          ) as [number, number, number, string],
      );
      facts['cold: import package modules incl. zod via @lienthong/core, ms (median of 5 fresh processes)'] =
        median(runs.map((r) => r[0])).toFixed(1);
      facts['cold load ms: load + decode PL01 release + catalogue + first lookup'] = median(
        runs.map((r) => r[1]),
      ).toFixed(1);
      facts['cold: first search incl. index build, ms'] = median(runs.map((r) => r[2])).toFixed(1);
    } else facts['cold load'] = 'not measured: run `npx turbo run build --filter=@lienthong/catalogue` first';
    return facts;
  },
});
