/**
 * The catalogue model as zod schemas (the source of truth; types are inferred from them): a code
 * system release, its concepts, concept maps, and the problems an import reports.
 */
import { type Result, safeParseWith, type ValidationError } from '@lienthong/core';
import * as z from 'zod';
import { EQUIVALENCES, type Equivalence } from './equivalences.js';

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-mm-dd');

/** Metadata of one code-system release. */
export const CodeSystemMetaSchema = z.object({
  /** Short id used by the SDK and CLI (`tt23-pl01`). */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  /** Canonical URI (FHIR `CodeSystem.url`, `Coding.system`). */
  uri: z.string().min(1),
  name: z.string().min(1),
  nameVi: z.string().optional(),
  publisher: z.string().optional(),
  /** The legal document that publishes the list (`TT 23/2024/TT-BYT, Phụ lục 01`). */
  legalDocument: z.string().optional(),
  version: z.string().min(1),
  validFrom: isoDay.optional(),
  validTo: isoDay.optional(),
  licenceNote: z.string().optional(),
  /** Where the rows came from (file name, commit). */
  source: z.string().optional(),
  /** URI of the system that `properties.links` point into (PL02 → PL01); the runtime derives a concept map. */
  linksTo: z.string().optional(),
});
export type CodeSystemMeta = z.infer<typeof CodeSystemMetaSchema>;

/** The six LOINC axes of a reference LOINC code. */
export const LoincAxesSchema = z.object({
  component: z.string().optional(),
  property: z.string().optional(),
  time: z.string().optional(),
  system: z.string().optional(),
  scale: z.string().optional(),
  method: z.string().optional(),
});
export type LoincAxes = z.infer<typeof LoincAxesSchema>;

/** Optional facts of a concept. */
export const ConceptPropertiesSchema = z.object({
  specimen: z.string().optional(),
  unit: z.string().optional(),
  /** Reference LOINC code (a fact, not the legal code). */
  loinc: z.string().optional(),
  loincName: z.string().optional(),
  loincAxes: LoincAxesSchema.optional(),
  /** TT 23/2024 technique code as printed. */
  tt23Code: z.string().optional(),
  tt23Name: z.string().optional(),
  /** Codes of another system this concept links to (PL02 → PL01). */
  links: z.array(z.string()).optional(),
  /** Sequence number inside the chapter, as printed (PL02 `stt_cua_chuong`). */
  chapterSequence: z.string().optional(),
  /** Level in a classification's hierarchy (ICD-10: chapter → group → category → subcategory). */
  level: z.enum(['chapter', 'group', 'category', 'subcategory']).optional(),
  /** ICD-10 dual classification: the code is a dagger (†, aetiology) or asterisk (*, manifestation) code. */
  marker: z.enum(['†', '*']).optional(),
  /** The printed row number in the source. */
  sourceRow: z.number().int().optional(),
});
export type ConceptProperties = z.infer<typeof ConceptPropertiesSchema>;

/** One concept (code) of a code system. */
export const ConceptSchema = z.object({
  code: z.string().min(1),
  display: z.string(),
  displayEn: z.string().optional(),
  chapter: z.string().optional(),
  parent: z.string().optional(),
  status: z.enum(['active', 'retired', 'draft']).default('active'),
  validFrom: isoDay.optional(),
  validTo: isoDay.optional(),
  properties: ConceptPropertiesSchema.optional(),
});
export type Concept = z.infer<typeof ConceptSchema>;

/** FHIR R4 ConceptMap equivalences. */
export const EquivalenceSchema = z.enum(EQUIVALENCES);
export type { Equivalence };

/** One source → target mapping. */
export const ConceptMapElementSchema = z.object({
  source: z.string().min(1),
  sourceDisplay: z.string().optional(),
  target: z.string().optional(),
  targetDisplay: z.string().optional(),
  equivalence: EquivalenceSchema,
  validFrom: isoDay.optional(),
  validTo: isoDay.optional(),
  comment: z.string().optional(),
});
export type ConceptMapElement = z.infer<typeof ConceptMapElementSchema>;

/** A concept map between two systems (e.g. a hospital's local codes → QĐ 1227). */
export const ConceptMapSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/),
  name: z.string().optional(),
  sourceSystem: z.string().min(1),
  targetSystem: z.string().min(1),
  version: z.string().optional(),
  /** The document the mapping rests on (a circular, a hospital decision). */
  basisDocument: z.string().optional(),
  validFrom: isoDay.optional(),
  validTo: isoDay.optional(),
  elements: z.array(ConceptMapElementSchema),
});
export type ConceptMap = z.infer<typeof ConceptMapSchema>;

/** One problem found by an import: where it is and what rule it broke. */
export const ImportIssueSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  /** Stable code (`CODE_PATTERN`, `DUPLICATE_CODE`, `LINK_COMMA_DECIMAL`…). */
  code: z.string(),
  file: z.string(),
  /** 1-based data row (the header is row 0); equals the printed STT in the TT 23 appendices. */
  row: z.number().int(),
  /** Physical line in the file (CSV) when known. */
  line: z.number().int().optional(),
  column: z.string().optional(),
  /** The value as found. */
  value: z.string().optional(),
  message: z.string(),
  messageVi: z.string(),
  /** An explicit, reported correction that was applied (`18,125` → `18.125`). */
  correction: z.object({ rule: z.string(), from: z.string(), to: z.string() }).optional(),
  /** Candidates a human may choose from; never applied automatically. */
  suggestions: z.array(z.string()).optional(),
});
export type ImportIssue = z.infer<typeof ImportIssueSchema>;

/** A release: one version of a code system with all its concepts, ready for the runtime. */
export const ReleaseSchema = z.object({
  system: CodeSystemMetaSchema,
  concepts: z.array(ConceptSchema),
  conceptMaps: z.array(ConceptMapSchema).optional(),
});
export type Release = z.infer<typeof ReleaseSchema>;

/**
 * Validates a release object (from JSON, an API…) against {@link ReleaseSchema}.
 * @example
 * const r = safeParseRelease(JSON.parse(text));
 * if (!r.ok) console.error(r.error.issues);
 */
export function safeParseRelease(value: unknown): Result<Release, ValidationError> {
  return safeParseWith(ReleaseSchema, value);
}
