import {
  DEFAULT_IDENTIFIER_SYSTEMS,
  type DiagnosticReport,
  type Endpoint,
  type Identifier,
  type ImagingStudy,
  isLienThongError,
  type Patient,
  type Reference,
  ValidationError,
  VIETNAM_UTC_OFFSET,
} from '@lienthong/core';
import type {
  BodyPart,
  DicomwebEndpoints,
  Facility,
  ImagingReference,
  ImagingReport,
  ReportSigner,
} from '../model.js';
import { safeParseImagingReference } from '../reference.js';
import { dicomUidFromUrn, dicomUidToUrn } from '../uid.js';

/** A reference we build: assignable to every `Reference<T>` of the FHIR types. */
type OutRef = Reference<never>;

type ImagingStudySeries = NonNullable<ImagingStudy['series']>[number];

/** Code systems used by the FHIR mapping (standard URIs; extension URLs are {@link DEFAULT_IMAGING_EXTENSION_URLS}). */
export const IMAGING_FHIR = {
  dicomModality: 'http://dicom.nema.org/resources/ontology/DCM',
  endpointConnectionType: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  loinc: 'http://loinc.org',
} as const;

/**
 * Extension URLs on ImagingStudy for facts FHIR R4 has no element for — this SDK's own
 * (`urn:lienthong:fhir:ext:*`, like the lab extensions of `@lienthong/result-exchange/fhir`) until
 * a national implementation guide defines them; configurable.
 */
export interface ImagingExtensionUrls {
  /** The performing facility (`valueReference`: Reference(Organization) by identifier). */
  performingFacility: string;
  /** Completeness of the referenced study (`valueCode`: `complete` | `partial` | `unknown`). */
  completeness: string;
}

export const DEFAULT_IMAGING_EXTENSION_URLS: Readonly<ImagingExtensionUrls> = Object.freeze({
  performingFacility: 'urn:lienthong:fhir:ext:imaging-performing-facility',
  completeness: 'urn:lienthong:fhir:ext:imaging-completeness',
});

/** The extension URLs with the defaults filled in (the all-defaults case allocates nothing). */
function extensionUrls(extensions: Partial<ImagingExtensionUrls> | undefined): ImagingExtensionUrls {
  return extensions ? { ...DEFAULT_IMAGING_EXTENSION_URLS, ...extensions } : DEFAULT_IMAGING_EXTENSION_URLS;
}

/** The FHIR resources that carry one imaging reference. */
export interface FhirImagingResources {
  imagingStudy: ImagingStudy;
  /** One Endpoint per DICOMweb base (WADO-RS, QIDO-RS). */
  endpoints: Endpoint[];
  /** The signed report, when the reference has one. */
  diagnosticReport?: DiagnosticReport;
}

/** Options of {@link toFhirImagingStudy}. */
export interface ToFhirImagingOptions {
  /** Logical ids of the resources (default: none, as for a create). */
  ids?: { imagingStudy?: string; wadoRs?: string; qidoRs?: string; diagnosticReport?: string };
  /**
   * Put the Endpoints (and a Patient holding several identifiers) inside `ImagingStudy.contained`
   * (default true): one self-contained resource. With false, Endpoints are returned beside it and
   * referenced as `Endpoint/<id>` (ids required).
   */
  contained?: boolean;
  /** UTC offset used for `started` when the study date/time has none (default +07:00, Vietnam). */
  defaultUtcOffset?: string;
  /** Extension URLs (default {@link DEFAULT_IMAGING_EXTENSION_URLS}). */
  extensions?: Partial<ImagingExtensionUrls>;
}

const ENDPOINT_KINDS = [
  { key: 'wadoRs', code: 'dicom-wado-rs', text: 'DICOM WADO-RS' },
  { key: 'qidoRs', code: 'dicom-qido-rs', text: 'DICOM QIDO-RS' },
] as const;

function facilityReference(facility: Facility): OutRef {
  return {
    identifier: { system: facility.system ?? DEFAULT_IDENTIFIER_SYSTEMS.facility, value: facility.code },
    ...(facility.name ? { display: facility.name } : {}),
  };
}

