import {
  coding,
  concept,
  declaredOrganization,
  extensions,
  identifier,
  isObject,
  many,
  namedConcept,
  organizationReference,
  patientReference,
  period,
  pick,
  primitive,
  quantity,
  type Rule,
  range,
  ratio,
  recordReference,
  text,
} from './datatypes.js';

/**
 * The allow-list of each resource type the hub serves: the elements that may leave in a
 * de-identified export and how each is transformed. An element not named here does not leave.
 * `resourceType`, `id`, `meta`, `contained` and the patient's own identifiers are handled by the
 * engine for every type. The table in docs/en/guide/deidentification.md mirrors this file.
 */

const R = recordReference;
const P = patientReference;
const O = organizationReference;

/** Extensions of the SDK's own codecs that carry no personal data, by URL (default URLs). */
const KEPT_EXTENSIONS: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['urn:lienthong:fhir:ext:report-version', pick({ valueInteger: primitive })],
  ['urn:lienthong:fhir:ext:visit-version', pick({ valueInteger: primitive })],
  ['urn:lienthong:fhir:ext:imaging-completeness', pick({ valueCode: primitive })],
  ['urn:lienthong:fhir:ext:imaging-performing-facility', pick({ valueReference: O })],
  ['urn:lienthong:fhir:ext:ordering-facility', pick({ valueReference: O })],
  // The superseded report's identifier, keyed like the report's own: the chain of versions stays.
  ['urn:lienthong:fhir:ext:supersedes', pick({ valueIdentifier: identifier })],
  // The laboratory (a facility: code, system, name, quality level, accreditations).
  [
    'urn:lienthong:fhir:ext:laboratory',
    pick({
      extension: extensions(
        new Map<string, Rule>(
          [
            'code',
            'system',
            'name',
            'urn:lienthong:fhir:ext:lab-quality-level',
            'urn:lienthong:fhir:ext:lab-accreditation',
          ].map((url) => [
            url,
            pick({ valueString: primitive, valueUri: primitive, valueInteger: primitive }),
          ]),
        ),
      ),
    }),
  ],
]);

/** The extension allow-list every type shares. */
export const keptExtensions = extensions(KEPT_EXTENSIONS);

const effective = {
  effectiveDateTime: primitive,
  effectivePeriod: period,
  effectiveInstant: primitive,
};

/** value[x] of an Observation or a component: results, with text values guarded. */
const values: Record<string, Rule> = {
  valueQuantity: quantity,
  valueCodeableConcept: namedConcept,
  valueString: text,
  valueBoolean: primitive,
  valueInteger: primitive,
  valueRange: range,
  valueRatio: ratio,
  valueTime: primitive,
  valueDateTime: primitive,
  valuePeriod: period,
  dataAbsentReason: concept,
};

const referenceRange = pick({
  low: quantity,
  high: quantity,
  type: concept,
  appliesTo: many(concept),
  age: range,
  text,
});

const observation: Record<string, Rule> = {
  basedOn: many(R),
  partOf: many(R),
  status: primitive,
  category: many(concept),
  code: namedConcept,
  subject: P,
  encounter: R,
  ...effective,
  issued: primitive,
  ...values,
  interpretation: many(concept),
  bodySite: concept,
  method: namedConcept,
  specimen: R,
  referenceRange: many(referenceRange),
  hasMember: many(R),
  derivedFrom: many(R),
  component: many(
    pick({
      code: namedConcept,
      ...values,
      interpretation: many(concept),
      referenceRange: many(referenceRange),
    }),
  ),
};

/** Only a declared Organization performs in a de-identified report (the lab); people are dropped. */
const organizationsOnly: Rule = many(declaredOrganization);

const diagnosticReport: Record<string, Rule> = {
  basedOn: many(R),
  status: primitive,
  category: many(concept),
  code: namedConcept,
  subject: P,
  encounter: R,
  ...effective,
  issued: primitive,
  performer: organizationsOnly,
  specimen: many(R),
  result: many(R),
  imagingStudy: many(R),
  conclusionCode: many(concept),
};

const specimen: Record<string, Rule> = {
  accessionIdentifier: identifier,
  status: primitive,
  type: namedConcept,
  subject: P,
  receivedTime: primitive,
  parent: many(R),
  request: many(R),
  collection: pick({
    collectedDateTime: primitive,
    collectedPeriod: period,
    duration: quantity,
    quantity,
    method: concept,
    bodySite: concept,
  }),
  condition: many(concept),
};

/** A keyed DICOM UID (series and instance UIDs identify a study as surely as its own). */
const dicomUid: Rule = (v, ctx) => (typeof v === 'string' && v !== '' ? ctx.uid(v) : undefined);

