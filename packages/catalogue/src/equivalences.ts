/**
 * The FHIR R4 ConceptMap equivalences as plain data. Kept apart from the zod model so that bundles
 * using only local maps do not pull in every catalogue schema (measured: +26 kB).
 */
export const EQUIVALENCES = [
  'relatedto',
  'equivalent',
  'equal',
  'wider',
  'subsumes',
  'narrower',
  'specializes',
  'inexact',
  'unmatched',
  'disjoint',
] as const;

/** One FHIR R4 ConceptMap equivalence. */
export type Equivalence = (typeof EQUIVALENCES)[number];