function bodySite(part: BodyPart) {
  return {
    ...(part.system ? { system: part.system } : {}),
    ...(part.code ? { code: part.code } : {}),
    ...(part.display ? { display: part.display } : {}),
  };
}

function started(ref: ImagingReference, defaultOffset: string): string | undefined {
  if (!ref.studyDate) return undefined;
  if (!ref.studyTime) return ref.studyDate;
  const time = ref.studyTime.length === 5 ? `${ref.studyTime}:00` : ref.studyTime;
  return `${ref.studyDate}T${time}${ref.utcOffset ?? defaultOffset}`;
}

function signerReference(signer: ReportSigner): OutRef {
  return {
    ...(signer.identifier ? { identifier: signer.identifier } : {}),
    ...(signer.name ? { display: signer.name } : {}),
  };
}

/**
 * Converts a reference to FHIR R4: an `ImagingStudy` (study UID as an `urn:dicom:uid` identifier
 * with an `urn:oid:` value, accession number typed `ACSN`, series with modality codings),
 * `Endpoint`s with connection types `dicom-wado-rs` / `dicom-qido-rs`, and a `DiagnosticReport`
 * (LOINC 18748-4) for the signed report. The performing facility and the completeness travel as
 * extensions ({@link DEFAULT_IMAGING_EXTENSION_URLS}, or `options.extensions`).
 */
export function toFhirImagingStudy(
  ref: ImagingReference,
  options: ToFhirImagingOptions = {},
): FhirImagingResources {
  const contained = options.contained ?? true;
  const offset = options.defaultUtcOffset ?? VIETNAM_UTC_OFFSET;
  const ext = extensionUrls(options.extensions);
  const endpoints: Endpoint[] = [];
  const endpointRefs: OutRef[] = [];
  for (const kind of ENDPOINT_KINDS) {
    const address = ref.endpoints[kind.key];
    if (!address) continue;
    const id = options.ids?.[kind.key] ?? (contained ? kind.code : undefined);
    if (!contained && !id) {
      throw new ValidationError({
        code: 'IMAGING_FHIR_ENDPOINT_ID_MISSING',
        message: `An id for the ${kind.text} Endpoint is needed when Endpoints are not contained.`,
        messageVi: `Cần id cho Endpoint ${kind.text} khi Endpoint không nằm trong ImagingStudy.contained.`,
        path: `endpoints.${kind.key}`,
      });
    }
    endpoints.push({
      resourceType: 'Endpoint',
      ...(id ? { id } : {}),
      status: 'active',
      connectionType: { system: IMAGING_FHIR.endpointConnectionType, code: kind.code },
      ...(ref.performingFacility ? { managingOrganization: facilityReference(ref.performingFacility) } : {}),
      payloadType: [{ text: kind.text }],
      payloadMimeType: ['application/dicom'],
      address,
    });
    endpointRefs.push({ reference: contained ? `#${id}` : `Endpoint/${id}` });
  }

  const ids = ref.patient.identifiers;
  let subject: OutRef;
  let containedPatient: Patient | undefined;
  if (ids.length > 1 && !ref.patient.reference) {
    containedPatient = { resourceType: 'Patient', id: 'patient', identifier: ids.map((i) => ({ ...i })) };
    subject = { reference: '#patient' };
  } else {
    subject = {
      ...(ref.patient.reference ? { reference: ref.patient.reference } : {}),
      ...(ids[0] ? { identifier: { ...ids[0] } } : {}),
    };
    if (!subject.reference && !subject.identifier) subject.display = 'Unknown patient';
  }

  const identifier: Identifier[] = [
    { system: DEFAULT_IDENTIFIER_SYSTEMS.dicomUid, value: dicomUidToUrn(ref.studyInstanceUid) },
  ];
  if (ref.accessionNumber) {
    identifier.push({
      type: { coding: [{ system: IMAGING_FHIR.identifierType, code: 'ACSN' }] },
      value: ref.accessionNumber,
      ...(ref.performingFacility ? { assigner: facilityReference(ref.performingFacility) } : {}),
    });
  }

  const extension = [
    ...(ref.performingFacility
      ? [
          {
            url: ext.performingFacility,
            valueReference: facilityReference(ref.performingFacility),
          },
        ]
      : []),
    { url: ext.completeness, valueCode: ref.completeness },
  ];
  const start = started(ref, offset);

  const series: ImagingStudySeries[] = ref.series.map((s) => ({
    uid: s.uid,
    ...(s.number === undefined ? {} : { number: s.number }),
    modality: { system: IMAGING_FHIR.dicomModality, code: s.modality },
    ...(s.description ? { description: s.description } : {}),
    numberOfInstances: s.instanceCount,
    ...(s.bodyPart ? { bodySite: bodySite(s.bodyPart) } : {}),
  }));

  const imagingStudy: ImagingStudy = {
    resourceType: 'ImagingStudy',
    ...(options.ids?.imagingStudy ? { id: options.ids.imagingStudy } : {}),
    ...((contained && endpoints.length > 0) || containedPatient
      ? { contained: [...(containedPatient ? [containedPatient] : []), ...(contained ? endpoints : [])] }
      : {}),
    extension,
    identifier,
    status: ref.completeness === 'complete' || ref.instanceCount > 0 ? 'available' : 'registered',
    ...(ref.modalities.length > 0
      ? { modality: ref.modalities.map((m) => ({ system: IMAGING_FHIR.dicomModality, code: m })) }
      : {}),
    subject,
    ...(start ? { started: start } : {}),
    ...(endpointRefs.length > 0 ? { endpoint: endpointRefs } : {}),
    numberOfSeries: ref.series.length,
    numberOfInstances: ref.instanceCount,
    ...(ref.description ? { description: ref.description } : {}),
    ...(series.length > 0 ? { series } : {}),
  };

  const result: FhirImagingResources = { imagingStudy, endpoints: contained ? [] : endpoints };
  if (ref.report) result.diagnosticReport = toFhirReport(ref, ref.report, subject, options);
  return result;
}

