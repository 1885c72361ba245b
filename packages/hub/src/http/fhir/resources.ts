import type {
  Bundle,
  BundleEntry,
  DiagnosticReport,
  Endpoint,
  IdentifierValue,
  Patient,
  Resource,
} from '@lienthong/core';

type Meta = NonNullable<Resource['meta']>;

import type { ImagingReference } from '@lienthong/imaging';
import { IMAGING_REPORT_IDENTIFIER_SYSTEM, toFhirImagingStudy } from '@lienthong/imaging/fhir';
import { FHIR_REPORT_VERSION_EXTENSION, toFhirResources } from '@lienthong/result-exchange/fhir';
import { fhirId } from '../../fhir-id.js';
import type { StoredReport } from '../../records/lab-reports.js';

/**
 * Ids of the resources of a stored report version. The DiagnosticReport keeps one id across
 * versions (the report id, or its hash); its Specimen and Observations are the version's own —
 * named after the version's row — so a superseded version keeps pointing at the results it had.
 */
export const observationId = (rowId: string, index: number) => `${rowId}.${index}`;

/** The row and index an Observation id names, or undefined when it is not one of ours. */
export function parseObservationId(id: string): { rowId: string; index: number } | undefined {
  const m = /^(.+)\.(\d{1,4})$/.exec(id);
  return m ? { rowId: m[1]!, index: Number(m[2]) } : undefined;
}

/** The FHIR resources of one stored report version, linked by `Type/id` references. */
export interface ReportResources {
  report: DiagnosticReport;
  specimen?: Resource;
  observations: Resource[];
}

/**
 * The subject of a report whose patient has several identifiers: a contained Patient holding all
 * of them (a logical reference holds one identifier only), referenced as `#patient` — the codec
 * reads every identifier back from it — and still naming the first identifier for clients that
 * do not resolve contained resources. One identifier: nothing to change (a logical reference).
 */
function containedSubject(
  identifiers: readonly IdentifierValue[],
): Pick<DiagnosticReport, 'contained' | 'subject'> {
  if (identifiers.length < 2) return {};
  const patient: Patient = {
    resourceType: 'Patient',
    id: 'patient',
    identifier: identifiers.map((i) => ({ system: i.system, value: i.value })),
  };
  const first = identifiers[0]!;
  return {
    contained: [patient],
    subject: {
      reference: '#patient',
      type: 'Patient',
      identifier: { system: first.system, value: first.value },
    },
  };
}

/**
 * A copy of `value` — plain JSON data, as the codec answers it — with every string that is a key
 * of `refs` (a bundle's `urn:uuid:` full URL) replaced by its value (`Type/id`), undefined members
 * left out as JSON would. One walk: a JSON round trip with a string replace per reference made
 * ~150 µs and ~300 KB of garbage per report, which a bulk export pays for every report.
 */
function relinked(value: unknown, refs: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return refs.get(value) ?? value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : relinked(v, refs)));
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) copy[key] = relinked(v, refs);
  }
  return copy;
}

/**
 * Converts a stored version with the SDK's own codec. The patient is a logical reference (the hub
 * keeps no Patient resource per report); several identifiers are kept in a contained Patient, in
 * the report, its Observations and its Specimen alike.
 */
export function reportResources({ rowId, report, storedAt }: StoredReport): ReportResources {
  const converted = toFhirResources(report, { type: 'collection', includePatient: false });
  const refs = new Map<string, string>();
  let observation = 0;
  for (const entry of converted.entries) {
    const type = entry.resource!.resourceType;
    const id =
      type === 'DiagnosticReport'
        ? fhirId(report.id)
        : type === 'Specimen'
          ? rowId
          : observationId(rowId, observation++);
    refs.set(entry.fullUrl!, `${type}/${id}`);
  }
  const resources = (
    relinked(
      converted.entries.map((e) => e.resource),
      refs,
    ) as Resource[]
  ).map((r, i) => {
    const id = refs.get(converted.entries[i]!.fullUrl!)!.split('/')[1]!;
    const meta: Meta = { lastUpdated: storedAt };
    return { ...r, id, meta } as Resource;
  });
  const dr = resources.find((r) => r.resourceType === 'DiagnosticReport') as DiagnosticReport;
  const version = report.version ?? 1;
  const subject = containedSubject(report.patient.identifiers);
  const withVersion: DiagnosticReport = {
    ...dr,
    ...subject,
    meta: { versionId: String(version), lastUpdated: storedAt },
    // The version number as the SDK's fhir provider reads it from any FHIR server.
    extension: [...(dr.extension ?? []), { url: FHIR_REPORT_VERSION_EXTENSION, valueInteger: version }],
  };
  // The Observations and the Specimen name the same patient the same way.
  const ofPatient = (r: Resource) => ({ ...r, ...subject }) as Resource;
  const specimen = resources.find((r) => r.resourceType === 'Specimen');
  return {
    report: withVersion,
    ...(specimen ? { specimen: ofPatient(specimen) } : {}),
    observations: resources.filter((r) => r.resourceType === 'Observation').map(ofPatient),
  };
}

/** The ImagingStudy of a reference (DICOMweb Endpoints contained); its id is the study UID. */
export function imagingStudyResource(ref: ImagingReference): Resource {
  const id = fhirId(ref.studyInstanceUid);
  return { ...toFhirImagingStudy(ref, { ids: { imagingStudy: id } }).imagingStudy, id } as Resource;
}

/** The kinds of DICOMweb Endpoint an imaging reference carries (keys of its `endpoints`). */
export type EndpointKind = 'wadoRs' | 'qidoRs';

