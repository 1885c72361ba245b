/**
 * The one cache of the generated release modules: `loadBundledRelease` and `loadIcd10` decode each
 * release once, whichever asks first, while each entry point imports only the modules it needs.
 */
import type { Release } from './model.js';
import { type CompactRelease, decodeRelease } from './release.js';

const cache = new Map<string, Promise<Release>>();

/**
 * The release of a generated module (a compact release as JSON text), decoded on first call and
 * shared afterwards. The generated files are checked at build time, so they are not validated again.
 * @example generatedRelease('icd10-vn', () => import('./generated/icd10-vn.js'))
 */
export function generatedRelease(id: string, load: () => Promise<{ default: string }>): Promise<Release> {
  let pending = cache.get(id);
  if (pending === undefined) {
    pending = load().then((m) => decodeRelease(JSON.parse(m.default) as CompactRelease, { validate: false }));
    cache.set(id, pending);
  }
  return pending;
}
