import type { Resource } from '@lienthong/core';
import { type Context, identifier, isObject, literalReference, type Rule } from './datatypes.js';
import { modifierExtension, notAResource, typeUnsupported } from './errors.js';
import type { IdentifierLike } from './keys.js';
import { keptExtensions, RESOURCE_RULES } from './rules.js';

type Obj = Record<string, unknown>;

/** What may leave: the element rules of each type, and the extensions every type may keep. */
export interface Policy {
  readonly resources: Readonly<Record<string, Readonly<Record<string, Rule>>>>;
  readonly extension: Rule;
}

/** The policy the hub applies (rules.ts). Tests weaken a copy to prove the leak checks fail. */
export const DEFAULT_POLICY: Policy = Object.freeze({ resources: RESOURCE_RULES, extension: keptExtensions });

/** The context minus what each resource brings (its contained resources, its bundle's patients), plus the policy. */
export type BaseContext = Omit<Context, 'localIds' | 'patientsByRef'> & { readonly policy: Policy };

const OBSERVATION_VALUE = 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue';

/**
 * The security labels of every de-identified resource (HL7 v3 ObservationValue): identifiers
 * replaced by pseudonyms, elements removed. Tags other than SUBSETTED are not kept.
 */
export const DEIDENTIFIED_SECURITY = Object.freeze([
  Object.freeze({ system: OBSERVATION_VALUE, code: 'PSEUDED', display: 'pseudonymized' }),
  Object.freeze({ system: OBSERVATION_VALUE, code: 'REDACTED', display: 'redacted' }),
]);

/** The resource types with an allow-list. */
export const DEIDENTIFIABLE_TYPES: readonly string[] = Object.freeze(Object.keys(RESOURCE_RULES));

/** Refuses any modifierExtension anywhere in the input (its meaning could not be kept). */
function checkModifiers(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      checkModifiers(v, `${path}[${i}]`);
    });
    return;
  }
  if (!isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key === 'modifierExtension' && Array.isArray(v) && v.length > 0) throw modifierExtension(at);
    checkModifiers(v, at);
  }
}

/**
 * `meta` of a de-identified resource: version and time kept, profiles dropped (the profile's
 * required elements may be gone), the labels added — except on a contained resource, which may
 * carry no security label (FHIR dom-5): its container's labels cover it.
 */