/**
 * The id of a study's Endpoint of one kind: the study UID for WADO-RS, the study UID with hyphens
 * for dots for QIDO-RS. A UID may be 64 characters, as long as a FHIR id, so no suffix fits; ids
 * are unique per resource type, so the WADO-RS Endpoint may share its ImagingStudy's id.
 */
export function endpointId(studyUid: string, kind: EndpointKind): string {
  return kind === 'wadoRs' ? studyUid : studyUid.replaceAll('.', '-');
}

/** The study UID and kind an Endpoint id names, or undefined when it is not one of ours. */
export function parseEndpointId(id: string): { studyUid: string; kind: EndpointKind } | undefined {
  if (/^\d+(\.\d+)+$/.test(id)) return { studyUid: id, kind: 'wadoRs' };
  if (/^\d+(-\d+)+$/.test(id)) return { studyUid: id.replaceAll('-', '.'), kind: 'qidoRs' };
  return undefined;
}

/** The DICOMweb Endpoints of a reference as resources of their own (the imaging package's mapping). */
export function imagingEndpointResources(ref: ImagingReference): Endpoint[] {
  const uid = ref.studyInstanceUid;
  return toFhirImagingStudy(ref, {
    contained: false,
    ids: { imagingStudy: fhirId(uid), wadoRs: endpointId(uid, 'wadoRs'), qidoRs: endpointId(uid, 'qidoRs') },
  }).endpoints;
}

/**
 * The DiagnosticReport of an imaging reference's report, as the SDK's fhir imaging provider writes
 * it on any FHIR server (identifier `urn:lienthong:sid:imaging-report|<study UID>`); its id is the
 * study UID, like its ImagingStudy's.
 */
export function imagingReportResource(ref: ImagingReference): DiagnosticReport | undefined {
  const id = fhirId(ref.studyInstanceUid);
  const dr = toFhirImagingStudy(ref, { ids: { imagingStudy: id, diagnosticReport: id } }).diagnosticReport;
  return (
    dr && { ...dr, identifier: [{ system: IMAGING_REPORT_IDENTIFIER_SYSTEM, value: ref.studyInstanceUid }] }
  );
}

/** Elements `_elements` always keeps (the mandatory ones of each type, and the resource's identity). */
const MANDATORY: Record<string, readonly string[]> = {
  DiagnosticReport: ['status', 'code'],
  Observation: ['status', 'code'],
  ImagingStudy: ['status', 'subject'],
  Endpoint: ['status', 'connectionType', 'payloadType', 'address'],
  Encounter: ['status', 'class'],
  Condition: ['subject'],
  MedicationStatement: ['status', 'medicationCodeableConcept', 'subject'],
  Procedure: ['status', 'subject'],
};
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

/**
 * The resource reduced to `elements` (plus mandatory ones), tagged SUBSETTED. Contained resources
 * stay exactly when a kept element still points at them (`#id`): no dangling local reference, no
 * unreferenced contained resource.
 */
export function subset(resource: Resource, elements: readonly string[] | undefined): Resource {
  if (!elements) return resource;
  const keep = new Set(['resourceType', 'id', ...(MANDATORY[resource.resourceType] ?? []), ...elements]);
  keep.delete('contained');
  const out = Object.fromEntries(Object.entries(resource).filter(([k]) => keep.has(k))) as Resource & {
    contained?: Resource[];
  };
  const json = JSON.stringify(out);
  const contained = ((resource as { contained?: Resource[] }).contained ?? []).filter((r) =>
    json.includes(JSON.stringify(`#${r.id}`)),
  );
  if (contained.length > 0) out.contained = contained;
  const meta = resource.meta ?? {};
  return { ...out, meta: { ...meta, tag: [...(meta.tag ?? []), SUBSETTED] } } as Resource;
}

/** A FHIR `searchset` Bundle: matches then includes, a `self` link of the parameters used, a `next` link when there is more. */
export function searchset(
  self: URL,
  matches: readonly Resource[],
  includes: readonly Resource[],
  nextCursor: string | null,
): Bundle {
  const base = self.href.slice(0, self.href.lastIndexOf('/'));
  const entry = (search: 'match' | 'include') => (resource: Resource) => ({
    fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
    resource,
    search: { mode: search },
  });
  const links = [{ relation: 'self', url: self.href }];
  if (nextCursor) {
    const next = new URL(self.href);
    next.searchParams.delete('_cursor');
    next.searchParams.delete('_offset');
    next.searchParams.set('_cursor', nextCursor);
    links.push({ relation: 'next', url: next.href });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link: links,
    entry: [...matches.map(entry('match')), ...includes.map(entry('include'))],
  };
}

/** A `history` Bundle of a resource's versions, newest first. */
export function historyBundle(
  self: string,
  base: string,
  versions: readonly { resource: Resource; created: boolean }[],
): Bundle {
  const entry: BundleEntry[] = [...versions].reverse().map(({ resource, created }) => ({
    fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
    resource,
    request: created
      ? { method: 'POST', url: resource.resourceType }
      : { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
    response: {
      status: created ? '201 Created' : '200 OK',
      ...(resource.meta?.versionId ? { etag: `W/"${resource.meta.versionId}"` } : {}),
      ...(resource.meta?.lastUpdated ? { lastModified: resource.meta.lastUpdated } : {}),
    },
  }));
  return { resourceType: 'Bundle', type: 'history', link: [{ relation: 'self', url: self }], entry };
}
