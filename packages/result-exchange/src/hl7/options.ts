import type { ValidationIssue } from '@lienthong/core';
import type { LabReport } from '../model.js';
import { DEFAULT_LAB_SYSTEMS, type LabSystems } from '../systems.js';
import { normaliseUnit, type UnitNormaliser } from '../units.js';
import { defaultHl7CodingSystems } from './tables.js';
import { type Delimiters, unescapeHl7 } from './v2.js';

/** Options shared by {@link decodeOru} and {@link encodeOru}. */
export interface OruOptions {
  systems?: Partial<LabSystems>;
  /** Coding-system names ↔ URIs (merged over {@link defaultHl7CodingSystems}). */
  codingSystems?: Record<string, string>;
}

/** Options of {@link decodeOru}. */
export interface DecodeOruOptions extends OruOptions {
  /** Offset for timestamps without one (default `+07:00`, Vietnam time). */
  defaultOffset?: string;
  /** Unit normaliser (default: common synonyms + UCUM). */
  normaliseUnit?: UnitNormaliser;
  /** Facts HL7 v2 does not carry, added to every report (e.g. the lab's quality level). */
  defaults?: Partial<Pick<LabReport, 'lab' | 'performingFacility' | 'orderingFacility'>>;
}

/** Options of {@link encodeOru}. */
export interface EncodeOruOptions extends OruOptions {
  /** HL7 version written in MSH-12 (default `2.5.1`). */
  version?: '2.3' | '2.3.1' | '2.4' | '2.5' | '2.5.1' | '2.6';
  /** MSH-10 (default: derived from the first report id). */
  controlId?: string;
  /** MSH-7 (default: now). */
  messageTime?: string;
  sendingApplication?: string;
  receivingApplication?: string;
  receivingFacility?: string;
}

/** What OBX-6 gives: the UCUM unit when known, and the unit as written. */
export interface UnitsRead {
  unit?: string;
  originalUnit?: string;
}

/** What one decode or encode pass carries: the options resolved, caches, and the issues found. */
export interface Ctx {
  d: Delimiters;
  systems: LabSystems;
  names: Record<string, string>;
  uris: Map<string, string>;
  offset: string;
  unit: UnitNormaliser;
  warnings: ValidationIssue[];
  errors: ValidationIssue[];
  /** Timestamps repeat within a message (OBX-14 of a panel): parse each distinct one once. */
  times: Map<string, string | undefined | null>;
  /** Units repeat too (OBX-6 of a panel): read each distinct field once. */
  units: Map<string, UnitsRead>;
}

let defaultTables:
  | { systems: LabSystems; names: Record<string, string>; uris: Map<string, string> }
  | undefined;

/** The lab systems and coding-system names ↔ URIs of `options` (the all-defaults case is built once). */
function tables(options: OruOptions) {
  if (!options.systems && !options.codingSystems && defaultTables) return defaultTables;
  const systems = { ...DEFAULT_LAB_SYSTEMS, ...options.systems };
  // Null prototype: a CWE-3 of `constructor` is an unknown name, not Object's constructor.
  const names: Record<string, string> = Object.assign(
    Object.create(null),
    defaultHl7CodingSystems(systems),
    options.codingSystems,
  );
  const uris = new Map<string, string>();
  for (const [name, uri] of Object.entries(names)) if (!uris.has(uri)) uris.set(uri, name);
  const t = { systems, names, uris };
  if (!options.systems && !options.codingSystems) defaultTables = t;
  return t;
}

/** The context of one pass over a message written with delimiters `d`. */
export function makeCtx(options: DecodeOruOptions, d: Delimiters): Ctx {
  const { systems, names, uris } = tables(options);
  return {
    d,
    systems,
    names,
    uris,
    offset: options.defaultOffset ?? '+07:00',
    unit: options.normaliseUnit ?? normaliseUnit,
    warnings: [],
    errors: [],
    times: new Map(),
    units: new Map(),
  };
}

/** A leaf value with its escape sequences decoded. */
export const u = (raw: string, ctx: Ctx) => unescapeHl7(raw, ctx.d);

/** `fields` without its empty texts (in the same order), or `undefined` when every one is empty. */
export function nonEmpty<T extends Record<string, string>>(fields: T): Partial<T> | undefined {
  let out: Partial<T> | undefined;
  for (const k in fields) {
    if (!fields[k]) continue;
    out ??= {};
    out[k] = fields[k];
  }
  return out;
}
