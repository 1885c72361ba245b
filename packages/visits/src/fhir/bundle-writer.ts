import {
  type BundleEntry,
  type Coding,
  type Encounter,
  type Identifier,
  newUrnUuid,
  type Patient,
  type Reference,
  type Resource,
} from '@lienthong/core';
import type { Visit, Coding as VisitCoding } from '../model.js';
import type { VisitFhirConfig } from './options.js';

/**
 * What the encoder writes into while it walks the visits: the entries, and the Patient entries
 * already written (visits of one patient share one).
 */
export interface BundleWriter {
  cfg: VisitFhirConfig;
  tx: boolean;
  entries: BundleEntry[];
  /** Patient entries already written, by the Patient's JSON: visits of one patient share it. */
  patients: Map<string, Reference<Patient>>;
  /** The prefix of a visit's entry identifiers (default its MA_LK). */
  entryScope?: (visit: Visit) => string;
}

/** A create, conditional on the business identifier when there is one (a re-sent Bundle creates nothing new). */
export const conditionalPost = (type: string, identifier: Identifier | undefined) => ({
  method: 'POST' as const,
  url: type,
  ...(identifier?.system && identifier.value
    ? {
        ifNoneExist: `identifier=${encodeURIComponent(identifier.system)}|${encodeURIComponent(identifier.value)}`,
      }
    : {}),
});

/** Adds a resource; its reference (fullUrl and, when it has one, its first identifier). */
export function add<T extends Resource>(
  ctx: BundleWriter,
  resource: T,
  identifier?: Identifier,
): Reference<T> {
  const fullUrl = newUrnUuid();
  ctx.entries.push({
    fullUrl,
    resource,
    ...(ctx.tx ? { request: conditionalPost(resource.resourceType, identifier) } : {}),
  });
  return { reference: fullUrl, ...(identifier ? { identifier } : {}) } as Reference<T>;
}

export const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/** The references every resource of one visit carries. */
export interface VisitRefs {
  subject: Reference<Patient>;
  encounter: Reference<Encounter>;
  visitId: string;
  /** The prefix of the visit's entry identifiers: its MA_LK unless the encoder is given a scope. */
  scope: string;
}

/** The business identifier of a resource made from a row or a code of the visit (`<scope>:<part>`). */
export const entryId = (ctx: BundleWriter, refs: VisitRefs, part: string): Identifier => ({
  system: ctx.cfg.ids.entry,
  value: `${refs.scope}:${part}`,
});

/** An ICD-10 coding, with its Vietnamese name when ICD-10 is given. */
export function icd10Coding(ctx: BundleWriter, c: VisitCoding): Coding {
  const display = ctx.cfg.icd10?.lookup(c.code)?.display;
  return { system: c.system, code: c.code, ...optional('display', display) };
}
