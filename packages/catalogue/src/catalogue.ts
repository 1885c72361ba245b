/**
 * The runtime: a catalogue holds the releases a caller loaded (only those), answers `lookup` in
 * O(1), ranked Vietnamese `search`, `translate` through concept maps, and exposes the releases for
 * FHIR export and diffs.
 */
import { foldVietnamese, NotFoundError } from '@lienthong/core';
import type { CodeSystemMeta, Concept, ConceptMap, Equivalence, Release } from './model.js';
import { SearchIndex } from './search-index.js';
import { knownSystem } from './systems.js';

/** Options of {@link Catalogue.lookup}. */
export interface LookupOptions {
  /** `yyyy-mm-dd`: use the release (and concept) valid on that day. Default: the latest release. */
  asOf?: string;
}

/** Options of {@link Catalogue.search}. */
export interface SearchOptions {
  /** System ids or URIs to search (default: all loaded). */
  systems?: readonly string[];
  /** Maximum hits (default 10). */
  limit?: number;
  asOf?: string;
}

/** One search result. `match` says why it ranks where it does. */
export interface SearchHit {
  system: string;
  systemUri: string;
  code: string;
  display: string;
  score: number;
  match: 'code' | 'code-prefix' | 'name-prefix' | 'words';
  concept: Concept;
}

/** One answer of {@link Catalogue.translate}. */
export interface TranslateMatch {
  sourceSystem: string;
  source: string;
  targetSystem: string;
  target: string;
  targetDisplay?: string;
  equivalence: Equivalence;
  mapId: string;
}

/** A set of loaded releases with lookup, search and translation. */
export interface Catalogue {
  /** Adds a release (a later version of the same system becomes the default). @example catalogue.add(qd1227Release) */
  add(release: Release): Catalogue;
  /** Adds a concept map (local → national, PL02 → PL01…). @example catalogue.addConceptMap(localMap) */
  addConceptMap(map: ConceptMap): Catalogue;
  /** Metadata of every loaded release. @example catalogue.systems().map((s) => s.id) // ['tt23-pl01'] */
  systems(): CodeSystemMeta[];
  /** The release of a system (id or URI) valid at `asOf`, or the latest. @example catalogue.release('tt23-pl01')?.concepts.length */
  release(system: string, options?: LookupOptions): Release | undefined;
  /**
   * The concept with this code, or undefined. O(1). Codes are exact text, except where the known
   * system accepts other spellings (ICD-10: `J189`, `j18.9` and `J18.9` are one code).
   * @example catalogue.lookup('tt23-pl01', '23.75')?.display
   */
  lookup(system: string, code: string, options?: LookupOptions): Concept | undefined;
  /**
   * Ranked search: exact code, then code prefix, then name prefix, then words (diacritics, case and one typo ignored),
   * in the Vietnamese names and in the English names a release carries.
   * @example catalogue.search('dinh luong glucose mau', { systems: ['tt23-pl01'], limit: 5 })[0]?.code // '23.75'
   */
  search(text: string, options?: SearchOptions): SearchHit[];
  /** Targets of `code` in `targetSystem` through the loaded concept maps. @example catalogue.translate('1', 'tt23-pl01', { sourceSystem: 'tt23-pl02' }) */
  translate(code: string, targetSystem: string, options?: { sourceSystem?: string }): TranslateMatch[];
  /** Every loaded concept map (including those derived from PL02 → PL01 links). @example catalogue.conceptMaps().length */
  conceptMaps(): ConceptMap[];
}

interface LoadedRelease {
  release: Release;
  byCode: Map<string, Concept>;
  /** Case-folded code → concept indexes; built on the first code-like search. */
  byFoldedCode: Map<string, number[]> | undefined;
  sortedCodes: { folded: string; index: number }[] | undefined;
  index: SearchIndex | undefined;
  /** For each index document after the Vietnamese names, the concept whose English name it is. */
  englishOf: number[] | undefined;
}

interface SystemEntry {
  id: string;
  uri: string;
  releases: LoadedRelease[];
  /** The known system's spelling rule for codes (`J189` → `J18.9`), if it has one. */
  normalize: ((code: string) => string | undefined) | undefined;
}

const findCode = (entry: SystemEntry, loaded: LoadedRelease | undefined, code: string) => {
  const concept = loaded?.byCode.get(code);
  if (concept !== undefined || entry.normalize === undefined) return concept;
  const normalized = entry.normalize(code);
  return normalized === undefined ? undefined : loaded?.byCode.get(normalized);
};

/** The concepts above each concept (parent first), for releases whose concepts name a parent. */
function ancestorsOf(concepts: readonly Concept[]): Concept[][] | undefined {
  if (!concepts.some((c) => c.parent !== undefined)) return undefined;
  const byCode = new Map(concepts.map((c) => [c.code, c] as const));
  return concepts.map((c) => {
    const chain: Concept[] = [];
    for (
      let up = byCode.get(c.parent ?? '');
      up !== undefined && !chain.includes(up);
      up = byCode.get(up.parent ?? '')
    )
      chain.push(up);
    return chain;
  });
}

