import { identifierCondition, newUrnUuid, type WithWarnings } from '@lienthong/core';
import type {
  Bundle,
  BundleEntry,
  DiagnosticReport,
  Extension,
  Specimen as FhirSpecimen,
  Observation,
  Patient,
  Reference,
} from '@medplum/fhirtypes';
import { encodeReports } from '../codec.js';
import type { LabReport } from '../model.js';
import { concept } from './codeable-concept.js';
import { withContentKey } from './content-key.js';
import { instant, observationToFhir } from './encode-observation.js';
import { cfg, type FhirCodecOptions } from './options.js';

const V2_0074 = 'http://terminology.hl7.org/CodeSystem/v2-0074';

/** Options of {@link encodeFhirBundle} and {@link toFhirResources}. */
export interface EncodeFhirBundleOptions extends FhirCodecOptions {
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
export function toFhirResources(
  report: LabReport,
  options: EncodeFhirBundleOptions = {},
): FhirReportResources {
  const c = cfg(options);
  const tx = (options.type ?? 'transaction') === 'transaction';
  const idSystem = report.idSystem ?? c.systems.reportId;
  // What every content key of this report digests besides the resource: whose report it is, about whom.
  const scope = [idSystem, report.id, report.patient.identifiers];
  const entries: BundleEntry[] = [];
  const first = report.patient.identifiers[0];
  let subject: Reference<Patient>;
  let patient: Patient | undefined;
  if (options.includePatient !== false && first) {
    patient = {
      resourceType: 'Patient',
      identifier: report.patient.identifiers.map((i) => ({ system: i.system, value: i.value })),
    };
    const fullUrl = newUrnUuid();
    subject = { reference: fullUrl };
    entries.push({
      fullUrl,
      resource: patient,
      ...(tx
        ? {
            request: {
              method: 'POST',
              url: 'Patient',
              ifNoneExist: identifierCondition(first.system, first.value),
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
  let specimenKey: string | undefined;
  const s = report.specimen;
  if (s && (s.id || s.type || s.typeText || s.collectedAt || s.receivedAt)) {
    specimen = {
      resourceType: 'Specimen',
      ...(s.id ? { identifier: [{ system: `${idSystem}:specimen`, value: s.id }] } : {}),
      ...(s.type || s.typeText ? { type: concept(s.type ? [s.type] : [], s.typeText) } : {}),
      subject,
      ...(s.receivedAt && s.receivedAt.length > 10 ? { receivedTime: s.receivedAt } : {}),
      ...(s.collectedAt ? { collection: { collectedDateTime: s.collectedAt } } : {}),
    };
    const fullUrl = newUrnUuid();
    specimenRef = { reference: fullUrl };
    const created = tx ? withContentKey(specimen, report.id, 'specimen', scope) : undefined;
    specimenKey = created?.key;
    entries.push({ fullUrl, resource: specimen, ...(created ? { request: created.request } : {}) });
  }
  const observations = report.observations.map((o) => observationToFhir(o, report, subject, specimenRef, c));
  const results: Reference<Observation>[] = [];
  for (const [i, o] of observations.entries()) {
    const fullUrl = newUrnUuid();
    results.push({ reference: fullUrl });
    // The specimen's key is part of each result's: a result measured on a changed specimen is new.
    const created = tx
      ? withContentKey(o, report.id, `observation-${i + 1}`, [...scope, specimenKey ?? null])
      : undefined;
    entries.push({ fullUrl, resource: o, ...(created ? { request: created.request } : {}) });
  }
  const extension: Extension[] = [];
  if (report.lab) {
    const lab: Extension[] = [];
    if (report.lab.code) lab.push({ url: 'code', valueString: report.lab.code });
    if (report.lab.system) lab.push({ url: 'system', valueUri: report.lab.system });
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
          ? {
              identifier: {
                system: report.orderingFacility.system ?? c.systems.facility,
                value: report.orderingFacility.code,
              },
            }
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
              ...(pf.code ? { identifier: { system: pf.system ?? c.systems.facility, value: pf.code } } : {}),
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
    fullUrl: newUrnUuid(),
    resource: diagnosticReport,
    ...(tx
      ? {
          request: {
            method: 'POST',
            url: 'DiagnosticReport',
            ifNoneExist: identifierCondition(idSystem, report.id),
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
 * Encodes reports as a FHIR R4 Bundle (`value`): `transaction` (default; DiagnosticReport created
 * only if none has the same business identifier, Patient only if none has the same identifier,
 * each Observation and the Specimen only if none has the same content key —
 * `LAB_CONTENT_KEY_SYSTEM` — so the same Bundle sent twice leaves one copy of each) or
 * `collection` (no conditions, no content keys). National and LOINC codings stand side by side in
 * each `code.coding`. FHIR carries every field of the model (the rest in extensions), so `warnings`
 * stays empty.
 */
export function encodeFhirBundle(
  reports: LabReport | readonly LabReport[],
  options: EncodeFhirBundleOptions = {},
): WithWarnings<Bundle> {
  return encodeReports('FHIR_ENCODE_FAILED', reports, (list) => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: options.type ?? 'transaction',
      entry: list.flatMap((r) => toFhirResources(r, options).entries),
    };
    return { value: bundle, warnings: [] };
  });
}
