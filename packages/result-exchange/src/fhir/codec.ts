import { attempt, type Result, type ValidationError, type ValidationIssue } from '@lienthong/core';
import type {
  Bundle,
  BundleEntry,
  CodeableConcept,
  Coding,
  DiagnosticReport,
  Extension,
  Specimen as FhirSpecimen,
  Observation,
  ObservationReferenceRange,
  Patient,
  Quantity,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import { guard, invalid, issue } from '../errors.js';
import {
  type LabCoding,
  type LabObservation,
  type LabQuantity,
  type LabReport,
  labReportSchema,
  type ReportStatus,
} from '../model.js';
import { codings, dateTime, fromFhirObservation } from './observation.js';
import { type Cfg, cfg, type FhirCodecOptions } from './options.js';

export {
  decodeFhirObservation,
  fromFhirObservation,
  parseFhirObservation,
} from './observation.js';
export { DEFAULT_EXTENSION_URLS, type FhirCodecOptions, type LabExtensionUrls } from './options.js';

const V2_0074 = 'http://terminology.hl7.org/CodeSystem/v2-0074';
const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const toCoding = (c: LabCoding): Coding => ({
  system: c.system,
  code: c.code,
  ...(c.display ? { display: c.display } : {}),
  ...(c.version ? { version: c.version } : {}),
});

const concept = (codes: readonly LabCoding[], text: string | undefined): CodeableConcept => ({
  ...(codes.length ? { coding: codes.map(toCoding) } : {}),
  ...(text ? { text } : {}),
});

/** FHIR `instant` needs a time and offset; a date-only value is taken at 00:00 Vietnam time. */
const instant = (v: string) => (v.length === 10 ? `${v}T00:00:00+07:00` : v);

function quantity(q: LabQuantity, c: Cfg, comparator?: Quantity['comparator']): Quantity {
  return {
    value: q.value,
    ...(comparator ? { comparator } : {}),
    ...((q.originalUnit ?? q.unit) ? { unit: (q.originalUnit ?? q.unit)! } : {}),
    ...(q.unit ? { system: c.systems.ucum, code: q.unit } : {}),
  };
}

function observationToFhir(
  o: LabObservation,
  report: LabReport,
  subject: Reference<Patient>,
  specimen: Reference<FhirSpecimen> | undefined,
  c: Cfg,
): Observation {
  const v = o.value;
  const value: Partial<Observation> = !v
    ? {}
    : v.kind === 'quantity'
      ? { valueQuantity: quantity(v, c, v.comparator) }
      : v.kind === 'coded'
        ? { valueCodeableConcept: concept(v.codings, v.text) }
        : v.kind === 'text'
          ? { valueString: v.text }
          : v.kind === 'ratio'
            ? { valueRatio: { numerator: quantity(v.numerator, c), denominator: quantity(v.denominator, c) } }
            : {
                valueRange: {
                  ...(v.low ? { low: quantity(v.low, c) } : {}),
                  ...(v.high ? { high: quantity(v.high, c) } : {}),
                },
              };
  const unitOf = v?.kind === 'quantity' ? v : undefined;
  return {
    resourceType: 'Observation',
    status: o.status,
    category: [{ coding: [{ system: OBS_CATEGORY, code: 'laboratory' }] }],
    code: concept(o.codes, o.name ?? (o.codes.length ? undefined : 'Laboratory result')),
    subject,
    ...(o.performedAt ? { effectiveDateTime: o.performedAt } : {}),
    ...(report.issuedAt ? { issued: instant(report.issuedAt) } : {}),
    ...value,
    ...(o.interpretation?.length
      ? { interpretation: o.interpretation.map((code) => ({ coding: [{ system: INTERPRETATION, code }] })) }
      : {}),
    ...(o.note ? { note: [{ text: o.note }] } : {}),
    ...(o.method ? { method: { text: o.method } } : {}),
    ...(specimen ? { specimen } : {}),
    ...(o.referenceRange?.length
      ? {
          referenceRange: o.referenceRange.map((r): ObservationReferenceRange => {
            const unit = r.unit ?? unitOf?.unit;
            const q = (value: number): Quantity => ({
              value,
              ...(unit ? { unit: unitOf?.originalUnit ?? unit, system: c.systems.ucum, code: unit } : {}),
            });
            return {
              ...(r.low !== undefined ? { low: q(r.low) } : {}),
              ...(r.high !== undefined ? { high: q(r.high) } : {}),
              ...(r.text ? { text: r.text } : {}),
            };
          }),
        }
      : {}),
  };
}

let counter = 0;
/** A fresh `urn:uuid:` (crypto.randomUUID where available). */
function uuid(): string {
  const g = globalThis as { crypto?: { randomUUID?: () => string } };
  if (g.crypto?.randomUUID) return `urn:uuid:${g.crypto.randomUUID()}`;
  counter++;
  const hex = (
    Date.now().toString(16) +
    counter.toString(16).padStart(8, '0') +
    Math.random().toString(16).slice(2)
  ).padEnd(32, '0');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Options of {@link toFhirBundle}. */
export interface ToFhirBundleOptions extends FhirCodecOptions {
  /** `transaction` (default: conditional creates, ready to POST) or `collection`. */
  type?: 'transaction' | 'collection';
  /** Include a Patient resource carrying the identifiers (default true; conditional create in a transaction). */
  includePatient?: boolean;
}

/** The resources of one report: DiagnosticReport, its Observations, its Specimen and Patient. */
export interface FhirReportResources {
  diagnosticReport: DiagnosticReport;
  observations: Observation[];
  specimen?: FhirSpecimen;
  patient?: Patient;
  /** fullUrl of each resource, same order: patient?, specimen?, observations…, report. */
  entries: BundleEntry[];
}

/** Converts one report into FHIR resources linked by `urn:uuid:` fullUrls. */
export function toFhirResources(report: LabReport, options: ToFhirBundleOptions = {}): FhirReportResources {
  const c = cfg(options);
  const tx = (options.type ?? 'transaction') === 'transaction';
  const entries: BundleEntry[] = [];
  const first = report.patient.identifiers[0];
  let subject: Reference<Patient>;
  let patient: Patient | undefined;
  if (options.includePatient !== false && first) {
    patient = {
      resourceType: 'Patient',
      identifier: report.patient.identifiers.map((i) => ({ system: i.system, value: i.value })),
    };
    const fullUrl = uuid();
    subject = { reference: fullUrl };
    entries.push({
      fullUrl,
      resource: patient,
      ...(tx
        ? {
            request: {
              method: 'POST',
              url: 'Patient',
              ifNoneExist: `identifier=${encodeURIComponent(first.system)}|${encodeURIComponent(first.value)}`,
            },
          }
        : {}),
    });
  } else {
    subject = first
      ? { type: 'Patient', identifier: { system: first.system, value: first.value } }
      : { display: 'unknown patient' };
  }
  let specimen: FhirSpecimen | undefined;
  let specimenRef: Reference<FhirSpecimen> | undefined;
  const s = report.specimen;
  if (s && (s.id || s.type || s.typeText || s.collectedAt || s.receivedAt)) {
    specimen = {
      resourceType: 'Specimen',
      ...(s.id
        ? { identifier: [{ system: `${report.idSystem ?? c.systems.reportId}:specimen`, value: s.id }] }
        : {}),
      ...(s.type || s.typeText ? { type: concept(s.type ? [s.type] : [], s.typeText) } : {}),
      subject,
      ...(s.receivedAt && s.receivedAt.length > 10 ? { receivedTime: s.receivedAt } : {}),
      ...(s.collectedAt ? { collection: { collectedDateTime: s.collectedAt } } : {}),
    };
    const fullUrl = uuid();
    specimenRef = { reference: fullUrl };
    entries.push({
      fullUrl,
      resource: specimen,
      ...(tx ? { request: { method: 'POST', url: 'Specimen' } } : {}),
    });
  }
  const observations = report.observations.map((o) => observationToFhir(o, report, subject, specimenRef, c));
  const results: Reference<Observation>[] = [];
  for (const o of observations) {
    const fullUrl = uuid();
    results.push({ reference: fullUrl });
    entries.push({
      fullUrl,
      resource: o,
      ...(tx ? { request: { method: 'POST', url: 'Observation' } } : {}),
    });
  }
  const idSystem = report.idSystem ?? c.systems.reportId;
  const extension: Extension[] = [];
  if (report.lab) {
    const lab: Extension[] = [];
    if (report.lab.code) lab.push({ url: 'code', valueString: report.lab.code });
    if (report.lab.name) lab.push({ url: 'name', valueString: report.lab.name });
    if (report.lab.qualityLevel !== undefined)
      lab.push({ url: c.ext.labQualityLevel, valueInteger: report.lab.qualityLevel });
    for (const a of report.lab.accreditation ?? []) lab.push({ url: c.ext.labAccreditation, valueString: a });
    if (lab.length) extension.push({ url: c.ext.lab, extension: lab });
  }
  if (report.orderingFacility && (report.orderingFacility.code || report.orderingFacility.name)) {
    extension.push({
      url: c.ext.orderingFacility,
      valueReference: {
        type: 'Organization',
        ...(report.orderingFacility.code
          ? { identifier: { system: c.systems.facility, value: report.orderingFacility.code } }
          : {}),
        ...(report.orderingFacility.name ? { display: report.orderingFacility.name } : {}),
      },
    });
  }
  if (report.note) extension.push({ url: c.ext.reportNote, valueString: report.note });
  if (report.supersedes)
    extension.push({
      url: c.ext.supersedes,
      valueIdentifier: { system: idSystem, value: report.supersedes },
    });
  const pf = report.performingFacility;
  const diagnosticReport: DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    ...(extension.length ? { extension } : {}),
    identifier: [{ system: idSystem, value: report.id }],
    ...(report.orderId
      ? {
          basedOn: [{ type: 'ServiceRequest', identifier: { system: c.orderSystem, value: report.orderId } }],
        }
      : {}),
    status: report.status,
    category: [{ coding: [{ system: V2_0074, code: 'LAB' }] }],
    code: concept(report.codes, report.name ?? (report.codes.length ? undefined : 'Laboratory report')),
    subject,
    ...(report.encounterId
      ? {
          encounter: {
            type: 'Encounter',
            identifier: { system: c.encounterSystem, value: report.encounterId },
          },
        }
      : {}),
    ...(report.effectiveAt ? { effectiveDateTime: report.effectiveAt } : {}),
    ...(report.issuedAt ? { issued: instant(report.issuedAt) } : {}),
    ...(pf && (pf.code || pf.name)
      ? {
          performer: [
            {
              type: 'Organization',
              ...(pf.code ? { identifier: { system: c.systems.facility, value: pf.code } } : {}),
              ...(pf.name ? { display: pf.name } : {}),
            },
          ],
        }
      : {}),
    ...(report.signer && (report.signer.id || report.signer.name)
      ? {
          resultsInterpreter: [
            {
              type: 'Practitioner',
              ...(report.signer.id ? { identifier: { value: report.signer.id } } : {}),
              ...(report.signer.name ? { display: report.signer.name } : {}),
            },
          ],
        }
      : {}),
    ...(specimenRef ? { specimen: [specimenRef] } : {}),
    ...(results.length ? { result: results } : {}),
    ...(report.conclusion ? { conclusion: report.conclusion } : {}),
  };
  entries.push({
    fullUrl: uuid(),
    resource: diagnosticReport,
    ...(tx
      ? {
          request: {
            method: 'POST',
            url: 'DiagnosticReport',
            ifNoneExist: `identifier=${encodeURIComponent(idSystem)}|${encodeURIComponent(report.id)}`,
          },
        }
      : {}),
  });
  return {
    diagnosticReport,
    observations,
    ...(specimen ? { specimen } : {}),
    ...(patient ? { patient } : {}),
    entries,
  };
}

/**
 * Converts reports into a FHIR R4 Bundle: `transaction` (default; DiagnosticReport created only if
 * none has the same business identifier, Patient only if none has the same identifier) or
 * `collection`. National and LOINC codings stand side by side in each `code.coding`.
 */
export function toFhirBundle(
  reports: LabReport | readonly LabReport[],
  options: ToFhirBundleOptions = {},
): Bundle {
  return guard(
    'FHIR_ENCODE_FAILED',
    { en: 'lab report', vi: 'phiếu kết quả' },
    () => {
      const list = (Array.isArray(reports) ? reports : [reports]) as readonly LabReport[];
      return {
        resourceType: 'Bundle',
        type: options.type ?? 'transaction',
        entry: list.flatMap((r) => toFhirResources(r, options).entries),
      };
    },
    'reports',
  );
}

// ---------------------------------------------------------------- decoding

const DR_STATUS: Record<string, ReportStatus> = Object.assign(Object.create(null), {
  registered: 'registered',
  partial: 'preliminary',
  preliminary: 'preliminary',
  final: 'final',
  amended: 'amended',
  corrected: 'corrected',
  appended: 'amended',
  cancelled: 'cancelled',
  'entered-in-error': 'cancelled',
});

type Index = Map<string, Resource>;

function indexBundle(bundle: Bundle): Index {
  const index: Index = new Map();
  for (const e of bundle.entry ?? []) {
    const r = e?.resource;
    if (!r || typeof r !== 'object') continue;
    if (e.fullUrl) index.set(e.fullUrl, r);
    if (r.id) index.set(`${r.resourceType}/${r.id}`, r);
  }
  return index;
}

function resolve(
  ref: Reference | undefined,
  index: Index,
  contained: readonly Resource[] = [],
): Resource | undefined {
  const target = ref?.reference;
  if (!target) return undefined;
  if (target.startsWith('#')) return contained.find((r) => r.id === target.slice(1));
  if (index.has(target)) return index.get(target);
  const m = /([A-Za-z]+\/[^/]+)(?:\/_history\/[^/]+)?$/.exec(target);
  return m ? index.get(m[1]!) : undefined;
}

function ext(list: Extension[] | undefined, url: string): Extension | undefined {
  return list?.find((e) => e.url === url);
}

/**
 * `o` without its empty members (`undefined`, `null`, `''`, `false`; `0` is kept), or `undefined`
 * when none is left: what the report reader keeps of the optional elements it reads.
 */
function present<T extends object>(o: T): T | undefined {
  let kept = false;
  for (const k in o) {
    const v: unknown = o[k];
    if (v || v === 0) kept = true;
    else delete o[k];
  }
  return kept ? o : undefined;
}

/** Converts a DiagnosticReport (resolving references in `bundle`) to the model. */
export function fromFhirDiagnosticReport(
  dr: DiagnosticReport,
  options: FhirCodecOptions & { bundle?: Bundle } = {},
  warnings: ValidationIssue[] = [],
  path = 'DiagnosticReport',
): LabReport {
  const c = cfg(options);
  const index = options.bundle ? indexBundle(options.bundle) : new Map<string, Resource>();
  const contained = dr.contained ?? [];
  const idf = dr.identifier?.find((i) => i.value);
  const id = idf?.value ?? dr.id;
  if (!id)
    throw invalid(
      'FHIR_REPORT_ID_MISSING',
      `${path}.identifier`,
      'The DiagnosticReport has neither an identifier nor an id',
      'DiagnosticReport không có identifier cũng không có id',
    );
  const subject = resolve(dr.subject, index, contained) as Patient | undefined;
  // The resolved Patient's identifiers, else the subject's logical identifier.
  const identifiers = (
    subject?.resourceType === 'Patient' ? (subject.identifier ?? []) : [dr.subject?.identifier]
  )
    .filter((i) => i?.system && i.value)
    .map((i) => ({ system: i!.system!, value: i!.value! }));
  if (identifiers.length === 0)
    warnings.push(
      issue(
        'FHIR_PATIENT_UNRESOLVED',
        `${path}.subject`,
        'No patient identifier could be read from the subject',
        'Không đọc được mã định danh người bệnh từ subject',
      ),
    );
  const observations: LabObservation[] = [];
  let specimenResource: FhirSpecimen | undefined;
  let specimenPath = '';
  (dr.result ?? []).forEach((ref, i) => {
    const o = resolve(ref, index, contained);
    if (o?.resourceType !== 'Observation') {
      warnings.push(
        issue(
          'FHIR_REFERENCE_UNRESOLVED',
          `${path}.result[${i}]`,
          'Result reference not found in the bundle',
          'Không tìm thấy tham chiếu kết quả trong bundle',
        ),
      );
      return;
    }
    observations.push(fromFhirObservation(o, options, warnings, `${path}.result[${i}]`));
    if (!specimenResource && o.specimen) {
      const s = resolve(o.specimen, index, contained);
      if (s?.resourceType === 'Specimen') {
        specimenResource = s;
        specimenPath = `${path}.result[${i}].specimen`;
      }
    }
  });
  const sp = dr.specimen?.[0] ? resolve(dr.specimen[0], index, contained) : undefined;
  if (sp?.resourceType === 'Specimen') {
    specimenResource = sp;
    specimenPath = `${path}.specimen[0]`;
  }
  const specimenCodes = specimenResource ? codings(specimenResource.type, c) : [];
  const specimen =
    specimenResource &&
    present({
      id: specimenResource.identifier?.[0]?.value || specimenResource.accessionIdentifier?.value,
      type: specimenCodes[0] && (({ unrecognised: _u, ...rest }) => rest)(specimenCodes[0]),
      typeText: specimenResource.type?.text,
      collectedAt: dateTime(
        specimenResource.collection?.collectedDateTime,
        false,
        warnings,
        specimenPath,
        '.collection.collectedDateTime',
      ),
      receivedAt: dateTime(specimenResource.receivedTime, true, warnings, specimenPath, '.receivedTime'),
    });
  const labExt = ext(dr.extension, c.ext.lab)?.extension;
  const qualityLevel = labExt && ext(labExt, c.ext.labQualityLevel)?.valueInteger;
  const accreditations = labExt?.filter((e) => e.url === c.ext.labAccreditation);
  const lab =
    labExt &&
    present({
      code: ext(labExt, 'code')?.valueString,
      name: ext(labExt, 'name')?.valueString,
      qualityLevel: typeof qualityLevel === 'number' ? qualityLevel : undefined,
      accreditation: accreditations?.length
        ? accreditations.map((e) => e.valueString ?? '').filter(Boolean)
        : undefined,
    });
  const ordering = ext(dr.extension, c.ext.orderingFacility)?.valueReference;
  const performer = dr.performer?.[0];
  const interpreter = dr.resultsInterpreter?.[0];
  const status = DR_STATUS[dr.status];
  if (!status)
    warnings.push(
      issue(
        'FHIR_STATUS_UNKNOWN',
        `${path}.status`,
        `Status ${String(dr.status)} read as preliminary`,
        `Trạng thái ${String(dr.status)} được đọc là sơ bộ`,
      ),
    );
  const name = dr.code?.text;
  // Dates of the wrong FHIR format are left out with a warning (FHIR_DATE_TIME_INVALID).
  const effective = dateTime(dr.effectiveDateTime, false, warnings, path, '.effectiveDateTime');
  const start = dateTime(dr.effectivePeriod?.start, false, warnings, path, '.effectivePeriod.start');
  const report = present({
    id,
    idSystem: idf?.system,
    supersedes: ext(dr.extension, c.ext.supersedes)?.valueIdentifier?.value,
    patient: { identifiers },
    encounterId: dr.encounter?.identifier?.value,
    orderId: dr.basedOn?.[0]?.identifier?.value,
    codes: codings(dr.code, c),
    name: name !== 'Laboratory report' ? name : undefined,
    status: status ?? 'preliminary',
    orderingFacility: present({ code: ordering?.identifier?.value, name: ordering?.display }),
    performingFacility: present({ code: performer?.identifier?.value, name: performer?.display }),
    lab,
    specimen,
    effectiveAt: effective ?? start,
    issuedAt: dateTime(dr.issued, true, warnings, path, '.issued'),
    signer: present({ id: interpreter?.identifier?.value, name: interpreter?.display }),
    conclusion: dr.conclusion,
    note: ext(dr.extension, c.ext.reportNote)?.valueString,
    observations,
  });
  const parsed = labReportSchema.safeParse(report);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw invalid(
      'FHIR_REPORT_INVALID',
      `${path}.${first.path.join('.')}`,
      first.message,
      'Phiếu kết quả không hợp lệ',
    );
  }
  return parsed.data;
}