/**
 * Vietnamese names first (document i = concept i), then the English names that exist; in a
 * hierarchy, each name's context is the names of the concept's parents in the same language.
 */
function buildIndex(loaded: LoadedRelease): SearchIndex {
  const concepts = loaded.release.concepts;
  const ancestors = ancestorsOf(concepts);
  const names = concepts.map((c) => c.display);
  const contexts = ancestors?.map((chain) => chain.map((c) => c.display));
  const englishOf: number[] = [];
  concepts.forEach((c, i) => {
    if (!c.displayEn) return;
    englishOf.push(i);
    names.push(c.displayEn);
    contexts?.push(ancestors![i]!.flatMap((a) => (a.displayEn ? [a.displayEn] : [])));
  });
  loaded.englishOf = englishOf.length > 0 ? englishOf : undefined;
  return new SearchIndex(names, contexts);
}

const inRange = (day: string, from?: string, to?: string) =>
  (from === undefined || from <= day) && (to === undefined || day <= to);

function linkMap(release: Release): ConceptMap | undefined {
  const target = release.system.linksTo;
  if (target === undefined) return undefined;
  const elements = release.concepts.flatMap((c) =>
    (c.properties?.links ?? []).map((link) => ({
      source: c.code,
      sourceDisplay: c.display,
      target: link,
      equivalence: 'relatedto' as const,
    })),
  );
  return {
    id: `${release.system.id}-links`.replace(/[^A-Za-z0-9\-.]/g, '-').slice(0, 64),
    name: `${release.system.name} → links`,
    sourceSystem: release.system.uri,
    targetSystem: target,
    version: release.system.version,
    ...(release.system.legalDocument ? { basisDocument: release.system.legalDocument } : {}),
    elements,
  };
}

/**
 * Creates a catalogue from the releases you pass (load only what you need: a lab app loads the
 * QĐ 1227 release, not the 19,438 techniques).
 * @example
 * const catalogue = createCatalogue([await loadBundledRelease('tt23-pl01')]);
 * catalogue.search('dinh luong glucose mau', { limit: 5 })[0]?.code; // '23.75'
 * catalogue.lookup('tt23-pl01', '23.75')?.display; // 'Định lượng Glucose [Máu]'
 */
