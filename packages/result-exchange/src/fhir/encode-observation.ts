import type { Specimen as FhirSpecimen, Observation, Patient, Reference } from '@medplum/fhirtypes';
import type { LabObservation, LabReport } from '../model.js';
import { concept } from './codeable-concept.js';
import type { Cfg } from './options.js';
import { rangeToFhir } from './reference-range.js';
import { valueToFhir } from './value.js';

const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

/** FHIR `instant` needs a time and offset; a date-only value is taken at 00:00 Vietnam time. */
export const instant = (v: string) => (v.length === 10 ? `${v}T00:00:00+07:00` : v);

/** A lab observation → an Observation of `subject`, measured on `specimen` when given. */
export function observationToFhir(
  o: LabObservation,
  report: LabReport,
  subject: Reference<Patient>,
  specimen: Reference<FhirSpecimen> | undefined,
  c: Cfg,
): Observation {
  const v = o.value;
  const unitOf = v?.kind === 'quantity' ? v : undefined;
  return {
    resourceType: 'Observation',
    status: o.status,
    category: [{ coding: [{ system: OBS_CATEGORY, code: 'laboratory' }] }],
    code: concept(o.codes, o.name ?? (o.codes.length ? undefined : 'Laboratory result')),
    subject,
    ...(o.performedAt ? { effectiveDateTime: o.performedAt } : {}),
    ...(report.issuedAt ? { issued: instant(report.issuedAt) } : {}),
    ...(v ? valueToFhir(v, c) : {}),
    ...(o.interpretation?.length
      ? { interpretation: o.interpretation.map((code) => ({ coding: [{ system: INTERPRETATION, code }] })) }
      : {}),
    ...(o.note ? { note: [{ text: o.note }] } : {}),
    ...(o.method ? { method: { text: o.method } } : {}),
    ...(specimen ? { specimen } : {}),
    ...(o.referenceRange?.length
      ? { referenceRange: o.referenceRange.map((r) => rangeToFhir(r, unitOf, c)) }
      : {}),
  };
}