const imagingStudy: Record<string, Rule> = {
  status: primitive,
  modality: many(coding),
  subject: P,
  encounter: R,
  started: primitive,
  basedOn: many(R),
  numberOfSeries: primitive,
  numberOfInstances: primitive,
  procedureReference: R,
  procedureCode: many(concept),
  reasonCode: many(concept),
  series: many(
    pick({
      uid: dicomUid,
      number: primitive,
      modality: coding,
      numberOfInstances: primitive,
      bodySite: coding,
      laterality: coding,
      started: primitive,
      instance: many(pick({ uid: dicomUid, sopClass: coding, number: primitive })),
    }),
  ),
};

const encounter: Record<string, Rule> = {
  status: primitive,
  statusHistory: many(pick({ status: primitive, period })),
  class: coding,
  classHistory: many(pick({ class: coding, period })),
  type: many(concept),
  serviceType: concept,
  priority: concept,
  subject: P,
  episodeOfCare: many(R),
  basedOn: many(R),
  period,
  length: quantity,
  reasonCode: many(concept),
  reasonReference: many(R),
  diagnosis: many(pick({ condition: R, use: concept, rank: primitive })),
  hospitalization: pick({
    origin: O,
    admitSource: concept,
    reAdmission: concept,
    destination: O,
    dischargeDisposition: concept,
  }),
  serviceProvider: O,
  partOf: R,
};

const condition: Record<string, Rule> = {
  clinicalStatus: concept,
  verificationStatus: concept,
  category: many(concept),
  severity: concept,
  code: concept,
  bodySite: many(concept),
  subject: P,
  encounter: R,
  onsetDateTime: primitive,
  onsetPeriod: period,
  abatementDateTime: primitive,
  abatementPeriod: period,
  recordedDate: primitive,
};

const medicationStatement: Record<string, Rule> = {
  basedOn: many(R),
  partOf: many(R),
  status: primitive,
  statusReason: many(concept),
  category: concept,
  medicationCodeableConcept: namedConcept,
  medicationReference: R,
  subject: P,
  context: R,
  effectiveDateTime: primitive,
  effectivePeriod: period,
  dateAsserted: primitive,
  reasonCode: many(concept),
  reasonReference: many(R),
  dosage: many(
    pick({
      sequence: primitive,
      asNeededBoolean: primitive,
      site: concept,
      route: concept,
      method: concept,
      doseAndRate: many(
        pick({
          type: concept,
          doseQuantity: quantity,
          doseRange: range,
          rateQuantity: quantity,
          rateRange: range,
          rateRatio: ratio,
        }),
      ),
    }),
  ),
};

const procedure: Record<string, Rule> = {
  basedOn: many(R),
  partOf: many(R),
  status: primitive,
  statusReason: concept,
  category: concept,
  code: namedConcept,
  subject: P,
  encounter: R,
  performedDateTime: primitive,
  performedPeriod: period,
  reasonCode: many(concept),
  reasonReference: many(R),
  bodySite: many(concept),
  outcome: concept,
  complication: many(concept),
  usedCode: many(concept),
};

const chargeItem: Record<string, Rule> = {
  status: primitive,
  code: namedConcept,
  subject: P,
  context: R,
  occurrenceDateTime: primitive,
  occurrencePeriod: period,
  quantity,
  bodysite: many(concept),
};

const clinicalImpression: Record<string, Rule> = {
  status: primitive,
  statusReason: concept,
  code: concept,
  subject: P,
  encounter: R,
  effectiveDateTime: primitive,
  effectivePeriod: period,
  date: primitive,
};

/** An agent stays only as a facility (the XML 130 file set's sender); a person's agent is dropped. */
const provenanceAgent: Rule = (v, ctx) => {
  if (!isObject(v)) return undefined;
  const who = declaredOrganization(v.who, ctx);
  return who === undefined
    ? undefined
    : { ...(pick({ type: concept, role: many(concept) })(v, ctx) as object), who };
};

const provenance: Record<string, Rule> = {
  target: many(R),
  occurredDateTime: primitive,
  occurredPeriod: period,
  recorded: primitive,
  activity: concept,
  agent: many(provenanceAgent),
};

const patient: Record<string, Rule> = {
  active: primitive,
  gender: primitive,
};

/** Element rules by resource type (besides the engine's own: id, meta, contained, identifier, extension). */
export const RESOURCE_RULES: Readonly<Record<string, Readonly<Record<string, Rule>>>> = Object.freeze({
  Patient: patient,
  Observation: observation,
  DiagnosticReport: diagnosticReport,
  Specimen: specimen,
  ImagingStudy: imagingStudy,
  Encounter: encounter,
  Condition: condition,
  MedicationStatement: medicationStatement,
  Procedure: procedure,
  ChargeItem: chargeItem,
  ClinicalImpression: clinicalImpression,
  Provenance: provenance,
});
