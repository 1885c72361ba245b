/**
 * `@lienthong/catalogue` — the national catalogues as versioned, searchable code systems: the
 * model, the known systems and their code patterns, the runtime (`lookup`, `search`, `translate`),
 * hierarchies, release diffs and local code maps.
 * The bundled releases (TT 23/2024, ICD-10) load lazily through `@lienthong/catalogue/bundled`,
 * ICD-10 checks live in `/icd10`, importers in `/import`, FHIR terminology in `/fhir`, UCUM units in
 * `/units`, spreadsheets in `/xlsx` — each subpath keeps its weight out of bundles that do not use it.
 * @packageDocumentation
 */
export {
  type Catalogue,
  createCatalogue,
  type LookupOptions,
  type SearchHit,
  type SearchOptions,
  type TranslateMatch,
} from './catalogue.js';
export { diffReleases, type ReleaseDiff } from './diff.js';
export { createHierarchy, type Hierarchy } from './hierarchy.js';
export {
  buildLocalMap,
  type LocalMapOptions,
  type LocalMapResult,
  suggestNational,
} from './local-map.js';
export {
  type CodeSystemMeta,
  CodeSystemMetaSchema,
  type Concept,
  type ConceptMap,
  type ConceptMapElement,
  ConceptMapElementSchema,
  ConceptMapSchema,
  type ConceptProperties,
  ConceptPropertiesSchema,
  ConceptSchema,
  type Equivalence,
  EquivalenceSchema,
  type ImportIssue,
  ImportIssueSchema,
  type LoincAxes,
  LoincAxesSchema,
  type Release,
  ReleaseSchema,
  safeParseRelease,
} from './model.js';
export { type CompactRelease, decodeRelease, encodeRelease, RELEASE_FORMAT } from './release.js';
export {
  isLoincCode,
  KNOWN_SYSTEMS,
  type KnownSystem,
  type KnownSystemId,
  knownSystem,
  LOINC_NOTICE,
  loincCheckDigit,
  matchesSystemPattern,
  type ServiceCodeParts,
  safeParseServiceCode,
} from './systems.js';
