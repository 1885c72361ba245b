import type { Icd10 } from '@lienthong/catalogue/icd10';
import { KNOWN_SYSTEMS } from '@lienthong/catalogue/systems';
import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import type { FhirCodecOptions } from '@lienthong/result-exchange/fhir';

/**
 * The fields of XML 130 whose codes are kept as given: no national URI names their code lists and
 * their meanings are not confirmed here (docs/en/guide/domain.md), so their systems are the SDK's
 * own `urn:lienthong:cs:xml130:<FIELD>` by default — override them to match your partners. MA_DICH_VU
 * is the insurance service code list the catalogue knows (`KNOWN_SYSTEMS['service-code']`).
 */
export type Xml130CodedField =
  | 'MA_LOAI_KCB'
  | 'MA_LOAI_RV'
  | 'MA_BENH_YHCT'
  | 'MA_THUOC'
  | 'DUONG_DUNG'
  | 'MA_DICH_VU'
  | 'MA_VAT_TU';

/** Identifier systems of the visit resources (configurable; the defaults are the SDK's own). */
export interface VisitIdentifierSystems {
  /** MA_LK on the Encounter — the same system result-exchange writes on `DiagnosticReport.encounter`. */
  visit: string;
  /** MA_HSBA, the medical record number, on the Encounter. */
  medicalRecord: string;
  /** Facility codes (MA_CSKCB, MA_NOI_DI, MA_NOI_DEN). */
  facility: string;
  /** The business identifier of each resource made from a row (`<MA_LK>:<table>:<index>`), for idempotent writes. */
  entry: string;
}

/** Options of the visits FHIR mapping. */
export interface VisitFhirOptions {
  identifierSystems?: Partial<VisitIdentifierSystems>;
  codeSystems?: Partial<Record<Xml130CodedField, string>>;
  /** The lab reports' FHIR options (result-exchange), e.g. its systems and extension URLs. */
  lab?: Omit<FhirCodecOptions, 'encounterIdSystem'>;
  /**
   * ICD-10 (`await loadIcd10()` from `@lienthong/catalogue/icd10`): when given, every diagnosis
   * coding carries its Vietnamese name as `display`. Decoding ignores displays.
   */
  icd10?: Pick<Icd10, 'lookup'>;
}

/** The options with every default filled in. */
export interface VisitFhirConfig {
  ids: VisitIdentifierSystems;
  codes: Record<Xml130CodedField, string>;
  lab: FhirCodecOptions;
  icd10?: Pick<Icd10, 'lookup'>;
}

const CODED: readonly Xml130CodedField[] = [
  'MA_LOAI_KCB',
  'MA_LOAI_RV',
  'MA_BENH_YHCT',
  'MA_THUOC',
  'DUONG_DUNG',
  'MA_DICH_VU',
  'MA_VAT_TU',
];

const DEFAULT_CODE_SYSTEMS: Partial<Record<Xml130CodedField, string>> = {
  MA_DICH_VU: KNOWN_SYSTEMS['service-code'].uri,
};

/** Identifier systems written by default. */
export const DEFAULT_VISIT_IDENTIFIER_SYSTEMS: Readonly<VisitIdentifierSystems> = Object.freeze({
  visit: 'urn:lienthong:sid:ma-lk',
  medicalRecord: 'urn:lienthong:sid:ma-hsba',
  facility: DEFAULT_IDENTIFIER_SYSTEMS.facility,
  entry: 'urn:lienthong:sid:xml130-entry',
});

/** Resolves options. */
export function visitFhirConfig(o: VisitFhirOptions = {}): VisitFhirConfig {
  const ids = { ...DEFAULT_VISIT_IDENTIFIER_SYSTEMS, ...o.identifierSystems };
  const codes = Object.fromEntries(
    CODED.map((f) => [f, o.codeSystems?.[f] ?? DEFAULT_CODE_SYSTEMS[f] ?? `urn:lienthong:cs:xml130:${f}`]),
  ) as Record<Xml130CodedField, string>;
  return {
    ids,
    codes,
    lab: { ...o.lab, encounterIdSystem: ids.visit },
    ...(o.icd10 ? { icd10: o.icd10 } : {}),
  };
}