function metaOf(meta: unknown, contained = false): Obj | undefined {
  const m = isObject(meta) ? meta : {};
  const subsetted = Array.isArray(m.tag)
    ? m.tag.filter((t) => isObject(t) && t.system === OBSERVATION_VALUE && t.code === 'SUBSETTED')
    : [];
  const out: Obj = {
    ...(typeof m.versionId === 'string' ? { versionId: m.versionId } : {}),
    ...(typeof m.lastUpdated === 'string' ? { lastUpdated: m.lastUpdated } : {}),
    ...(contained ? {} : { security: DEIDENTIFIED_SECURITY.map((s) => ({ ...s })) }),
    ...(subsetted.length > 0 ? { tag: subsetted.map((t) => ({ system: t.system, code: t.code })) } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

const identifiersOf = (value: unknown): IdentifierLike[] =>
  Array.isArray(value) ? value.filter((i): i is IdentifierLike => isObject(i)) : [];

/** The elements only a Patient has: one pseudonym, the year of birth, deceased as a yes/no. */
function patientElements(resource: Obj, ctx: Context): Obj {
  const pseudonym = ctx.patientPseudonym(identifiersOf(resource.identifier));
  const year = typeof resource.birthDate === 'string' ? /^\d{4}/.exec(resource.birthDate)?.[0] : undefined;
  const deceased =
    typeof resource.deceasedBoolean === 'boolean'
      ? resource.deceasedBoolean
      : typeof resource.deceasedDateTime === 'string'
        ? true
        : undefined;
  return {
    ...(pseudonym !== undefined ? { identifier: [{ system: ctx.pseudonymSystem, value: pseudonym }] } : {}),
    ...(year !== undefined ? { birthDate: year } : {}),
    ...(deceased !== undefined ? { deceasedBoolean: deceased } : {}),
  };
}

/** The body of a resource (everything but its id and contained), under `ctx`. */
function body(resource: Obj, type: string, ctx: Context, policy: Policy, contained = false): Obj {
  const rules = policy.resources[type]!;
  const meta = metaOf(resource.meta, contained);
  const out: Obj = { resourceType: type, ...(meta ? { meta } : {}) };
  const ext = policy.extension(resource.extension, ctx);
  if (ext !== undefined) out.extension = ext;
  if (type === 'Patient') Object.assign(out, patientElements(resource, ctx));
  else if (Array.isArray(resource.identifier)) {
    const ids = resource.identifier.map((i) => identifier(i, ctx)).filter((i) => i !== undefined);
    if (ids.length > 0) out.identifier = ids;
  }
  for (const [key, rule] of Object.entries(rules)) {
    if (!(key in resource)) continue;
    const kept = rule(resource[key], ctx);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

const supported = (r: unknown, policy: Policy): r is Obj & { resourceType: string } =>
  isObject(r) && typeof r.resourceType === 'string' && Object.hasOwn(policy.resources, r.resourceType);

/**
 * De-identifies one resource: its contained resources first (kept when their type has rules,
 * renumbered `c0`, `c1`… so a local id says nothing), then its elements by the type's allow-list.
 */
function resourceOut(
  resource: Obj,
  base: BaseContext,
  outer: ReadonlyMap<string, readonly IdentifierLike[]>,
  path: string,
): Obj {
  const type = resource.resourceType as string;
  const { policy } = base;
  if (!Object.hasOwn(policy.resources, type))
    throw typeUnsupported(type, path ? `${path}.resourceType` : 'resourceType');
  const contained = (Array.isArray(resource.contained) ? resource.contained : []).filter(
    (c): c is Obj & { resourceType: string; id: string } => supported(c, policy) && typeof c.id === 'string',
  );
  const localIds = new Map(contained.map((c, i) => [c.id, `c${i}`]));
  const patientsByRef = new Map(outer);
  for (const c of contained)
    if (c.resourceType === 'Patient') patientsByRef.set(`#${c.id}`, identifiersOf(c.identifier));
  const ctx: Context = { ...base, localIds, patientsByRef };
  const out = body(resource, type, ctx, policy);
  const id = typeof resource.id === 'string' ? base.resourceId(type, resource.id) : undefined;
  const inner = contained.map((c) => ({
    id: localIds.get(c.id)!,
    ...body(c, c.resourceType, ctx, policy, true),
  }));
  const { resourceType, ...rest } = out;
  return {
    resourceType,
    ...(id !== undefined ? { id } : {}),
    ...(inner.length > 0 ? { contained: inner } : {}),
    ...rest,
  };
}

/**
 * A Bundle de-identified as a `collection` (requests, search data and links carry identifiers in
 * conditional URLs and queries: dropped): each entry whose resource type has rules, references
 * between entries kept (`urn:uuid:` as they are, `Type/id` keyed); entries of other types are
 * dropped, as contained resources are. Patients of the bundle name the patient of references to them.
 */
function bundleOut(bundle: Obj, base: BaseContext): Obj {
  const entries = (Array.isArray(bundle.entry) ? bundle.entry : []).filter(isObject);
  const patients = new Map<string, readonly IdentifierLike[]>();
  for (const e of entries) {
    if (!isObject(e.resource) || e.resource.resourceType !== 'Patient') continue;
    const ids = identifiersOf(e.resource.identifier);
    if (typeof e.fullUrl === 'string') patients.set(e.fullUrl, ids);
    if (typeof e.resource.id === 'string') patients.set(`Patient/${e.resource.id}`, ids);
  }
  const noLocal: Context = { ...base, localIds: new Map(), patientsByRef: patients };
  const out = entries.flatMap((e, i) => {
    if (!supported(e.resource, base.policy)) return [];
    const fullUrl = literalReference(e.fullUrl, noLocal);
    return [
      {
        // A fullUrl must be absolute: a keyed `Type/id` is not, so only `urn:uuid:` ones stay.
        ...(fullUrl?.startsWith('urn:uuid:') ? { fullUrl } : {}),
        resource: resourceOut(e.resource, base, patients, `entry[${i}].resource`),
      },
    ];
  });
  return {
    resourceType: 'Bundle',
    ...(typeof bundle.id === 'string' ? { id: base.resourceId('Bundle', bundle.id) } : {}),
    meta: metaOf(bundle.meta),
    type: 'collection',
    ...(typeof bundle.timestamp === 'string' ? { timestamp: bundle.timestamp } : {}),
    ...(out.length > 0 ? { entry: out } : {}),
  };
}

/** De-identifies `input` (a resource or a Bundle of them) into a new object; the input is only read. */
export function deidentifyWith(input: unknown, base: BaseContext): Resource {
  if (!isObject(input) || typeof input.resourceType !== 'string' || input.resourceType === '')
    throw notAResource(isObject(input) ? 'resourceType' : '');
  checkModifiers(input, '');
  const out =
    input.resourceType === 'Bundle' ? bundleOut(input, base) : resourceOut(input, base, new Map(), '');
  return out as unknown as Resource;
}
