import type { IdentifierLike } from './keys.js';

/**
 * Allow-list transforms of FHIR datatypes. A rule takes an element's value and gives what may
 * leave (or `undefined`: nothing); an object is rebuilt from the keys its rule names, so whatever a
 * rule does not name — `display`, `text`, `extension`, `_primitive` extensions — is left behind.
 */

/** What the rules need from the de-identifier: keyed digests and the patients behind local references. */
export interface Context {
  /** The pseudonym of the patient these identifiers name (undefined: no value among them). */
  patientPseudonym(identifiers: readonly IdentifierLike[]): string | undefined;
  /** The system the patient pseudonym is written under. */
  readonly pseudonymSystem: string;
  /** The keyed stand-in for a business identifier's value. */
  identifierValue(system: string | undefined, value: string): string;
  /** The keyed stand-in for a resource id (a valid FHIR id). */
  resourceId(type: string, id: string): string;
  /** The keyed stand-in for a DICOM UID (a valid UID). */
  uid(uid: string): string;
  /** Local ids of the contained resources kept: old id → new id. */
  readonly localIds: ReadonlyMap<string, string>;
  /** Patient identifiers behind a local (`#id`) or bundle (`urn:uuid:`) reference. */
  readonly patientsByRef: ReadonlyMap<string, readonly IdentifierLike[]>;
}

/** A rule: the value that may leave, or undefined. */
export type Rule = (value: unknown, ctx: Context) => unknown;

type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (o: Obj): Obj | undefined => (Object.keys(o).length > 0 ? o : undefined);

/** An object of the named keys only, each through its rule; undefined when nothing is left. */
export function pick(spec: Readonly<Record<string, Rule>>): Rule {
  return (value, ctx) => {
    if (!isObject(value)) return undefined;
    const out: Obj = {};
    for (const [key, rule] of Object.entries(spec)) {
      if (!(key in value)) continue;
      const kept = rule(value[key], ctx);
      if (kept !== undefined) out[key] = kept;
    }
    return nonEmpty(out);
  };
}

/** Each item of a list through `rule`; undefined when none is left. */
export const many =
  (rule: Rule): Rule =>
  (value, ctx) => {
    if (!Array.isArray(value)) return undefined;
    const out = value.map((v) => rule(v, ctx)).filter((v) => v !== undefined);
    return out.length > 0 ? out : undefined;
  };

/** A primitive (string, number, boolean) as it is: codes, dates, numbers. */
export const primitive: Rule = (v) =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;

// 9+ digits (CCCD, CMND, BHXH, phone numbers) or a 15-character BHYT card: the tokens `redactText`
// masks in logs. A text kept for research that holds one is dropped whole, not masked.
const IDENTIFIER_LIKE = /\d{9,}|\b[A-Za-z]{2}\d{13}\b/;

/**
 * A name of a thing (a test, a drug, a service, a unit) kept as text, unless it holds an
 * identifier-looking token — a last guard; names of people cannot be recognised this way, which is
 * why free-text elements written about a patient are not kept at all.
 */
export const text: Rule = (v) => (typeof v === 'string' && !IDENTIFIER_LIKE.test(v) ? v : undefined);

/** Coding: system, version, code, display (the code system's name of the code), userSelected. */
export const coding = pick({
  system: primitive,
  version: primitive,
  code: primitive,
  display: text,
  userSelected: primitive,
});

/** CodeableConcept, codings only: its `text` may be a clinician's own words. */
export const concept = pick({ coding: many(coding) });

/** CodeableConcept with its text: for the names of tests, drugs and services, from catalogues. */
export const namedConcept = pick({ coding: many(coding), text });

export const quantity = pick({
  value: primitive,
  comparator: primitive,
  unit: text,
  system: primitive,
  code: primitive,
});
export const period = pick({ start: primitive, end: primitive });
export const range = pick({ low: quantity, high: quantity });
export const ratio = pick({ numerator: quantity, denominator: quantity });

