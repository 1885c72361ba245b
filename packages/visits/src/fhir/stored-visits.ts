import type { Bundle, BundleEntry, DiagnosticReport, Encounter, Reference, Resource } from '@lienthong/core';
import type { FhirClient } from '@lienthong/core/fhir';
import type { Visit } from '../model.js';
import { decodeFhirVisitBundle } from './decode.js';
import { applyVisitOverlay } from './model-overlay.js';
import type { VisitFhirOptions } from './options.js';

/**
 * Reading the visits the `fhir` visit history stored: each version of a visit is an Encounter of
 * its own with the resources pointing at it, read back with portable searches only (a reference
 * parameter with comma-separated values, `_id`) — servers without `_include`/`_revinclude` (such
 * as Medplum's MemoryRepository) answer them too. A server that keeps the versions of one
 * Encounter in its `_history` instead (the hub's FHIR facade) points the resources of an older
 * version at that version (`Encounter/<id>/_history/<n>`), and is searched so.
 */

/** The resources that point at a visit's Encounter, and through which search parameter. */
const PARTS = [
  ['Condition', 'encounter'],
  ['Procedure', 'encounter'],
  ['ChargeItem', 'context'],
  ['MedicationStatement', 'context'],
  ['ClinicalImpression', 'encounter'],
  ['DiagnosticReport', 'encounter'],
] as const;

/** References per search: short enough for any server's URL limit. */
const CHUNK = 50;

/** What a stored visit version is read with. */
export interface StoredVisitReader {
  fhir: FhirClient;
  codec: VisitFhirOptions;
  /** The identifier system of the entry identifiers (`<scope>:<table>:<index>`). */
  entrySystem: string;
  /** The extension carrying what the mapping does not give back ({@link applyVisitOverlay}). */
  modelUrl: string;
  signal?: AbortSignal;
}

const chunks = <T>(list: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, (i + 1) * CHUNK));

/** `Type/id` of a literal reference, whatever its form (absolute, versioned). */
export function literal(ref: Reference | undefined): string | undefined {
  const m = /([A-Z][A-Za-z]+\/[^/]+)(?:\/_history\/[^/]+)?$/.exec(ref?.reference ?? '');
  return m?.[1];
}

/** `Type/id/_history/n` of a version-specific reference (absolute or relative), else undefined. */
function versioned(ref: Reference | undefined): string | undefined {
  return /([A-Z][A-Za-z]+\/[^/]+\/_history\/[^/]+)$/.exec(ref?.reference ?? '')?.[1];
}

/** How the resources of a stored Encounter name it: `Encounter/<id>`, or the version of a server-versioned one. */
export type EncounterRef = (encounter: Encounter) => string;
const byId: EncounterRef = (e) => `Encounter/${e.id}`;

/** Every resource of every page of a search. */
export async function searchEvery(
  r: Pick<StoredVisitReader, 'fhir' | 'signal'>,
  type: string,
  params: Record<string, string | number>,
): Promise<Resource[]> {
  const out: Resource[] = [];
  for await (const page of r.fhir.searchAll(
    type as 'Encounter',
    { _count: 100, ...params },
    { signal: r.signal },
  ))
    for (const e of page.entry ?? [])
      if (e.resource?.resourceType === type && e.search?.mode !== 'include') out.push(e.resource);
  return out;
}

/** The resources of a type with these ids (`_id`, in chunks). */
async function byIds(r: StoredVisitReader, type: string, ids: Iterable<string>): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const list of chunks([...new Set(ids)]))
    out.push(...(await searchEvery(r, type, { _id: list.join(',') })));
  return out;
}

/**
 * The order of a visit's parts by their entry identifier (`<scope>:XML3:2` → `XML3`, 2): the
 * decoder reads rows in bundle order, and servers list search results in their own order.
 */
