import {
  type Bundle,
  createTransport,
  DEFAULT_IDENTIFIER_SYSTEMS,
  type DiagnosticReport,
  type ImagingStudy,
  type ServerCapabilities,
  searchResources,
  serverCapabilities,
  type Transport,
  type TransportOptions,
  tokenParam,
} from '@lienthong/core';
import type { ImagingReference } from '../model.js';
import { assertImagingReference } from '../reference.js';
import {
  assertImagingQuery,
  checkAborted,
  IMAGING_REGISTRY_CONTRACT,
  type ImagingRegistry,
  matchesImagingQuery,
} from '../registry/contract.js';
import { dicomUidToUrn, isDicomUid } from '../uid.js';
import {
  fromFhirImagingStudy,
  IMAGING_FHIR,
  type ImagingExtensionUrls,
  toFhirImagingStudy,
} from './convert.js';

/** Identifier system of the DiagnosticReport that carries a reference's report (value: the study UID). */
export const IMAGING_REPORT_IDENTIFIER_SYSTEM = 'urn:lienthong:sid:imaging-report';

/** Options of {@link createFhirImagingRegistry}. */
export type FhirImagingRegistryOptions = (TransportOptions | { transport: Transport }) & {
  /** UTC offset for `started` when a reference has none (default +07:00). */
  defaultUtcOffset?: string;
  /** Extension URLs written and read (default `DEFAULT_IMAGING_EXTENSION_URLS`). */
  extensions?: Partial<ImagingExtensionUrls>;
};

