import { type Extension, stableJson } from '@lienthong/core';
import { type Visit, VisitSchema } from '../model.js';

/**
 * What the FHIR mapping does not carry of a visit, so that a store reads back exactly the visit
 * published. The mapping is exact for visits read from XML 130; a visit built by hand may differ
 * once through it (an identifier the XML rows cannot hold, a `source` the rows fill in). The
 * difference is kept as top-level fields of the model: those to set, those to remove.
 */
export interface VisitOverlay {
  set: Partial<Record<keyof Visit, unknown>>;
  unset: (keyof Visit)[];
}

/** The overlay that turns `stored` (the visit after a trip through the mapping) back into `visit`; undefined when none is needed. */
export function visitOverlay(visit: Visit, stored: Visit): VisitOverlay | undefined {
  const set: VisitOverlay['set'] = {};
  const unset: VisitOverlay['unset'] = [];
  const keys = new Set([...Object.keys(visit), ...Object.keys(stored)] as (keyof Visit)[]);
  for (const k of keys) {
    const want = visit[k];
    if (want === undefined) {
      if (stored[k] !== undefined) unset.push(k);
    } else if (stableJson(want) !== stableJson(stored[k])) set[k] = want;
  }
  return Object.keys(set).length > 0 || unset.length > 0 ? { set, unset } : undefined;
}

/** `decoded` with an overlay's JSON applied; `decoded` alone when the JSON is absent or does not give a valid visit. */
export function applyVisitOverlay(decoded: Visit, json: string | undefined): Visit {
  if (json === undefined) return decoded;
  try {
    const overlay = JSON.parse(json) as VisitOverlay;
    const merged: Record<string, unknown> = { ...decoded, ...overlay.set };
    for (const k of overlay.unset ?? []) delete merged[k];
    const parsed = VisitSchema.safeParse(merged);
    return parsed.success ? parsed.data : decoded;
  } catch {
    return decoded;
  }
}

/** The Encounter extension carrying an overlay (as the `fhir` visit history writes it). */
export const overlayExtension = (url: string, overlay: VisitOverlay): Extension => ({
  url,
  valueString: JSON.stringify(overlay),
});
