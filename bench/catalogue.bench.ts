import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Catalogue, createCatalogue, type Release } from '@lienthong/catalogue';
import { loadBundledRelease } from '@lienthong/catalogue/bundled';
import { foldVietnamese } from '@lienthong/core';
import Fuse from 'fuse.js';
import MiniSearch from 'minisearch';
import { defineBench } from './harness.ts';

// Real input: the 19,438 techniques of TT 23/2024 PL01, as the bundled release generated from
// data/tt23 by the package's own importer. Labelled queries are built from real names
// (3-5 consecutive words, diacritics dropped, some with one typo); the label is the code of the
// name the words came from. Deterministic (seeded), so every run measures the same queries.

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

const oursTop = (q: string, k: number) =>
  catalogue.search(q, { systems: ['tt23-pl01'], limit: k }).map((h) => h.code);
const miniTop = (q: string, k: number) =>
  mini
    .search(q, { prefix: true, fuzzy: 0.2 })
    .slice(0, k)
    .map((r) => r.code as string);
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
    'real TT 23 PL01 (19,438 techniques); 60 labelled queries from real names without diacritics (15 with one typo); ours vs MiniSearch 7.2 and Fuse.js 7.5',
  async setup() {
    release = await loadBundledRelease('tt23-pl01');
    catalogue = createCatalogue([release]);
    catalogue.search('warm up'); // builds the index
    queries = buildQueries(release.concepts, 60, 15);
    codes = release.concepts.map((c) => c.code);
    const docs = release.concepts.map((c, id) => ({ id, code: c.code, name: c.display }));
    mini = new MiniSearch({
      fields: ['name', 'code'],
      storeFields: ['code'],
      processTerm: (term) => foldVietnamese(term),
    });
    mini.addAll(docs);
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
    facts['MiniSearch build ms'] = time(() => {
      const m = new MiniSearch({ fields: ['name', 'code'], processTerm: (t) => foldVietnamese(t) });
      m.addAll(release.concepts.map((c, id) => ({ id, code: c.code, name: c.display })));
    }).toFixed(1);
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
