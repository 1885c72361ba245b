import type { Bundle, BundleEntry, DiagnosticReport, Resource } from '@lienthong/core';

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

/** Converts a stored version with the SDK's own codec (patient as a logical reference). */
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
  let json = JSON.stringify(converted.entries.map((e) => e.resource));
  for (const [urn, ref] of refs) json = json.split(JSON.stringify(urn)).join(JSON.stringify(ref));
  const resources = (JSON.parse(json) as Resource[]).map((r, i) => {
    const id = refs.get(converted.entries[i]!.fullUrl!)!.split('/')[1]!;
    const meta: Meta = { lastUpdated: storedAt };
    return { ...r, id, meta } as Resource;
  });
  const dr = resources.find((r) => r.resourceType === 'DiagnosticReport') as DiagnosticReport;
  const version = report.version ?? 1;
  const withVersion: DiagnosticReport = {
    ...dr,
    meta: { versionId: String(version), lastUpdated: storedAt },
    // The version number as the SDK's fhir provider reads it from any FHIR server.
    extension: [...(dr.extension ?? []), { url: FHIR_REPORT_VERSION_EXTENSION, valueInteger: version }],
  };
  const specimen = resources.find((r) => r.resourceType === 'Specimen');
  return {
    report: withVersion,
    ...(specimen ? { specimen } : {}),
    observations: resources.filter((r) => r.resourceType === 'Observation'),
  };
}

/** The ImagingStudy of a reference (DICOMweb Endpoints contained); its id is the study UID. */
export function imagingStudyResource(ref: ImagingReference): Resource {
  const id = fhirId(ref.studyInstanceUid);
  return { ...toFhirImagingStudy(ref, { ids: { imagingStudy: id } }).imagingStudy, id } as Resource;
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
};
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

/** The resource reduced to `elements` (plus mandatory ones), tagged SUBSETTED. */
export function subset(resource: Resource, elements: readonly string[] | undefined): Resource {
  if (!elements) return resource;
  const keep = new Set(['resourceType', 'id', ...(MANDATORY[resource.resourceType] ?? []), ...elements]);
  const out = Object.fromEntries(Object.entries(resource).filter(([k]) => keep.has(k))) as Resource;
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
