import { attempt, type Result, type ValidationError, type ValidationIssue } from '@lienthong/core';
import type {
  Bundle,
  DiagnosticReport,
  Extension,
  Specimen as FhirSpecimen,
  Patient,
  Resource,
} from '@medplum/fhirtypes';
import { guard, invalid, issue } from '../errors.js';
import { type LabObservation, type LabReport, labReportSchema, type ReportStatus } from '../model.js';
import { codings } from './codeable-concept.js';
import { fromFhirObservation } from './decode-observation.js';
import { dateTime } from './elements.js';
import { cfg, type FhirCodecOptions } from './options.js';
import { indexBundle, resolve } from './references.js';

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
