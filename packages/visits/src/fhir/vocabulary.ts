import type { CodeableConcept, Coding } from '@lienthong/core';

/** HL7 code systems the mapping writes (FHIR R4 terminology). */
export const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const DIAGNOSIS_ROLE = 'http://terminology.hl7.org/CodeSystem/diagnosis-role';
export const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';
export const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/** `Encounter.class`: inpatient when the visit has an inpatient admission time (NGAY_VAO_NOI_TRU), else ambulatory. */
export const INPATIENT: Coding = { system: ACT_CODE, code: 'IMP', display: 'inpatient encounter' };
export const AMBULATORY: Coding = { system: ACT_CODE, code: 'AMB', display: 'ambulatory' };

/**
 * `Encounter.diagnosis.use`: the main diagnosis (MA_BENH_CHINH, with the discharge diagnosis text) is
 * the discharge diagnosis `DD` with rank 1; secondary (MA_BENH_KT) and traditional-medicine
 * (MA_BENH_YHCT) diagnoses are comorbidities `CM`; the admission diagnosis text (CHAN_DOAN_VAO) is `AD`.
 */
export type DiagnosisUse = 'DD' | 'CM' | 'AD';
export const diagnosisUse = (code: DiagnosisUse): CodeableConcept => ({
  coding: [{ system: DIAGNOSIS_ROLE, code }],
});

/** A concept from codings and a text; one that has neither says its data is absent (FHIR forbids an empty one). */
export function conceptOf(codings: Coding[], text: string | undefined): CodeableConcept {
  if (codings.length === 0 && text === undefined)
    return { extension: [{ url: DATA_ABSENT_REASON, valueCode: 'unknown' }] };
  return { ...(codings.length > 0 ? { coding: codings } : {}), ...(text !== undefined ? { text } : {}) };
}
