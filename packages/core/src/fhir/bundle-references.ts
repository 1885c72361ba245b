import type { Bundle, Reference, Resource } from '@medplum/fhirtypes';

/**
 * How the resources of a bundle point at each other: fresh `urn:uuid:` fullUrls when writing one,
 * references resolved by fullUrl, relative URL or `#contained` id when reading one.
 */

let counter = 0;
/** A fresh `urn:uuid:` for a bundle entry's fullUrl (crypto.randomUUID where available). */
export function newUrnUuid(): string {
  const g = globalThis as { crypto?: { randomUUID?: () => string } };
  if (g.crypto?.randomUUID) return `urn:uuid:${g.crypto.randomUUID()}`;
  counter++;
  const hex = (
    Date.now().toString(16) +
    counter.toString(16).padStart(8, '0') +
    Math.random().toString(16).slice(2)
  ).padEnd(32, '0');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The resources of a bundle by fullUrl and by `Type/id` ({@link indexBundle}). */
export type BundleIndex = Map<string, Resource>;

/** The resources of a bundle by fullUrl and by `Type/id`. */
export function indexBundle(bundle: Bundle): BundleIndex {
  const index: BundleIndex = new Map();
  for (const e of bundle.entry ?? []) {
    const r = e?.resource;
    if (!r || typeof r !== 'object') continue;
    if (e.fullUrl) index.set(e.fullUrl, r);
    if (r.id) index.set(`${r.resourceType}/${r.id}`, r);
  }
  return index;
}

/** The resource a reference points at, in `index` or among `contained`. */
export function resolveReference(
  ref: Reference | undefined,
  index: BundleIndex,
  contained: readonly Resource[] = [],
): Resource | undefined {
  const target = ref?.reference;
  if (!target) return undefined;
  if (target.startsWith('#')) return contained.find((r) => r.id === target.slice(1));
  if (index.has(target)) return index.get(target);
  const m = /([A-Za-z]+\/[^/]+)(?:\/_history\/[^/]+)?$/.exec(target);
  return m ? index.get(m[1]!) : undefined;
}
