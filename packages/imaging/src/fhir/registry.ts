import {
  DEFAULT_IDENTIFIER_SYSTEMS,
  type DiagnosticReport,
  formatTokenParam,
  type ImagingStudy,
  identifierSystemAliases,
  type ServerCapabilities,
  stableJson,
  type Transport,
  type TransportOptions,
} from '@lienthong/core';
import { throwIfAborted, writeReceipt } from '@lienthong/core/contract';
import { bundleMatches, createFhirClient } from '@lienthong/core/fhir';
import type { ImagingReference } from '../model.js';
import { matchesImagingQuery } from '../provider-kit/match.js';
import { parseImagingReference } from '../reference.js';
import { IMAGING_REGISTRY_CONTRACT, type ImagingRegistry, parseImagingQuery } from '../registry/contract.js';
import { dicomUidToUrn, isDicomUid } from '../uid.js';
import {
  fromFhirImagingStudy,
  IMAGING_FHIR,
  type ImagingExtensionUrls,
  toFhirImagingStudy,
} from './convert.js';

/** Identifier system of the DiagnosticReport that carries a reference's report (value: the study UID). */
export const IMAGING_REPORT_IDENTIFIER_SYSTEM = 'urn:lienthong:sid:imaging-report';

/**
 * Extension on the ImagingStudy carrying the reference's version (`valueInteger`): 1 when first
 * published, one more on each change (a study written without it counts as version 1).
 */
export const IMAGING_REFERENCE_VERSION_EXTENSION = 'urn:lienthong:fhir:ext:imaging-reference-version';

const versionOf = (study: ImagingStudy) =>
  study.extension?.find((e) => e.url === IMAGING_REFERENCE_VERSION_EXTENSION)?.valueInteger ?? 1;

/** Options of {@link createFhirImagingRegistry}. */
export type FhirImagingRegistryOptions = (TransportOptions | { transport: Transport }) & {
  /** UTC offset for `started` when a reference has none (default +07:00). */
  defaultUtcOffset?: string;
  /** Extension URLs written and read (default `DEFAULT_IMAGING_EXTENSION_URLS`). */
  extensions?: Partial<ImagingExtensionUrls>;
};

/** Study UIDs per DiagnosticReport search (keeps the URL well under common 8 KB limits). */
const REPORTS_PER_SEARCH = 50;

/**
 * The ImagingStudy search parameter that narrows to a patient on the server, when the server's
 * CapabilityStatement declares one: `patient:identifier` (or `subject:identifier`), which matches
 * subjects carrying the identifier — as this provider writes them. A chain (`patient.identifier`)
 * would reach only studies pointing at a Patient resource, so it is not used; with none declared,
 * studies are filtered on the client.
 */
export function imagingPatientParams(
  capabilities: ServerCapabilities,
  patient: { system?: string | undefined; value: string },
): Record<string, string> {
  for (const key of ['patient:identifier', 'subject:identifier'])
    if (capabilities.searches('ImagingStudy', key))
      return {
        // The current URI and its older aliases, ORed: studies stored under either are found.
        [key]:
          patient.system === undefined
            ? formatTokenParam(undefined, patient.value)
            : identifierSystemAliases(patient.system)
                .map((system) => formatTokenParam(system, patient.value))
                .join(','),
      };
  return {};
}

/**
 * An `ImagingRegistry` on any FHIR R4 server: each reference is one `ImagingStudy` (Endpoints
 * contained) plus a `DiagnosticReport` for its report. `publish` finds the study by its
 * `urn:dicom:uid` identifier and updates it in place, so publishing twice never duplicates.
 * `query` sends modality and date to the server (`modality`, `started`), and the patient when the
 * server's CapabilityStatement declares `patient:identifier` (see {@link imagingPatientParams});
 * patient and facility are checked again on the converted references. The reports of a page of
 * studies come in one DiagnosticReport search (`identifier=` with comma-separated values), so a
 * query costs a few requests per page, not one per study.
 */