function partOrder(r: StoredVisitReader, resource: Resource): [string, number] {
  const id = (resource as { identifier?: { system?: string; value?: string }[] }).identifier?.find(
    (i) => i.system === r.entrySystem,
  )?.value;
  const m = /:([A-Z0-9_]+)(?::(\d+))?$/.exec(id ?? '');
  return m ? [m[1]!, Number(m[2] ?? 0)] : ['', 0];
}

function byPartOrder(r: StoredVisitReader) {
  return (a: Resource, b: Resource): number => {
    const [ta, ia] = partOrder(r, a);
    const [tb, ib] = partOrder(r, b);
    return ta < tb ? -1 : ta > tb ? 1 : ia - ib;
  };
}

/**
 * The visits stored as these Encounters (one version each), in the same order: each Encounter with
 * its Patient and the resources pointing at it (and the Observations and Specimens of its lab
 * reports) decoded alone, so two visits with one MA_LK never mix.
 */
export async function readStoredVisits(
  r: StoredVisitReader,
  encounters: readonly Encounter[],
  refOf: EncounterRef = byId,
): Promise<Visit[]> {
  if (encounters.length === 0) return [];
  const refs = encounters.map(refOf);
  const partsOf = new Map<string, Resource[]>(refs.map((ref) => [ref, []]));
  const capabilities = await r.fhir.capabilities();
  for (const [type, param] of PARTS) {
    // A server that lists its search parameters and not this one does not keep these parts.
    if (capabilities.declaresSearches(type) && !capabilities.searches(type, param)) continue;
    for (const list of chunks(refs))
      for (const part of await searchEvery(r, type, { [param]: list.join(',') })) {
        const ref = (part as unknown as Record<string, Reference | undefined>)[param];
        (partsOf.get(versioned(ref) ?? '') ?? partsOf.get(literal(ref) ?? ''))?.push(part);
      }
  }
  // What the lab reports and the Encounters point to: Observations, Specimens, Patients.
  const wanted = new Map<string, Set<string>>();
  const want = (ref: Reference | undefined) => {
    const [type, id] = literal(ref)?.split('/') ?? [];
    if (type && id) wanted.set(type, (wanted.get(type) ?? new Set()).add(id));
  };
  for (const e of encounters) want(e.subject);
  for (const parts of partsOf.values())
    for (const p of parts)
      if (p.resourceType === 'DiagnosticReport')
        for (const ref of [...(p.result ?? []), ...(p.specimen ?? [])]) want(ref);
  const linked = new Map<string, Resource>();
  for (const [type, ids] of wanted)
    for (const res of await byIds(r, type, ids)) linked.set(`${res.resourceType}/${res.id}`, res);
  return encounters.map((encounter, i) => {
    const parts = [...partsOf.get(refs[i]!)!].sort(byPartOrder(r));
    const reports = parts.filter((p): p is DiagnosticReport => p.resourceType === 'DiagnosticReport');
    const around = [
      encounter.subject,
      ...reports.flatMap((dr) => [...(dr.result ?? []), ...(dr.specimen ?? [])]),
    ]
      .map((ref) => linked.get(literal(ref) ?? ''))
      .filter((x): x is Resource => x !== undefined);
    const entry: BundleEntry[] = [...new Set([...around, ...parts, encounter])].map((resource) => ({
      resource,
    }));
    return decodeStored(r, encounter, entry);
  });
}

/** One stored version: its resources decoded, then what the mapping does not carry put back. */
function decodeStored(
  r: Pick<StoredVisitReader, 'codec' | 'modelUrl'>,
  encounter: Encounter,
  entry: BundleEntry[],
) {
  const bundle: Bundle = { resourceType: 'Bundle', type: 'collection', entry };
  const [visit] = decodeFhirVisitBundle(bundle, r.codec).value.visits;
  return applyVisitOverlay(visit!, encounter.extension?.find((x) => x.url === r.modelUrl)?.valueString);
}

/** The visit an Encounter alone says (its key, facility, type and period: what the order needs). */
export function visitHeader(r: Pick<StoredVisitReader, 'codec' | 'modelUrl'>, encounter: Encounter): Visit {
  return decodeStored(r, encounter, [{ resource: encounter }]);
}