// A reference to a resource by its type and id, relative or absolute, with or without a version.
const LITERAL =
  /^(?:.*\/)?([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/**
 * A literal reference made keyed: `Type/id` → `Type/<keyed id>` (base URL and version dropped),
 * `#id` → the contained resource's new id (undefined when it was not kept), `urn:uuid:` as it is
 * (random per bundle); anything else (an `urn:oid:`, a URL of no resource) is dropped.
 */
export function literalReference(reference: unknown, ctx: Context): string | undefined {
  if (typeof reference !== 'string') return undefined;
  if (reference.startsWith('#')) {
    const local = ctx.localIds.get(reference.slice(1));
    return local === undefined ? undefined : `#${local}`;
  }
  if (/^urn:uuid:[0-9a-fA-F-]{36}$/.test(reference)) return reference;
  const m = LITERAL.exec(reference);
  return m ? `${m[1]}/${ctx.resourceId(m[1]!, m[2]!)}` : undefined;
}

/** The type a reference names: its `type`, or the type of its literal reference. */
function referenceType(ref: Obj): string | undefined {
  if (typeof ref.type === 'string') return ref.type;
  const m = typeof ref.reference === 'string' ? LITERAL.exec(ref.reference) : null;
  return m?.[1];
}

/**
 * A business identifier of a record (report, visit, specimen, study…): the system kept, the value
 * replaced by its keyed stand-in — records stay linkable across resources and exports, and a record
 * number, a visit key or an id that embeds a personal number does not leave. A DICOM UID stays a
 * UID (`urn:oid:2.25.…`). Type, use and period are kept; the assigner only as a facility.
 */
export const identifier: Rule = (value, ctx) => {
  if (!isObject(value) || typeof value.value !== 'string' || value.value === '') return undefined;
  const system = typeof value.system === 'string' ? value.system : undefined;
  const raw = value.value;
  const keyed =
    system === 'urn:dicom:uid'
      ? `urn:oid:${ctx.uid(raw.replace(/^urn:oid:/, ''))}`
      : ctx.identifierValue(system, raw);
  const rest = pick({ use: primitive, type: concept, period, assigner: organizationReference })(value, ctx) as
    | Obj
    | undefined;
  return { ...rest, ...(system !== undefined ? { system } : {}), value: keyed };
};

/** A facility's identifier as it is: facility codes are public, and research needs the place of care. */
const facilityIdentifier = pick({ system: primitive, value: primitive });

/** A reference to an Organization (a facility): its literal reference keyed, its identifier kept, no display. */
export const organizationReference: Rule = (value, ctx) => {
  if (!isObject(value)) return undefined;
  const type = referenceType(value);
  if (type !== undefined && type !== 'Organization') return undefined;
  const reference = literalReference(value.reference, ctx);
  const id = facilityIdentifier(value.identifier, ctx);
  if (reference === undefined && id === undefined) return undefined;
  return {
    ...(reference !== undefined ? { reference } : {}),
    ...(typeof value.type === 'string' ? { type: value.type } : {}),
    ...(id !== undefined ? { identifier: id } : {}),
  };
};

/**
 * A reference that must name an Organization by its type or literal reference, where FHIR also
 * allows people (`DiagnosticReport.performer`, `Provenance.agent.who`): an untyped one may be a
 * practitioner's licence number, so it does not leave.
 */
export const declaredOrganization: Rule = (value, ctx) =>
  isObject(value) && referenceType(value) === 'Organization' ? organizationReference(value, ctx) : undefined;

/** A reference to a record (not a person): literal reference and business identifier keyed, no display. */
export const recordReference: Rule = (value, ctx) => {
  if (!isObject(value)) return undefined;
  const type = referenceType(value);
  // People other than the patient (practitioners, related persons) never leave, not even keyed.
  if (type !== undefined && PEOPLE.has(type)) return undefined;
  if (type === 'Patient') return patientReference(value, ctx);
  if (type === 'Organization') return organizationReference(value, ctx);
  const reference = literalReference(value.reference, ctx);
  if (typeof value.reference === 'string' && ctx.patientsByRef.has(value.reference))
    return patientReference(value, ctx);
  const id = identifier(value.identifier, ctx);
  if (reference === undefined && id === undefined) return undefined;
  return {
    ...(reference !== undefined ? { reference } : {}),
    ...(typeof value.type === 'string' ? { type: value.type } : {}),
    ...(id !== undefined ? { identifier: id } : {}),
  };
};

const PEOPLE: ReadonlySet<string> = new Set(['Practitioner', 'PractitionerRole', 'RelatedPerson', 'Person']);

/**
 * A reference to the patient: the pseudonym as its identifier (from the identifier it carries and
 * those of the Patient it points to inside the resource or the bundle), its literal reference
 * keyed, no display. A subject that is not a patient (a Group, a Device) is a record reference.
 */
export const patientReference: Rule = (value, ctx) => {
  if (!isObject(value)) return undefined;
  const type = referenceType(value);
  if (type !== undefined && type !== 'Patient')
    return PEOPLE.has(type) ? undefined : recordReference(value, ctx);
  const named: IdentifierLike[] = [];
  if (isObject(value.identifier)) named.push(value.identifier as IdentifierLike);
  if (typeof value.reference === 'string') named.push(...(ctx.patientsByRef.get(value.reference) ?? []));
  const pseudonym = ctx.patientPseudonym(named);
  const reference = literalReference(value.reference, ctx);
  if (reference === undefined && pseudonym === undefined) return undefined;
  return {
    ...(reference !== undefined ? { reference } : {}),
    type: 'Patient',
    ...(pseudonym !== undefined ? { identifier: { system: ctx.pseudonymSystem, value: pseudonym } } : {}),
  };
};

/** Extensions whose URL has a rule; the rule gives the extension's kept value elements. */
export function extensions(allowed: ReadonlyMap<string, Rule>): Rule {
  return (value, ctx) =>
    many((e, c) => {
      if (!isObject(e) || typeof e.url !== 'string') return undefined;
      const rule = allowed.get(e.url);
      const kept = rule ? (rule(e, c) as Obj | undefined) : undefined;
      return kept ? { url: e.url, ...kept } : undefined;
    })(value, ctx);
}
