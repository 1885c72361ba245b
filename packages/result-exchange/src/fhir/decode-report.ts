import {
  attempt,
  indexBundle,
  type Result,
  resolveReference,
  type ValidationError,
  type ValidationIssue,
  type WithWarnings,
} from '@lienthong/core';
import type {
  Bundle,
  DiagnosticReport,
  Extension,
  Specimen as FhirSpecimen,
  Patient,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import { guard, invalid, issue } from '../errors.js';
import { type LabObservation, type LabReport, LabReportSchema, type ReportStatus } from '../model.js';
import { codings } from './codeable-concept.js';
import { LAB_CONTENT_KEY_SYSTEM } from './content-key.js';
import { readFhirObservation } from './decode-observation.js';
import { dateTime, statusReadAsPreliminary } from './elements.js';
import { cfg, type FhirCodecOptions } from './options.js';

/** FHIR R4 `diagnostic-report-status` → report status. Null prototype: `toString` is not a status. */
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

/** The extension of `list` with `url`. */
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

/**
 * The facility an Organization reference names: its identifier's value as the code, the system only
 * when it is not the facility-code system `facilitySystem`, and the display as the name.
 */
function facilityOf(reference: Reference | undefined, facilitySystem: string) {
  const id = reference?.identifier;
  return {
    code: id?.value,
    system: id?.value && id.system !== facilitySystem ? id.system : undefined,
    name: reference?.display,
  };
}

/**
 * Converts a DiagnosticReport (resolving references in `bundle`) to the model; internal (the
 * provider reads one report with it), the public reader is {@link decodeFhirBundle}.
 */
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
  const subject = resolveReference(dr.subject, index, contained) as Patient | undefined;
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
    const o = resolveReference(ref, index, contained);
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
    observations.push(readFhirObservation(o, options, warnings, `${path}.result[${i}]`));
    if (!specimenResource && o.specimen) {
      const s = resolveReference(o.specimen, index, contained);
      if (s?.resourceType === 'Specimen') {
        specimenResource = s;
        specimenPath = `${path}.result[${i}].specimen`;
      }
    }
  });
  const sp = dr.specimen?.[0] ? resolveReference(dr.specimen[0], index, contained) : undefined;
  if (sp?.resourceType === 'Specimen') {
    specimenResource = sp;
    specimenPath = `${path}.specimen[0]`;
  }
  const specimenCodes = specimenResource ? codings(specimenResource.type, c) : [];
  const specimen =
    specimenResource &&
    present({
      id:
        specimenResource.identifier?.find((i) => i.system !== LAB_CONTENT_KEY_SYSTEM)?.value ||
        specimenResource.accessionIdentifier?.value,
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
      system: ext(labExt, 'system')?.valueUri,
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
  if (!status) warnings.push(statusReadAsPreliminary(dr.status, path));
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
    orderingFacility: present(facilityOf(ordering, c.systems.facility)),
    performingFacility: present(facilityOf(performer, c.systems.facility)),
    lab,
    specimen,
    effectiveAt: effective ?? start,
    issuedAt: dateTime(dr.issued, true, warnings, path, '.issued'),
    signer: present({ id: interpreter?.identifier?.value, name: interpreter?.display }),
    conclusion: dr.conclusion,
    note: ext(dr.extension, c.ext.reportNote)?.valueString,
    observations,
  });
  const parsed = LabReportSchema.safeParse(report);
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

/** What {@link decodeFhirBundle} returns: the reports as `value`, and the warnings. */
export type FhirDecodeResult = WithWarnings<LabReport[]>;

/**
 * Decodes every DiagnosticReport of a Bundle (any type) — or a lone DiagnosticReport — into reports
 * (`value`), resolving Observation, Specimen and Patient references inside the bundle. What it
 * reads with a caveat is in `warnings`: an unknown status, an unresolved reference, an element of
 * the wrong FHIR type or format (left out). Throws a `ValidationError` when the input is no Bundle
 * or DiagnosticReport, or a report cannot be read.
 */
export function decodeFhirBundle(
  document: Bundle | DiagnosticReport | unknown,
  options: FhirCodecOptions = {},
): FhirDecodeResult {
  return guard(
    'FHIR_UNREADABLE',
    { en: 'FHIR bundle', vi: 'FHIR bundle' },
    () => {
      if (!document || typeof document !== 'object')
        throw invalid(
          'FHIR_UNREADABLE',
          'resourceType',
          'Expected a FHIR resource',
          'Cần một tài nguyên FHIR',
        );
      // Checked below as far as it is read: the resource type, the entry list, each report.
      const input = document as Bundle | DiagnosticReport;
      const warnings: ValidationIssue[] = [];
      if (input.resourceType === 'DiagnosticReport')
        return { value: [fromFhirDiagnosticReport(input, options, warnings)], warnings };
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
      return { value: reports, warnings };
    },
    (document as { resourceType?: unknown } | undefined)?.resourceType === 'DiagnosticReport'
      ? 'DiagnosticReport'
      : 'Bundle',
  );
}

/** {@link decodeFhirBundle}, answering a `Result` instead of throwing. */
export function safeDecodeFhirBundle(
  input: unknown,
  options: FhirCodecOptions = {},
): Result<FhirDecodeResult, ValidationError> {
  return attempt<FhirDecodeResult, ValidationError>(() => decodeFhirBundle(input, options));
}
