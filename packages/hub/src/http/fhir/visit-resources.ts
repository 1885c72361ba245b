import { createHash } from 'node:crypto';
import type { BundleEntry, Coding, Encounter, Resource } from '@lienthong/core';
import type { Visit } from '@lienthong/visits';
import {
  encodeFhirVisitBundle,
  FHIR_VISIT_KEY_SYSTEM,
  FHIR_VISIT_VERSION_EXTENSION,
  servedVisitExtension,
} from '@lienthong/visits/fhir';
import { parseVisitKey, visitKey } from '@lienthong/visits/provider-kit';
import type { StoredVisit } from '../../records/visits.js';

/** The resource types of a visit the facade serves. */
export const VISIT_RESOURCE_TYPES = [
  'Encounter',
  'Condition',
  'MedicationStatement',
  'Procedure',
  'ClinicalImpression',
  'ChargeItem',
] as const;
/** One of {@link VISIT_RESOURCE_TYPES}. */
export type VisitResourceType = (typeof VISIT_RESOURCE_TYPES)[number];

const PLAIN_FACILITY = /^[A-Za-z0-9-]{1,16}$/;
const PLAIN_ID = /^[A-Za-z0-9\-.]+$/;
// Room after a visit's id for `.v<version>.<part>` within FHIR's 64 characters.
const MAX_VISIT_ID = 38;
const DIGEST = /^h-[0-9a-f]{32}$/;
const digest = (key: string) => `h-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;

/**
 * The FHIR id of a visit (its Encounter's): `<facility>.<MA_LK>` when both are made of id
 * characters and short enough, so the id names the visit; otherwise a digest of the key
 * (`<facility>.h-<hex>`, or `h-<hex>` for a facility code that is not id characters either).
 */
export function visitFhirId(key: string): string {
  const parsed = parseVisitKey(key);
  if (!parsed || !PLAIN_FACILITY.test(parsed.facility)) return digest(key);
  const plain = `${parsed.facility}.${parsed.id}`;
  return PLAIN_ID.test(parsed.id) && plain.length <= MAX_VISIT_ID
    ? plain
    : `${parsed.facility}.${digest(key)}`;
}

/**
 * What a visit id names: the key it spells (`key`), and when it may be a digest, the digest and
 * the facility whose visits to look it up among (none: every facility's).
 */
export interface VisitIdLookup {
  key?: string;
  digest?: { facility?: string };
}

/** Reads a visit id made by {@link visitFhirId} (undefined: none of ours). */
export function parseVisitFhirId(id: string): VisitIdLookup | undefined {
  if (DIGEST.test(id)) return { digest: {} };
  const at = id.indexOf('.');
  if (at < 1 || at === id.length - 1) return undefined;
  const facility = id.slice(0, at);
  const rest = id.slice(at + 1);
  // An MA_LK may itself look like a digest: the plain reading is tried first.
  return { key: `${facility}:${rest}`, ...(DIGEST.test(rest) ? { digest: { facility } } : {}) };
}

const PART_ID = /^(.+)\.v(\d{1,6})\.([A-Za-z0-9]+(?:-\d+)?)$/;

/** The visit id and version a Condition, MedicationStatement or Procedure id names. */
export function parseVisitPartId(id: string): { visitId: string; version: number } | undefined {
  const m = PART_ID.exec(id);
  return m ? { visitId: m[1]!, version: Number(m[2]) } : undefined;
}

/** The entry identifier's part after the visit's scope (`MA_BENH_KT:1`, `XML2:0`). */
const partOf = (r: Resource, scope: string): string => {
  const value = (r as { identifier?: { value?: string }[] }).identifier?.[0]?.value ?? '';
  return value.startsWith(`${scope}:`) ? value.slice(scope.length + 1) : value;
};
/** What tells two resources of one visit apart beyond their place: their codes. */
const codesOf = (r: Resource): string => {
  const concept =
    (r as { code?: { coding?: unknown[] } }).code ??
    (r as { medicationCodeableConcept?: { coding?: unknown[] } }).medicationCodeableConcept;
  return JSON.stringify(
    (concept?.coding ?? []).map((c) => [(c as { system?: string }).system, (c as { code?: string }).code]),
  );
};
const served = (e: BundleEntry): boolean =>
  (VISIT_RESOURCE_TYPES as readonly string[]).includes(e.resource?.resourceType ?? '');

/**
 * Replaces each `urn:uuid` reference by the `Type/id` it names in `links`; a reference to a
 * resource not served (the visit's Patient, its lab reports) keeps its identifier only — a logical
 * reference, as the facade's lab reports name their patient.
 */
function relink(value: unknown, links: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => relink(v, links));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'reference' && typeof v === 'string' && v.startsWith('urn:uuid:')) {
      const link = links.get(v);
      if (link) out[k] = link;
    } else out[k] = relink(v, links);
  }
  return out;
}

/**
 * The served resources of one stored visit version as `shown` (the version as the reader may see
 * it, after the disclosure policy), with the facade's ids: the Encounter is the visit's id (its
 * `meta.versionId` and `visit-version` extension the version, its identifiers the visit key too);
 * each other resource is `<visit id>.v<version>.<part>`, the part from its entry identifier in the
 * whole version — a diagnosis withheld from this reader leaves the others' ids as every reader
 * sees them. They point at the Encounter, or at `Encounter/<id>/_history/<version>` when the
 * version is not the `current` one. What they do not give back of the visit (its Patient) rides
 * in the visits package's model extension. Made with the visits package's own mapping.
 */
export function visitResources(
  { visit, version }: StoredVisit,
  shown: Visit,
  { current }: { current: boolean },
): Resource[] {
  const key = visitKey(visit);
  const base = visitFhirId(key);
  const scope = `${key}:v${version}`;
  const encode = (v: Visit) =>
    (encodeFhirVisitBundle([v], { type: 'collection', entryScope: () => scope }).value.entry ?? []).filter(
      served,
    );
  const entries = encode(shown);
  const whole = shown === visit ? undefined : encode(visit).map((e) => e.resource!);
  const taken = new Set<Resource>();
  const partIn = (r: Resource): string => {
    const own = partOf(r, scope);
    if (!whole) return own;
    const kind = own.split(':')[0];
    const twin = whole.find(
      (w) =>
        !taken.has(w) &&
        w.resourceType === r.resourceType &&
        partOf(w, scope).split(':')[0] === kind &&
        codesOf(w) === codesOf(r),
    );
    if (twin) taken.add(twin);
    return twin ? partOf(twin, scope) : own;
  };
  const ids = entries.map(({ resource }) =>
    resource!.resourceType === 'Encounter'
      ? base
      : `${base}.v${version}.${partIn(resource!).replaceAll('_', '').replaceAll(':', '-')}`,
  );
  const encounterRef = current ? `Encounter/${base}` : `Encounter/${base}/_history/${version}`;
  const links = new Map(
    entries.map((e, i) => [
      e.fullUrl!,
      e.resource!.resourceType === 'Encounter' ? encounterRef : `${e.resource!.resourceType}/${ids[i]}`,
    ]),
  );
  const resources = entries.map(({ resource }, i) => {
    const r = { ...(relink(resource, links) as Resource), id: ids[i]! };
    if (r.resourceType !== 'Encounter') return r;
    const encounter = r as Encounter;
    return {
      ...encounter,
      meta: { ...encounter.meta, versionId: String(version) },
      extension: [
        ...(encounter.extension ?? []),
        { url: FHIR_VISIT_VERSION_EXTENSION, valueInteger: version },
      ],
      identifier: [...(encounter.identifier ?? []), { system: FHIR_VISIT_KEY_SYSTEM, value: key }],
    } as Encounter;
  });
  const model = servedVisitExtension(shown, resources);
  if (!model) return resources;
  return resources.map((r) =>
    r.resourceType === 'Encounter' ? { ...r, extension: [...(r.extension ?? []), model] } : r,
  );
}

/** A visit resource's code (or medication code) codings. */
export const codingsOf = (resource: Resource): readonly Coding[] => {
  const r = resource as {
    code?: { coding?: Coding[] };
    medicationCodeableConcept?: { coding?: Coding[] };
  };
  return (r.code ?? r.medicationCodeableConcept)?.coding ?? [];
};