function toFhirReport(
  ref: ImagingReference,
  report: ImagingReport,
  subject: OutRef,
  options: ToFhirImagingOptions,
): DiagnosticReport {
  const performers = report.signers.filter((s) => s.role === 'performer').map(signerReference);
  const readers = report.signers.filter((s) => s.role === 'reader').map(signerReference);
  const studyRef: OutRef = options.ids?.imagingStudy
    ? { reference: `ImagingStudy/${options.ids.imagingStudy}` }
    : {
        identifier: {
          system: DEFAULT_IDENTIFIER_SYSTEMS.dicomUid,
          value: dicomUidToUrn(ref.studyInstanceUid),
        },
      };
  return {
    resourceType: 'DiagnosticReport',
    ...(options.ids?.diagnosticReport ? { id: options.ids.diagnosticReport } : {}),
    status: report.signedAt ? 'final' : 'preliminary',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD', display: 'Radiology' },
        ],
      },
    ],
    code: { coding: [{ system: IMAGING_FHIR.loinc, code: '18748-4', display: 'Diagnostic imaging study' }] },
    subject: subject.reference === '#patient' ? { identifier: { ...ref.patient.identifiers[0]! } } : subject,
    ...(report.signedAt ? { issued: report.signedAt } : {}),
    ...(performers.length > 0 ? { performer: performers } : {}),
    ...(readers.length > 0 ? { resultsInterpreter: readers } : {}),
    imagingStudy: [studyRef],
    ...(report.conclusion ? { conclusion: report.conclusion } : {}),
    ...(report.text
      ? { presentedForm: [{ contentType: 'text/plain; charset=utf-8', data: base64(report.text) }] }
      : {}),
  };
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(data: string): string {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

function referenceId(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  if (reference.startsWith('#')) return reference.slice(1);
  return reference.split('/').slice(-1)[0];
}

/** Options of {@link fromFhirImagingStudy}. */
export interface FromFhirImagingInput {
  imagingStudy: ImagingStudy;
  /** Endpoints the study points to (or that the caller pairs with it); contained ones are read too. */
  endpoints?: readonly Endpoint[];
  diagnosticReport?: DiagnosticReport;
}

/** Options of {@link fromFhirImagingStudy}. */
export interface FromFhirImagingOptions {
  /** Extension URLs (default {@link DEFAULT_IMAGING_EXTENSION_URLS}). */
  extensions?: Partial<ImagingExtensionUrls>;
}

function invalid(message: string, messageVi: string, path: string): ValidationError {
  return new ValidationError({ code: 'IMAGING_FHIR_INVALID', message, messageVi, path });
}

function facilityFrom(reference: Reference | undefined): Facility | undefined {
  const id = reference?.identifier;
  if (!id?.value) return undefined;
  return {
    code: id.value,
    ...(id.system ? { system: id.system } : {}),
    ...(reference?.display ? { name: reference.display } : {}),
  };
}

function signersFrom(
  references: readonly Reference[] | undefined,
  role: ReportSigner['role'],
): ReportSigner[] {
  return (references ?? []).map((r) => ({
    role,
    ...(r.display ? { name: r.display } : {}),
    ...(r.identifier?.system && r.identifier.value
      ? { identifier: { system: r.identifier.system, value: r.identifier.value } }
      : {}),
  }));
}

/**
 * Reads an imaging reference back from FHIR R4 `ImagingStudy` (+ `Endpoint`s, + `DiagnosticReport`).
 * Throws a `ValidationError` (`IMAGING_FHIR_INVALID`, or `IMAGING_REFERENCE_INVALID` with paths)
 * when the resources do not carry a valid reference.
 */
export function fromFhirImagingStudy(
  input: FromFhirImagingInput,
  options: FromFhirImagingOptions = {},
): ImagingReference {
  try {
    return readFhirImagingStudy(input, extensionUrls(options.extensions));
  } catch (error) {
    if (isLienThongError(error)) throw error;
    throw new ValidationError({
      code: 'IMAGING_FHIR_INVALID',
      message: 'The FHIR resources do not have the shape of an ImagingStudy (+ Endpoint, DiagnosticReport).',
      messageVi: 'Các tài nguyên FHIR không có cấu trúc của ImagingStudy (+ Endpoint, DiagnosticReport).',
      cause: error,
    });
  }
}

function readFhirImagingStudy(input: FromFhirImagingInput, ext: ImagingExtensionUrls): ImagingReference {
  const study = input.imagingStudy as ImagingStudy | undefined;
  if (study?.resourceType !== 'ImagingStudy') {
    throw invalid('Expected an ImagingStudy resource.', 'Cần một tài nguyên ImagingStudy.', 'resourceType');
  }
  const uidIdentifier = study.identifier?.find((i) => i.system === DEFAULT_IDENTIFIER_SYSTEMS.dicomUid);
  const studyUid = uidIdentifier?.value ? dicomUidFromUrn(uidIdentifier.value) : undefined;
  if (!studyUid) {
    throw invalid(
      'The ImagingStudy has no valid Study Instance UID identifier (system urn:dicom:uid, value urn:oid:…).',
      'ImagingStudy không có định danh Study Instance UID hợp lệ (system urn:dicom:uid, value urn:oid:…).',
      'ImagingStudy.identifier',
    );
  }
  const accession = study.identifier?.find((i) =>
    i.type?.coding?.some((c) => c.system === IMAGING_FHIR.identifierType && c.code === 'ACSN'),
  );

  const containedPatient = study.contained?.find(
    (r): r is Patient => r.resourceType === 'Patient' && `#${r.id}` === study.subject?.reference,
  );
  const patientIdentifiers = (
    containedPatient?.identifier ?? (study.subject?.identifier ? [study.subject.identifier] : [])
  )
    .filter((i) => i.system && i.value)
    .map((i) => ({ system: i.system!, value: i.value! }));
  const patientReference =
    study.subject?.reference && !study.subject.reference.startsWith('#')
      ? study.subject.reference
      : undefined;

  const allEndpoints = [
    ...(study.contained?.filter((r): r is Endpoint => r.resourceType === 'Endpoint') ?? []),
    ...(input.endpoints ?? []),
  ];
  const referenced = new Set((study.endpoint ?? []).map((e) => referenceId(e.reference)));
  const endpoints: DicomwebEndpoints = {};
  for (const endpoint of allEndpoints) {
    const isContained = study.contained?.includes(endpoint) ?? false;
    if (isContained && !referenced.has(endpoint.id)) continue;
    const code = endpoint.connectionType?.code;
    if (endpoint.status !== 'active' && endpoint.status !== undefined) continue;
    if (code === 'dicom-wado-rs') endpoints.wadoRs ??= endpoint.address;
    if (code === 'dicom-qido-rs') endpoints.qidoRs ??= endpoint.address;
  }

  const extension = study.extension ?? [];
  const facility =
    facilityFrom(extension.find((e) => e.url === ext.performingFacility)?.valueReference) ??
    facilityFrom(accession?.assigner) ??
    facilityFrom(allEndpoints.find((e) => e.managingOrganization)?.managingOrganization);
  const completeness = extension.find((e) => e.url === ext.completeness)?.valueCode;

  const startedMatch = study.started?.match(
    /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)\d*(Z|[+-]\d{2}:\d{2})?)?/,
  );
  const series = (study.series ?? []).map((s) => ({
    uid: s.uid,
    modality: s.modality?.code ?? 'OT',
    ...(s.number === undefined ? {} : { number: s.number }),
    ...(s.description ? { description: s.description } : {}),
    instanceCount: s.numberOfInstances ?? s.instance?.length ?? 0,
    ...(s.bodySite
      ? {
          bodyPart: {
            ...(s.bodySite.code ? { code: s.bodySite.code } : {}),
            ...(s.bodySite.system ? { system: s.bodySite.system } : {}),
            ...(s.bodySite.display ? { display: s.bodySite.display } : {}),
          },
        }
      : {}),
  }));
  const bodyParts = [
    ...new Map(
      series.flatMap((s) => (s.bodyPart ? [[JSON.stringify(s.bodyPart), s.bodyPart]] : [])),
    ).values(),
  ];
  const modalities = [
    ...new Set(
      [...(study.modality ?? []).map((m) => m.code ?? ''), ...series.map((s) => s.modality)].filter(Boolean),
    ),
  ];

  let report: ImagingReport | undefined;
  const dr = input.diagnosticReport;
  if (dr) {
    const text = dr.presentedForm?.find((a) => a.contentType?.startsWith('text/plain') && a.data)?.data;
    report = {
      ...(text ? { text: fromBase64(text) } : {}),
      ...(dr.conclusion ? { conclusion: dr.conclusion } : {}),
      signers: [...signersFrom(dr.performer, 'performer'), ...signersFrom(dr.resultsInterpreter, 'reader')],
      ...(dr.issued ? { signedAt: dr.issued } : {}),
    };
  }

  const candidate = {
    studyInstanceUid: studyUid,
    ...(accession?.value ? { accessionNumber: accession.value } : {}),
    patient: {
      identifiers: patientIdentifiers,
      ...(patientReference ? { reference: patientReference } : {}),
    },
    ...(facility ? { performingFacility: facility } : {}),
    ...(startedMatch?.[1] ? { studyDate: startedMatch[1] } : {}),
    ...(startedMatch?.[2] ? { studyTime: startedMatch[2] } : {}),
    ...(startedMatch?.[3] ? { utcOffset: startedMatch[3] === 'Z' ? '+00:00' : startedMatch[3] } : {}),
    modalities,
    ...(bodyParts.length === 1 ? { bodyPart: bodyParts[0] } : {}),
    ...(study.description ? { description: study.description } : {}),
    series,
    instanceCount: study.numberOfInstances ?? series.reduce((n, s) => n + s.instanceCount, 0),
    endpoints,
    ...(report ? { report } : {}),
    ...(completeness === 'complete' || completeness === 'partial' || completeness === 'unknown'
      ? { completeness }
      : {}),
  };
  const parsed = safeParseImagingReference(candidate);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}
