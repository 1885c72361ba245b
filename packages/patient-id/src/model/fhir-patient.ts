import {
  canonicalIdentifierSystem,
  DEFAULT_IDENTIFIER_SYSTEMS,
  facilityRecordSystem,
  type Identifier,
  type IdentifierSystems,
  identifierSystemName,
  type Patient,
  ValidationError,
  validationErrorFromZod,
} from '@lienthong/core';
import type { Extension, HumanName } from '@medplum/fhirtypes';
import {
  type Address,
  fullName,
  type PatientIdentifier,
  type PatientRecord,
  PatientRecordSchema,
} from './patient-record.js';

/**
 * FHIR R4 `Patient` ⇄ {@link PatientRecord}. Identifier systems follow VN Core by default
 * (`…/sid/national_id`, `…/sid/insurance_number`) and are configurable; both directions write the
 * deployment's URI for an older alias (`http://fhir.hl7.org.vn/core/sid/cccd`, …). Facts with no FHIR element (address codes,
 * insurance validity and registered facility) travel in extensions of the project's own
 * `urn:lienthong:fhir:ext:` namespace, like the other packages' — no national URI exists for them.
 */
export const PATIENT_EXTENSIONS = {
  insurance: 'urn:lienthong:fhir:ext:insurance-coverage',
  communeCode: 'urn:lienthong:fhir:ext:address-commune-code',
  oldCommuneCode: 'urn:lienthong:fhir:ext:address-old-commune-code',
  provinceCode: 'urn:lienthong:fhir:ext:address-province-code',
  oldProvinceCode: 'urn:lienthong:fhir:ext:address-old-province-code',
} as const;

const MRN_PREFIX = facilityRecordSystem('');

export interface FhirPatientOptions {
  systems?: IdentifierSystems;
}

function ext(url: string, value: string | undefined): Extension[] {
  return value === undefined ? [] : [{ url, valueString: value }];
}
function extValue(extensions: Extension[] | undefined, url: string): string | undefined {
  return extensions?.find((e) => e.url === url)?.valueString;
}

/** A FHIR `Patient` from a record. */
export function toFhirPatient(record: PatientRecord, options: FhirPatientOptions = {}): Patient {
  const name: HumanName = { use: 'official' };
  const { family, middle, given } = record.name;
  if (family) name.family = family;
  const givenParts = [middle, given].filter((g): g is string => Boolean(g));
  if (givenParts.length) name.given = givenParts;
  const text = fullName(record.name);
  if (text) name.text = text;
  const insuranceExt: Extension[] = (record.insurance ?? []).map((c) => ({
    url: PATIENT_EXTENSIONS.insurance,
    extension: [
      ...ext('cardNumber', c.cardNumber),
      ...ext('validFrom', c.validFrom),
      ...ext('validTo', c.validTo),
      ...ext('registeredFacility', c.registeredFacility),
      ...ext('replacedBy', c.replacedBy),
    ],
  }));
  const systems = options.systems ?? DEFAULT_IDENTIFIER_SYSTEMS;
  return {
    resourceType: 'Patient',
    ...(record.id ? { id: record.id } : {}),
    ...(insuranceExt.length ? { extension: insuranceExt } : {}),
    identifier: record.identifiers.map(
      (i): Identifier => ({ system: canonicalIdentifierSystem(i.system, systems), value: i.value }),
    ),
    name: [name],
    ...(record.sex ? { gender: record.sex } : {}),
    ...(record.birthDate ? { birthDate: record.birthDate } : {}),
    ...(record.deceased !== undefined ? { deceasedBoolean: record.deceased } : {}),
    ...(record.contacts?.length
      ? {
          telecom: record.contacts.map((c) => ({
            system: c.system,
            value: c.value,
            ...(c.use ? { use: c.use } : {}),
          })),
        }
      : {}),
    ...(record.addresses?.length
      ? {
          address: record.addresses.map((a) => {
            const extension = [
              ...ext(PATIENT_EXTENSIONS.communeCode, a.communeCode),
              ...ext(PATIENT_EXTENSIONS.oldCommuneCode, a.oldCommuneCode),
              ...ext(PATIENT_EXTENSIONS.provinceCode, a.provinceCode),
              ...ext(PATIENT_EXTENSIONS.oldProvinceCode, a.oldProvinceCode),
            ];
            return {
              ...(extension.length ? { extension } : {}),
              ...(a.use ? { use: a.use } : {}),
              ...(a.text ? { text: a.text } : {}),
              ...(a.line ? { line: a.line } : {}),
              ...(a.commune ? { city: a.commune } : {}),
              ...(a.district ? { district: a.district } : {}),
              ...(a.province ? { state: a.province } : {}),
              country: 'VN',
            };
          }),
        }
      : {}),
  };
}