export function createFhirImagingRegistry(options: FhirImagingRegistryOptions): ImagingRegistry {
  const fhir = createFhirClient(options);
  const readOptions = options.extensions ? { extensions: options.extensions } : {};
  const convertOptions = {
    ...readOptions,
    ...(options.defaultUtcOffset ? { defaultUtcOffset: options.defaultUtcOffset } : {}),
  };

  /** The first match of an identifier search (a study UID names one study, and one report). */
  const first = async <K extends 'ImagingStudy' | 'DiagnosticReport'>(
    type: K,
    identifier: string,
    signal?: AbortSignal,
  ) => bundleMatches(await fhir.search(type, { identifier }, { signal }), type)[0];
  const findStudy = (uid: string, signal?: AbortSignal) =>
    first('ImagingStudy', `${DEFAULT_IDENTIFIER_SYSTEMS.dicomUid}|${dicomUidToUrn(uid)}`, signal);
  const findReport = (uid: string, signal?: AbortSignal) =>
    first('DiagnosticReport', `${IMAGING_REPORT_IDENTIFIER_SYSTEM}|${uid}`, signal);

  /** The reports of these studies, by study UID: one DiagnosticReport search per 50 studies. */
  async function findReports(uids: readonly string[], signal?: AbortSignal) {
    const found = new Map<string, DiagnosticReport>();
    for (let i = 0; i < uids.length; i += REPORTS_PER_SEARCH) {
      const batch = uids.slice(i, i + REPORTS_PER_SEARCH);
      const identifier = batch.map((uid) => `${IMAGING_REPORT_IDENTIFIER_SYSTEM}|${uid}`).join(',');
      for await (const page of fhir.searchAll(
        'DiagnosticReport',
        { identifier, _count: batch.length },
        { signal },
      ))
        for (const report of bundleMatches(page, 'DiagnosticReport')) {
          const uid = report.identifier?.find((x) => x.system === IMAGING_REPORT_IDENTIFIER_SYSTEM)?.value;
          if (uid && batch.includes(uid) && !found.has(uid)) found.set(uid, report);
        }
    }
    return found;
  }

  async function read(study: ImagingStudy, signal?: AbortSignal): Promise<ImagingReference> {
    const uid =
      study.identifier?.find((i) => i.system === DEFAULT_IDENTIFIER_SYSTEMS.dicomUid)?.value?.slice(8) ?? '';
    const report = isDicomUid(uid) ? await findReport(uid, signal) : undefined;
    return fromFhirImagingStudy(
      { imagingStudy: study, ...(report ? { diagnosticReport: report } : {}) },
      readOptions,
    );
  }

  return {
    contract: IMAGING_REGISTRY_CONTRACT,
    capabilities: { write: true },
    async publish(reference, o = {}) {
      throwIfAborted(o.signal);
      const ref = parseImagingReference(reference);
      const uid = ref.studyInstanceUid;
      const found = await findStudy(uid, o.signal);
      const existing = found?.id ? { study: found, id: found.id } : undefined;
      const before = existing && (await read(existing.study, o.signal));
      const receipt = writeReceipt(
        uid,
        existing && versionOf(existing.study),
        stableJson(before) !== stableJson(ref),
      );
      if (receipt.outcome === 'unchanged') return receipt;
      const { imagingStudy, diagnosticReport } = toFhirImagingStudy(ref, {
        ...convertOptions,
        ...(existing ? { ids: { imagingStudy: existing.id } } : {}),
      });
      const study: ImagingStudy = {
        ...imagingStudy,
        extension: [
          ...(imagingStudy.extension ?? []),
          { url: IMAGING_REFERENCE_VERSION_EXTENSION, valueInteger: receipt.version },
        ],
      };
      const studyId = existing
        ? (await fhir.update({ ...study, id: existing.id }, { signal: o.signal })).id
        : (await fhir.create(study, { signal: o.signal })).id;
      const oldReport = await findReport(uid, o.signal);
      if (diagnosticReport) {
        const report: DiagnosticReport = {
          ...diagnosticReport,
          identifier: [{ system: IMAGING_REPORT_IDENTIFIER_SYSTEM, value: uid }],
          ...(studyId ? { imagingStudy: [{ reference: `ImagingStudy/${studyId}` }] } : {}),
        };
        if (oldReport?.id) {
          await fhir.update({ ...report, id: oldReport.id }, { signal: o.signal });
        } else {
          await fhir.create(report, { signal: o.signal });
        }
      } else if (oldReport?.id) {
        await fhir.delete('DiagnosticReport', oldReport.id, { signal: o.signal });
      }
      return receipt;
    },
    async get(uid, o = {}) {
      throwIfAborted(o.signal);
      if (!isDicomUid(uid)) return undefined;
      const study = await findStudy(uid, o.signal);
      return study ? read(study, o.signal) : undefined;
    },
    async *query(query, o = {}) {
      throwIfAborted(o.signal);
      const q = parseImagingQuery(query);
      const params: Record<string, string | string[] | number> = { _count: Math.max(1, o.pageSize ?? 50) };
      if (q.modality) params.modality = `${IMAGING_FHIR.dicomModality}|${q.modality}`;
      const started: string[] = [];
      if (q.since) started.push(`ge${q.since}`);
      if (q.until) started.push(`le${q.until}`);
      if (started.length > 0) params.started = started;
      if (q.patientIdentifier)
        Object.assign(params, imagingPatientParams(await fhir.capabilities(), q.patientIdentifier));
      throwIfAborted(o.signal);
      for await (const page of fhir.searchAll('ImagingStudy', params, { signal: o.signal })) {
        throwIfAborted(o.signal);
        const studies = bundleMatches(page, 'ImagingStudy');
        // The query filters nothing a report holds: match first, then fetch only the matches' reports.
        const matching = studies.flatMap((imagingStudy) => {
          const ref = fromFhirImagingStudy({ imagingStudy }, readOptions);
          return matchesImagingQuery(ref, q) ? [{ imagingStudy, ref }] : [];
        });
        if (matching.length === 0) continue;
        const reports = await findReports(
          matching.map((m) => m.ref.studyInstanceUid),
          o.signal,
        );
        for (const { imagingStudy, ref } of matching) {
          throwIfAborted(o.signal);
          const diagnosticReport = reports.get(ref.studyInstanceUid);
          yield diagnosticReport
            ? fromFhirImagingStudy({ imagingStudy, diagnosticReport }, readOptions)
            : ref;
        }
      }
    },
  };
}