export function createCatalogue(
  releases: readonly Release[] = [],
  maps: readonly ConceptMap[] = [],
): Catalogue {
  const bySystem = new Map<string, SystemEntry>();
  const allMaps: ConceptMap[] = [];
  const translations = new Map<string, { map: ConceptMap; index: number }[]>();

  const entryOf = (system: string) => bySystem.get(system);

  const pick = (entry: SystemEntry, asOf?: string): LoadedRelease | undefined => {
    if (asOf === undefined) return entry.releases[entry.releases.length - 1];
    for (let i = entry.releases.length - 1; i >= 0; i--) {
      const r = entry.releases[i]!;
      if (inRange(asOf, r.release.system.validFrom, r.release.system.validTo)) return r;
    }
    return undefined;
  };

  const addMap = (map: ConceptMap) => {
    allMaps.push(map);
    map.elements.forEach((element, index) => {
      const key = `${map.sourceSystem}|${element.source}`;
      const list = translations.get(key);
      if (list) list.push({ map, index });
      else translations.set(key, [{ map, index }]);
    });
  };

  const catalogue: Catalogue = {
    add(release) {
      const meta = release.system;
      let entry = bySystem.get(meta.id) ?? bySystem.get(meta.uri);
      if (entry === undefined) {
        const known = knownSystem(meta.id) ?? knownSystem(meta.uri);
        entry = { id: meta.id, uri: meta.uri, releases: [], normalize: known?.normalizeCode };
        bySystem.set(meta.id, entry);
        bySystem.set(meta.uri, entry);
      }
      const byCode = new Map<string, Concept>();
      for (const c of release.concepts) if (!byCode.has(c.code)) byCode.set(c.code, c);
      entry.releases.push({
        release,
        byCode,
        byFoldedCode: undefined,
        sortedCodes: undefined,
        index: undefined,
        englishOf: undefined,
      });
      entry.releases.sort((a, b) =>
        (a.release.system.validFrom ?? '').localeCompare(b.release.system.validFrom ?? ''),
      );
      const derived = linkMap(release);
      if (derived) addMap(derived);
      for (const map of release.conceptMaps ?? []) addMap(map);
      return catalogue;
    },
    addConceptMap(map) {
      addMap(map);
      return catalogue;
    },
    systems() {
      const seen = new Set<SystemEntry>();
      const out: CodeSystemMeta[] = [];
      for (const entry of bySystem.values()) {
        if (seen.has(entry)) continue;
        seen.add(entry);
        for (const r of entry.releases) out.push(r.release.system);
      }
      return out;
    },
    release(system, options) {
      const entry = entryOf(system);
      return entry ? pick(entry, options?.asOf)?.release : undefined;
    },
    lookup(system, code, options) {
      const entry = bySystem.get(system);
      if (entry === undefined) return undefined;
      if (options?.asOf === undefined)
        return findCode(entry, entry.releases[entry.releases.length - 1], code);
      const concept = findCode(entry, pick(entry, options.asOf), code);
      return concept && inRange(options.asOf, concept.validFrom, concept.validTo) ? concept : undefined;
    },
    search(text, options = {}) {
      const limit = options.limit ?? 10;
      const query = foldVietnamese(text);
      if (query === '' || limit <= 0) return [];
      const entries = new Set<SystemEntry>();
      if (options.systems) {
        for (const s of options.systems) {
          const entry = entryOf(s);
          if (entry === undefined)
            throw new NotFoundError({
              code: 'CATALOGUE_SYSTEM_NOT_LOADED',
              message: `Code system "${s}" is not loaded`,
              messageVi: `Hệ mã "${s}" chưa được nạp`,
              path: 'systems',
              details: { system: s },
            });
          entries.add(entry);
        }
      } else for (const entry of bySystem.values()) entries.add(entry);
      const codeLike = !query.includes(' ') && /\d/.test(query);
      const hits: SearchHit[] = [];
      const seen = new Set<string>();
      const push = (entry: SystemEntry, concept: Concept, score: number, match: SearchHit['match']) => {
        const key = `${entry.id}|${concept.code}`;
        if (seen.has(key)) return;
        seen.add(key);
        hits.push({
          system: entry.id,
          systemUri: entry.uri,
          code: concept.code,
          display: concept.display,
          score,
          match,
          concept,
        });
      };
      for (const entry of entries) {
        const loaded = pick(entry, options.asOf);
        if (loaded === undefined) continue;
        const concepts = loaded.release.concepts;
        if (codeLike) {
          const codeQuery = entry.normalize?.(text)?.toLowerCase() ?? query;
          if (loaded.byFoldedCode === undefined) {
            const map = new Map<string, number[]>();
            concepts.forEach((c, i) => {
              const folded = c.code.toLowerCase();
              const list = map.get(folded);
              if (list) list.push(i);
              else map.set(folded, [i]);
            });
            loaded.byFoldedCode = map;
          }
          const byFoldedCode = loaded.byFoldedCode;
          for (const i of byFoldedCode.get(codeQuery) ?? []) push(entry, concepts[i]!, 1000, 'code');
          loaded.sortedCodes ??= [...byFoldedCode.keys()]
            .sort()
            .map((folded) => ({ folded, index: byFoldedCode.get(folded)![0]! }));
          const sorted = loaded.sortedCodes;
          let lo = 0;
          let hi = sorted.length;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (sorted[mid]!.folded < codeQuery) lo = mid + 1;
            else hi = mid;
          }
          for (
            let i = lo, n = 0;
            i < sorted.length && n < limit && sorted[i]!.folded.startsWith(codeQuery);
            i++, n++
          ) {
            push(entry, concepts[sorted[i]!.index]!, 500 - n, 'code-prefix');
          }
        }
        loaded.index ??= buildIndex(loaded);
        const englishOf = loaded.englishOf;
        // A concept found by both of its names counts once: ask for more candidates then.
        for (const hit of loaded.index.query(query, englishOf ? limit * 2 : limit)) {
          const i = hit.doc < concepts.length ? hit.doc : englishOf![hit.doc - concepts.length]!;
          push(entry, concepts[i]!, hit.score, hit.namePrefix ? 'name-prefix' : 'words');
        }
      }
      hits.sort((a, b) => b.score - a.score);
      return hits.slice(0, limit);
    },
    translate(code, targetSystem, options = {}) {
      const target = entryOf(targetSystem)?.uri ?? targetSystem;
      const sources = options.sourceSystem
        ? [entryOf(options.sourceSystem)?.uri ?? options.sourceSystem]
        : [...new Set(allMaps.map((m) => m.sourceSystem))];
      const out: TranslateMatch[] = [];
      for (const source of sources) {
        for (const { map, index } of translations.get(`${source}|${code}`) ?? []) {
          if (map.targetSystem !== target) continue;
          const element = map.elements[index]!;
          if (element.target === undefined) continue;
          const display = element.targetDisplay ?? catalogue.lookup(target, element.target)?.display;
          out.push({
            sourceSystem: source,
            source: code,
            targetSystem: target,
            target: element.target,
            ...(display === undefined ? {} : { targetDisplay: display }),
            equivalence: element.equivalence,
            mapId: map.id,
          });
        }
      }
      return out;
    },
    conceptMaps() {
      return [...allMaps];
    },
  };
  for (const r of releases) catalogue.add(r);
  for (const m of maps) catalogue.addConceptMap(m);
  return catalogue;
}
