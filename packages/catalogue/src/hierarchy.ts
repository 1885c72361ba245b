/**
 * Navigation of a release whose concepts name their parent (`Concept.parent`): ICD-10's chapter →
 * group → category → subcategory, or any classification imported with a parent column.
 */
import type { Concept, Release } from './model.js';
import { knownSystem } from './systems.js';

/** Parent, children and ancestors of the concepts of one release. */
export interface Hierarchy {
  /** The concept with this code (the system's other spellings accepted: `J189` = `J18.9`). @example hierarchy.lookup('J189')?.code // 'J18.9' */
  lookup(code: string): Concept | undefined;
  /** The concept one level up. @example hierarchy.parent('J18.9')?.code // 'J18' */
  parent(code: string): Concept | undefined;
  /** The concepts one level down, by code. @example hierarchy.children('J18').map((c) => c.code) // ['J18.0', …, 'J18.9'] */
  children(code: string): Concept[];
  /** Every concept above, the top first. @example hierarchy.ancestors('J18.9').map((c) => c.code) // ['J00-J99', 'J09-J18', 'J18'] */
  ancestors(code: string): Concept[];
  /** The concepts without a parent (ICD-10: the 22 chapters), in release order. @example hierarchy.roots().length // 22 */
  roots(): Concept[];
}

/**
 * Builds the hierarchy of a release from each concept's `parent` (once, O(n)).
 * @example
 * const icd10 = createHierarchy(await loadBundledRelease('icd10-vn'));
 * icd10.ancestors('J189').map((c) => c.code); // ['J00-J99', 'J09-J18', 'J18']
 */
export function createHierarchy(release: Release): Hierarchy {
  const normalize = (knownSystem(release.system.id) ?? knownSystem(release.system.uri))?.normalizeCode;
  const byCode = new Map<string, Concept>();
  const childrenOf = new Map<string, Concept[]>();
  for (const c of release.concepts) if (!byCode.has(c.code)) byCode.set(c.code, c);
  const roots: Concept[] = [];
  for (const c of byCode.values()) {
    if (c.parent === undefined || !byCode.has(c.parent)) {
      roots.push(c);
      continue;
    }
    const siblings = childrenOf.get(c.parent);
    if (siblings) siblings.push(c);
    else childrenOf.set(c.parent, [c]);
  }
  for (const list of childrenOf.values())
    list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  const lookup = (code: string): Concept | undefined => {
    if (typeof code !== 'string') return undefined;
    const exact = byCode.get(code);
    if (exact !== undefined || normalize === undefined) return exact;
    const normalized = normalize(code);
    return normalized === undefined ? undefined : byCode.get(normalized);
  };
  const parent = (code: string) => {
    const up = lookup(code)?.parent;
    return up === undefined ? undefined : byCode.get(up);
  };
  return {
    lookup,
    parent,
    children: (code) => {
      const c = lookup(code);
      return c === undefined ? [] : [...(childrenOf.get(c.code) ?? [])];
    },
    ancestors: (code) => {
      const chain: Concept[] = [];
      const start = lookup(code);
      const seen = new Set<string>(start ? [start.code] : []);
      for (let up = parent(code); up !== undefined && !seen.has(up.code); up = parent(up.code)) {
        seen.add(up.code);
        chain.unshift(up);
      }
      return chain;
    },
    roots: () => [...roots],
  };
}
