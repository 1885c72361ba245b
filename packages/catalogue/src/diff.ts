import type { Concept, Release } from './model.js';

/** What changed between two releases of a code system. */
export interface ReleaseDiff {
  from: { id: string; version: string };
  to: { id: string; version: string };
  added: Concept[];
  removed: Concept[];
  renamed: { code: string; from: string; to: string }[];
  relinked: { code: string; from: string[]; to: string[] }[];
  /** Chapter, status, validity or other property changes. */
  changed: { code: string; fields: string[] }[];
  unchanged: number;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Compares two releases by code: added, removed, renamed (display changed), re-linked (links
 * changed) and other changes. Codes are text (`18.8` ≠ `18.80`).
 * @example
 * const d = diffReleases(oldRelease, newRelease);
 * console.log(d.added.length, d.removed.length, d.renamed.length);
 */
export function diffReleases(a: Release, b: Release): ReleaseDiff {
  const before = new Map(a.concepts.map((c) => [c.code, c] as const));
  const after = new Map(b.concepts.map((c) => [c.code, c] as const));
  const diff: ReleaseDiff = {
    from: { id: a.system.id, version: a.system.version },
    to: { id: b.system.id, version: b.system.version },
    added: [],
    removed: [],
    renamed: [],
    relinked: [],
    changed: [],
    unchanged: 0,
  };
  for (const [code, old] of before) {
    const next = after.get(code);
    if (next === undefined) {
      diff.removed.push(old);
      continue;
    }
    let differs = false;
    if (old.display !== next.display) {
      diff.renamed.push({ code, from: old.display, to: next.display });
      differs = true;
    }
    const oldLinks = old.properties?.links ?? [];
    const newLinks = next.properties?.links ?? [];
    if (!same(oldLinks, newLinks)) {
      diff.relinked.push({ code, from: oldLinks, to: newLinks });
      differs = true;
    }
    const fields: string[] = [];
    for (const field of ['displayEn', 'chapter', 'parent', 'status', 'validFrom', 'validTo'] as const)
      if (!same(old[field], next[field])) fields.push(field);
    const { links: _a, sourceRow: _r1, ...oldProps } = old.properties ?? {};
    const { links: _b, sourceRow: _r2, ...newProps } = next.properties ?? {};
    for (const key of new Set([...Object.keys(oldProps), ...Object.keys(newProps)]))
      if (!same((oldProps as Record<string, unknown>)[key], (newProps as Record<string, unknown>)[key]))
        fields.push(`properties.${key}`);
    if (fields.length > 0) {
      diff.changed.push({ code, fields });
      differs = true;
    }
    if (!differs) diff.unchanged++;
  }
  for (const [code, next] of after) if (!before.has(code)) diff.added.push(next);
  return diff;
}