/** What {@link fromFhirBundle} returns. */
export interface FhirDecodeResult {
  reports: LabReport[];
  warnings: ValidationIssue[];
}

/**
 * Reads every DiagnosticReport of a Bundle (any type) — or a lone DiagnosticReport — into reports,
 * resolving Observation, Specimen and Patient references inside the bundle.
 */
export function fromFhirBundle(
  input: Bundle | DiagnosticReport,
  options: FhirCodecOptions = {},
): FhirDecodeResult {
  return guard(
    'FHIR_UNREADABLE',
    { en: 'FHIR bundle', vi: 'FHIR bundle' },
    () => {
      if (!input || typeof input !== 'object')
        throw invalid(
          'FHIR_UNREADABLE',
          'resourceType',
          'Expected a FHIR resource',
          'Cần một tài nguyên FHIR',
        );
      const warnings: ValidationIssue[] = [];
      if (input.resourceType === 'DiagnosticReport')
        return { reports: [fromFhirDiagnosticReport(input, options, warnings)], warnings };
      if (input.resourceType !== 'Bundle')
        throw invalid(
          'FHIR_RESOURCE_TYPE_UNSUPPORTED',
          'resourceType',
          `Expected a Bundle or DiagnosticReport, got ${String((input as { resourceType?: unknown }).resourceType)}`,
          'Cần Bundle hoặc DiagnosticReport',
        );
      if (input.entry !== undefined && !Array.isArray(input.entry))
        throw invalid(
          'FHIR_BUNDLE_INVALID',
          'Bundle.entry',
          'Bundle.entry must be an array',
          'Bundle.entry phải là mảng',
        );
      const reports: LabReport[] = [];
      (input.entry ?? []).forEach((e, i) => {
        if (e?.resource?.resourceType === 'DiagnosticReport') {
          reports.push(
            fromFhirDiagnosticReport(
              e.resource,
              { ...options, bundle: input },
              warnings,
              `Bundle.entry[${i}].resource`,
            ),
          );
        }
      });
      return { reports, warnings };
    },
    (input as { resourceType?: unknown } | undefined)?.resourceType === 'DiagnosticReport'
      ? 'DiagnosticReport'
      : 'Bundle',
  );
}

/** Non-throwing twin of {@link fromFhirBundle}. */
export function parseFhirBundle(
  input: unknown,
  options: FhirCodecOptions = {},
): Result<FhirDecodeResult, ValidationError> {
  return attempt<FhirDecodeResult, ValidationError>(() => fromFhirBundle(input as Bundle, options));
}
