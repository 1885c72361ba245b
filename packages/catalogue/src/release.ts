/**
 * The compact release file the runtime loads: one JSON document per code-system release, concepts
 * as short arrays and chapters interned, so the 19,438 PL01 techniques load in a few milliseconds.
 */
import { ValidationError } from '@lienthong/core';
import * as z from 'zod';
import {
  type CodeSystemMeta,
  CodeSystemMetaSchema,
  type Concept,
  type ConceptMap,
  ConceptMapSchema,
  ConceptSchema,
  type Release,
} from './model.js';

/** Format tag of compact release files. */
export const RELEASE_FORMAT = 'lienthong-release/1';

/** `[code, display, chapterIndex (-1: none), links joined by ';' (or ''), rest of the concept]`. */
export type CompactConcept = [string, string, number, string?, Partial<Concept>?];

/** The JSON shape of a compact release file. */
export interface CompactRelease {
  format: typeof RELEASE_FORMAT;
  system: CodeSystemMeta;
  chapters: string[];
  concepts: CompactConcept[];
  conceptMaps?: ConceptMap[];
}

const CompactReleaseSchema = z.object({
  format: z.literal(RELEASE_FORMAT),
  system: CodeSystemMetaSchema,
  chapters: z.array(z.string()),
  concepts: z.array(
    z.union([
      z.tuple([z.string().min(1), z.string(), z.number().int()]),
      z.tuple([z.string().min(1), z.string(), z.number().int(), z.string()]),
      z.tuple([z.string().min(1), z.string(), z.number().int(), z.string(), ConceptSchema.partial()]),
    ]),
  ),
  conceptMaps: z.array(ConceptMapSchema).optional(),
});

/**
 * Encodes a release as a compact JSON-able object (the bundled `tt23-*` releases use this).
 * `properties.sourceRow` is left out: rows live in the import report.
 * @example writeFileSync('pl01.release.json', JSON.stringify(encodeRelease(release)));
 */
export function encodeRelease(release: Release): CompactRelease {
  const chapters: string[] = [];
  const chapterIndex = new Map<string, number>();
  const concepts = release.concepts.map((c): CompactConcept => {
    let index = -1;
    if (c.chapter !== undefined) {
      index = chapterIndex.get(c.chapter) ?? -1;
      if (index < 0) {
        index = chapters.push(c.chapter) - 1;
        chapterIndex.set(c.chapter, index);
      }
    }
    const { code, display, chapter: _chapter, status, properties, ...rest } = c;
    const { links, sourceRow: _row, ...props } = properties ?? {};
    const extra: Partial<Concept> = { ...rest };
    if (status !== 'active') extra.status = status;
    if (Object.keys(props).length > 0) extra.properties = props;
    const linkText = links?.join(';') ?? '';
    if (Object.keys(extra).length > 0) return [code, display, index, linkText, extra];
    return linkText === '' ? [code, display, index] : [code, display, index, linkText];
  });
  return {
    format: RELEASE_FORMAT,
    system: release.system,
    chapters,
    concepts,
    ...(release.conceptMaps?.length ? { conceptMaps: release.conceptMaps } : {}),
  };
}

/**
 * Decodes a compact release. With `validate` (default true) the document is checked with zod
 * first and a {@link ValidationError} (`CATALOGUE_RELEASE_INVALID`) lists what is wrong; the
 * bundled releases skip that check (they are tested at build time).
 * @example const release = decodeRelease(JSON.parse(readFileSync('pl01.release.json', 'utf8')));
 */
export function decodeRelease(value: unknown, options: { validate?: boolean } = {}): Release {
  let doc = value as CompactRelease;
  if (options.validate !== false) {
    const parsed = CompactReleaseSchema.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const path = first?.path.join('.') ?? '';
      throw new ValidationError({
        code: 'CATALOGUE_RELEASE_INVALID',
        message: `Not a ${RELEASE_FORMAT} release file${path ? ` (at ${path})` : ''}: ${first?.message ?? ''}`,
        messageVi: `Không phải tệp bản phát hành ${RELEASE_FORMAT}${path ? ` (tại ${path})` : ''}`,
        path,
      });
    }
    doc = parsed.data as CompactRelease;
  }
  const chapters = doc.chapters;
  const concepts = new Array<Concept>(doc.concepts.length);
  for (let i = 0; i < doc.concepts.length; i++) {
    const [code, display, chapterIndex, links, extra] = doc.concepts[i]!;
    const concept: Concept = { code, display, status: 'active' };
    if (chapterIndex >= 0 && chapters[chapterIndex] !== undefined) concept.chapter = chapters[chapterIndex];
    if (extra !== undefined) Object.assign(concept, extra);
    if (links) concept.properties = { ...concept.properties, links: links.split(';') };
    concepts[i] = concept;
  }
  return {
    system: doc.system,
    concepts,
    ...(doc.conceptMaps ? { conceptMaps: doc.conceptMaps } : {}),
  };
}