/** The kind of an identifier from its system URI. */
export function identifierKind(
  system: string,
  systems: IdentifierSystems = DEFAULT_IDENTIFIER_SYSTEMS,
): Pick<PatientIdentifier, 'kind' | 'facilityCode'> {
  if (system.startsWith(MRN_PREFIX)) {
    const facilityCode = system.slice(MRN_PREFIX.length);
    return { kind: 'mrn', ...(/^\d{5}$/.test(facilityCode) ? { facilityCode } : {}) };
  }
  const name = identifierSystemName(system, systems);
  return name === 'cccd' ||
    name === 'bhyt' ||
    name === 'cmnd' ||
    name === 'passport' ||
    name === 'socialInsurance'
    ? { kind: name }
    : {};
}

/** A record from a FHIR `Patient`; throws a `ValidationError` (code `FHIR_PATIENT_INVALID`) when it does not fit the model. */
export function fromFhirPatient(patient: Patient, options: FhirPatientOptions = {}): PatientRecord {
  const systems = options.systems ?? DEFAULT_IDENTIFIER_SYSTEMS;
  const name = patient.name?.find((n) => n.use === 'official') ?? patient.name?.[0];
  const given = name?.given ?? [];
  const parts = {
    ...(name?.family ? { family: name.family } : {}),
    ...(given.length > 1 ? { middle: given.slice(0, -1).join(' ') } : {}),
    ...(given.length > 0 ? { given: given[given.length - 1] } : {}),
  };
  const computed = fullName(parts);
  const text = name?.text && name.text !== computed ? { text: name.text } : {};
  const insurance = (patient.extension ?? [])
    .filter((e) => e.url === PATIENT_EXTENSIONS.insurance)
    .map((e) => {
      const field = (k: string) => extValue(e.extension, k);
      return Object.fromEntries(
        ['cardNumber', 'validFrom', 'validTo', 'registeredFacility', 'replacedBy']
          .map((k) => [k, field(k)])
          .filter(([, v]) => v !== undefined),
      );
    });
  const addresses = (patient.address ?? []).map((a): Address => {
    const codes = Object.fromEntries(
      (['communeCode', 'oldCommuneCode', 'provinceCode', 'oldProvinceCode'] as const)
        .map((k) => [k, extValue(a.extension, PATIENT_EXTENSIONS[k])])
        .filter(([, v]) => v !== undefined),
    );
    return {
      ...(a.use === 'home' || a.use === 'work' || a.use === 'temp' || a.use === 'old' ? { use: a.use } : {}),
      ...(a.line?.length ? { line: a.line } : {}),
      ...(a.city ? { commune: a.city } : {}),
      ...(a.district ? { district: a.district } : {}),
      ...(a.state ? { province: a.state } : {}),
      ...(a.text ? { text: a.text } : {}),
      ...codes,
    };
  });
  const candidate = {
    ...(patient.id ? { id: patient.id } : {}),
    identifiers: (patient.identifier ?? [])
      .filter((i) => i.system && i.value)
      .map((i) => ({
        system: canonicalIdentifierSystem(i.system!, systems),
        value: i.value!,
        ...identifierKind(i.system!, systems),
      })),
    name: { ...parts, ...text },
    ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
    ...(patient.gender ? { sex: patient.gender } : {}),
    ...(addresses.length ? { addresses } : {}),
    ...(patient.telecom?.length
      ? {
          contacts: patient.telecom
            .filter((t) => t.value)
            .map((t) => ({
              system: t.system === 'phone' || t.system === 'email' ? t.system : 'other',
              value: t.value!,
              ...(t.use === 'home' || t.use === 'work' || t.use === 'mobile' ? { use: t.use } : {}),
            })),
        }
      : {}),
    ...(insurance.length ? { insurance } : {}),
    ...(patient.deceasedBoolean !== undefined ? { deceased: patient.deceasedBoolean } : {}),
  };
  const parsed = PatientRecordSchema.safeParse(candidate);
  if (!parsed.success) {
    const inner = validationErrorFromZod(parsed.error);
    throw new ValidationError({
      code: 'FHIR_PATIENT_INVALID',
      message: `The FHIR Patient does not fit the patient model: ${inner.message}`,
      messageVi: `Tài nguyên FHIR Patient không khớp mô hình bệnh nhân: ${inner.messageVi}`,
      issues: inner.issues,
      cause: inner,
    });
  }
  return parsed.data;
}