const FHIR_JSON = { accept: 'application/fhir+json', 'content-type': 'application/fhir+json' };

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
      return { [key]: tokenParam(patient.system, patient.value) };
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
  const fhir = 'transport' in options ? options.transport : createTransport(options);
  const readOptions = options.extensions ? { extensions: options.extensions } : {};
  const convertOptions = {
    ...readOptions,
    ...(options.defaultUtcOffset ? { defaultUtcOffset: options.defaultUtcOffset } : {}),
  };
  const sig = (signal?: AbortSignal) => (signal ? { signal } : {});
  const capabilities = serverCapabilities(fhir);

  async function findStudy(uid: string, signal?: AbortSignal): Promise<ImagingStudy | undefined> {
    for await (const study of searchResources<ImagingStudy>(
      fhir,
      'ImagingStudy',
      { identifier: `${DEFAULT_IDENTIFIER_SYSTEMS.dicomUid}|${dicomUidToUrn(uid)}` },
      sig(signal),
    )) {
      return study;
    }
    return undefined;
  }

  async function findReport(uid: string, signal?: AbortSignal): Promise<DiagnosticReport | undefined> {
    for await (const report of searchResources<DiagnosticReport>(
      fhir,
      'DiagnosticReport',
      { identifier: `${IMAGING_REPORT_IDENTIFIER_SYSTEM}|${uid}` },
      sig(signal),
    )) {
      return report;
    }
    return undefined;
  }

  /** The reports of these studies, by study UID: one DiagnosticReport search per 50 studies. */
  async function findReports(uids: readonly string[], signal?: AbortSignal) {
    const found = new Map<string, DiagnosticReport>();
    for (let i = 0; i < uids.length; i += REPORTS_PER_SEARCH) {
      const batch = uids.slice(i, i + REPORTS_PER_SEARCH);
      const identifier = batch.map((uid) => `${IMAGING_REPORT_IDENTIFIER_SYSTEM}|${uid}`).join(',');
      for await (const report of searchResources<DiagnosticReport>(
        fhir,
        'DiagnosticReport',
        { identifier, _count: batch.length },
        sig(signal),
      )) {
        const uid = report.identifier?.find((x) => x.system === IMAGING_REPORT_IDENTIFIER_SYSTEM)?.value;
        if (uid && batch.includes(uid) && !found.has(uid)) found.set(uid, report);
      }
    }
    return found;
  }

  /**
   * Pages through an ImagingStudy search, a page at a time: follows `next` links, and for servers
   * that give none (Medplum's MemoryRepository) asks for the next `_offset` while pages come back full.
   */
  async function* searchStudies(
    params: Record<string, string | string[] | number>,
    signal?: AbortSignal,
  ): AsyncGenerator<ImagingStudy[]> {
    const count = Number(params._count);
    let next: string | undefined;
    let offset = 0;
    for (let page = 0; page < 10_000; page++) {
      checkAborted(signal);
      const bundle = (await fhir.get(next ?? 'ImagingStudy', {
        ...(next ? {} : { searchParams: { ...params, ...(offset > 0 ? { _offset: offset } : {}) } }),
        headers: { accept: 'application/fhir+json' },
        ...sig(signal),
      })) as Bundle<ImagingStudy> | undefined;
      const studies = (bundle?.entry ?? [])
        .filter((e) => e.search?.mode === undefined || e.search.mode === 'match')
        .flatMap((e) => (e.resource?.resourceType === 'ImagingStudy' ? [e.resource] : []));
      yield studies;
      const link = bundle?.link?.find((l) => l.relation === 'next')?.url;
      if (link) {
        if (link === next) return;
        next = link;
      } else if (!next && studies.length === count) {
        offset += count;
      } else {
        return;
      }
    }
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
      checkAborted(o.signal);
      const ref = assertImagingReference(reference);
      const existing = await findStudy(ref.studyInstanceUid, o.signal);
      const { imagingStudy, diagnosticReport } = toFhirImagingStudy(ref, {
        ...convertOptions,
        ...(existing?.id ? { ids: { imagingStudy: existing.id } } : {}),
      });
      let status: 'created' | 'updated' | 'unchanged' = 'created';
      let studyId: string | undefined;
      if (existing?.id) {
        const before = await read(existing, o.signal);
        status = JSON.stringify(before) === JSON.stringify(ref) ? 'unchanged' : 'updated';
        studyId = existing.id;
        if (status === 'updated') {
          await fhir.put(`ImagingStudy/${existing.id}`, {
            json: { ...imagingStudy, id: existing.id },
            headers: FHIR_JSON,
            ...sig(o.signal),
          });
        }
      } else {
        const created = (await fhir.post('ImagingStudy', {
          json: imagingStudy,
          headers: FHIR_JSON,
          ...sig(o.signal),
        })) as ImagingStudy | undefined;
        studyId = created?.id;
      }
      if (status !== 'unchanged') {
        const oldReport = await findReport(ref.studyInstanceUid, o.signal);
        if (diagnosticReport) {
          const report: DiagnosticReport = {
            ...diagnosticReport,
            identifier: [{ system: IMAGING_REPORT_IDENTIFIER_SYSTEM, value: ref.studyInstanceUid }],
            ...(studyId ? { imagingStudy: [{ reference: `ImagingStudy/${studyId}` }] } : {}),
          };
          if (oldReport?.id) {
            await fhir.put(`DiagnosticReport/${oldReport.id}`, {
              json: { ...report, id: oldReport.id },
              headers: FHIR_JSON,
              ...sig(o.signal),
            });
          } else {
            await fhir.post('DiagnosticReport', { json: report, headers: FHIR_JSON, ...sig(o.signal) });
          }
        } else if (oldReport?.id) {
          await fhir.delete(`DiagnosticReport/${oldReport.id}`, { headers: FHIR_JSON, ...sig(o.signal) });
        }
      }
      return { studyInstanceUid: ref.studyInstanceUid, status };
    },
    async get(uid, o = {}) {
      checkAborted(o.signal);
      if (!isDicomUid(uid)) return undefined;
      const study = await findStudy(uid, o.signal);
      return study ? read(study, o.signal) : undefined;
    },
    async *query(query, o = {}) {
      const q = assertImagingQuery(query);
      const params: Record<string, string | string[] | number> = { _count: Math.max(1, o.pageSize ?? 50) };
      if (q.modality) params.modality = `${IMAGING_FHIR.dicomModality}|${q.modality}`;
      const started: string[] = [];
      if (q.dateFrom) started.push(`ge${q.dateFrom}`);
      if (q.dateTo) started.push(`le${q.dateTo}`);
      if (started.length > 0) params.started = started;
      if (q.patientIdentifier)
        Object.assign(params, imagingPatientParams(await capabilities(), q.patientIdentifier));
      for await (const studies of searchStudies(params, o.signal)) {
        checkAborted(o.signal);
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
          checkAborted(o.signal);
          const diagnosticReport = reports.get(ref.studyInstanceUid);
          yield diagnosticReport
            ? fromFhirImagingStudy({ imagingStudy, diagnosticReport }, readOptions)
            : ref;
        }
      }
    },
  };
}
