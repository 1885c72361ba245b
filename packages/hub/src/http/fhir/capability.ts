import type { CapabilityStatement } from '@lienthong/core';

/** A search parameter the facade honours, as declared in its CapabilityStatement. */
export interface ParamSpec {
  name: string;
  type: 'token' | 'reference' | 'date' | 'string' | 'number' | 'special';
  /**
   * Modifiers (`:identifier`) and chains (`.identifier`) accepted after the name. The
   * CapabilityStatement lists each as a parameter of its own (`patient:identifier`): FHIR R4 has no
   * field for them, and clients (the SDK's `fhir` providers) use one only when it is listed.
   */
  suffixes?: readonly string[];
  documentation: string;
}

/** What the facade serves of one resource type; the single source of the CapabilityStatement and of parameter checks. */
export interface ResourceSpec {
  type:
    | 'Patient'
    | 'DiagnosticReport'
    | 'Observation'
    | 'Specimen'
    | 'ImagingStudy'
    | 'Endpoint'
    | 'Encounter'
    | 'Condition'
    | 'MedicationStatement'
    | 'Procedure'
    | 'ClinicalImpression'
    | 'ChargeItem';
  interactions: readonly ('read' | 'vread' | 'history-instance' | 'search-type')[];
  versioning: 'no-version' | 'versioned';
  searchParams: readonly ParamSpec[];
  searchInclude?: readonly string[];
  /** Operations on the type (`Patient/$summary`): name, canonical definition, what it does. */
  operations?: readonly { name: string; definition: string; documentation: string }[];
  documentation: string;
}

/** Largest `_count` served (larger values are capped) and largest `_offset` accepted. */
export const MAX_COUNT = 500;
export const MAX_OFFSET = 10_000;

const count: ParamSpec = {
  name: '_count',
  type: 'number',
  documentation: `Page size, 1–${MAX_COUNT} (default 50; larger values are capped at ${MAX_COUNT}).`,
};
const cursor: ParamSpec = {
  name: '_cursor',
  type: 'string',
  documentation: 'Opaque position of the next page, as written in the Bundle `next` link.',
};
const offset: ParamSpec = {
  name: '_offset',
  type: 'number',
  documentation: `Skips this many matches (0–${MAX_OFFSET}); \`next\` links page with \`_cursor\` instead.`,
};
const elements: ParamSpec = {
  name: '_elements',
  type: 'special',
  documentation:
    'Top-level elements to return in the matches (mandatory ones are always kept); subsetted resources carry the SUBSETTED tag.',
};
const sort = (key: string): ParamSpec => ({
  name: '_sort',
  type: 'special',
  documentation: `Only \`-${key}\` (newest first), which is also the order without \`_sort\`.`,
});
const patientRef = (name: 'patient' | 'subject'): ParamSpec => ({
  name,
  type: 'reference',
  suffixes: [':identifier', '.identifier'],
  documentation: `\`Patient/<id>\` (the patient's records under any of its identifiers), or \`${name}:identifier=system|value\`. One patient per search: each read of patient data is audited against that patient. A search names a patient, unless it names records by \`identifier\` or lists the caller's own (\`facility\`).`,
});
const facility = (records: string): ParamSpec => ({
  name: 'facility',
  type: 'token',
  documentation: `Code of the facility that published the ${records} (the one its key belongs to). It narrows a search that names a patient or records; without those, only the caller's own code is served: a listing of the ${records} it published itself, audited as such (\`fhir-search-own\`). Another facility's code is refused (403 \`HUB_SEARCH_OTHER_FACILITY\`).`,
});
const patientRefSystemRequired = (name: 'patient' | 'subject'): ParamSpec => ({
  ...patientRef(name),
  documentation: `${patientRef(name).documentation} The identifier system is required.`,
});
const clinicalDate: ParamSpec = {
  name: 'date',
  type: 'date',
  documentation:
    'Clinical time of the report (specimen collection, else effective, else issued); prefixes eq, ge, gt, le, lt; dates count in Vietnam time (+07:00).',
};

const visitDate = (name: string, what: string): ParamSpec => ({
  name,
  type: 'date',
  documentation: `${what}: the stay of its visit (admission to discharge; an open visit runs to now) overlaps the range; prefixes eq, ge, gt, le, lt; dates count in Vietnam time (+07:00). Pages hold the resources of whole visits.`,
});
const visitCode = (what: string): ParamSpec => ({
  name: 'code',
  type: 'token',
  documentation: `${what}: \`system|code\` or \`code\` (comma: any of them); ICD-10 codes match with or without the dot (\`J18.9\`, \`J189\`).`,
});
const visitPatient = (name: 'patient' | 'subject'): ParamSpec => ({
  ...patientRefSystemRequired(name),
  documentation: `${patientRefSystemRequired(name).documentation} Visits are read patient by patient, after the hub's disclosure policy (a withheld diagnosis is in no answer): a search names the patient, or the visits (\`encounter\`/\`context\`, Encounter \`identifier\`), all of one patient.`,
});
/** Most visits one search may name by reference or key. */
export const MAX_VISIT_REFS = 100;
/** The parameter naming the visits whose parts a search reads (`encounter`, or `context` where FHIR R4 calls it so). */
const visitRef = (name: 'encounter' | 'context'): ParamSpec => ({
  name,
  type: 'reference',
  documentation: `The visits: \`Encounter/<id>\` (the current version's resources) or \`Encounter/<id>/_history/<n>\` (version n's, which point at that version); comma: any of them, up to ${MAX_VISIT_REFS}, all of one patient (400 \`HUB_SEARCH_SEVERAL_PATIENTS\` otherwise).`,
});
const visitPaging = [count, cursor, elements] as const;
/** The resources of a visit (made by the visits package's FHIR mapping), one spec per type. */
const visitResource = (
  type: 'Encounter' | 'Condition' | 'MedicationStatement' | 'Procedure' | 'ClinicalImpression' | 'ChargeItem',
  documentation: string,
  params: readonly ParamSpec[],
): ResourceSpec => ({
  type,
  interactions:
    type === 'Encounter' ? ['read', 'vread', 'history-instance', 'search-type'] : ['read', 'search-type'],
  versioning: type === 'Encounter' ? 'versioned' : 'no-version',
  documentation,
  searchParams: [visitPatient('patient'), visitPatient('subject'), ...params, ...visitPaging],
});

/** Every resource type the facade serves, and how. It is read-only: no create, update, delete or transaction. */
export const FACADE_RESOURCES: readonly ResourceSpec[] = [
  {
    type: 'Patient',
    interactions: ['read', 'search-type'],
    versioning: 'no-version',
    documentation:
      'The hub patient directory, and the patient summary of the visits the hub holds (`$summary`).',
    operations: [
      {
        name: 'summary',
        definition: 'http://hl7.org/fhir/uv/ips/OperationDefinition/summary',
        documentation:
          '`GET /Patient/$summary?identifier=system|value`, or `POST /Patient/$summary` with a `Parameters` body holding one `identifier` (`valueIdentifier`): the patient summary of the visits every facility shared, as an International Patient Summary-style `document` Bundle, after the disclosure policy (what it withheld is counted).',
      },
    ],
    searchParams: [
      {
        name: 'identifier',
        type: 'token',
        documentation:
          '`system|value`, or `value` in any system. Required, one value per search: the other parameters narrow the patient it names (400 `HUB_SEARCH_PATIENT_REQUIRED` without it).',
      },
      {
        name: 'family',
        type: 'string',
        documentation: 'Start of the family name (diacritics and case ignored).',
      },
      { name: 'given', type: 'string', documentation: 'Start of a middle or given name word.' },
      { name: 'name', type: 'string', documentation: 'Start of any name word.' },
      { name: 'birthdate', type: 'date', documentation: '`YYYY`, `YYYY-MM` or `YYYY-MM-DD` (no prefixes).' },
      { name: 'gender', type: 'token', documentation: '`male`, `female`, `other` or `unknown`.' },
      count,
      cursor,
      elements,
    ],
  },
  {
    type: 'DiagnosticReport',
    interactions: ['read', 'vread', 'history-instance', 'search-type'],
    versioning: 'versioned',
    documentation:
      'Lab reports, every version kept (`meta.versionId` is the report version). Imaging reports are found by `identifier=urn:lienthong:sid:imaging-report|<study UID>` and read by id; they are updated in place, so their history is the current version only. Subjects are logical references (the patient identifier; a contained Patient holding every identifier when the patient has several), so `DiagnosticReport:subject` includes nothing.',
    searchInclude: ['DiagnosticReport:result', 'DiagnosticReport:specimen', 'DiagnosticReport:subject'],
    searchParams: [
      {
        name: 'identifier',
        type: 'token',
        documentation:
          'Report id: `system|value` or `value` (comma-separated values: any of them). `urn:lienthong:sid:imaging-report|<study UID>` finds the report of an imaging study (with `_count` and `_elements` only).',
      },
      patientRefSystemRequired('patient'),
      patientRefSystemRequired('subject'),
      {
        name: 'code',
        type: 'token',
        documentation:
          '`system|code` of the report or one of its results (comma: any of them); the system is required.',
      },
      clinicalDate,
      { name: 'status', type: 'token', documentation: 'Report status (comma: any of them).' },
      facility('reports'),
      sort('date'),
      count,
      cursor,
      offset,
      elements,
    ],
  },
  {
    type: 'Observation',
    interactions: ['read', 'search-type'],
    versioning: 'no-version',
    documentation:
      'Lab results. Each version of a report has its own Observations: a superseded version keeps pointing at the results it had.',
    searchParams: [
      patientRefSystemRequired('patient'),
      patientRefSystemRequired('subject'),
      {
        name: 'code',
        type: 'token',
        documentation: '`system|code` of the result (comma: any of them); the system is required.',
      },
      {
        ...clinicalDate,
        documentation: `${clinicalDate.documentation} Pages hold the results of whole reports.`,
      },
      facility('results'),
      sort('date'),
      count,
      cursor,
      offset,
      elements,
    ],
  },
  {
    type: 'Specimen',
    interactions: ['read'],
    versioning: 'no-version',
    documentation: 'The specimen of a lab report version (referenced from the report and its results).',
    searchParams: [],
  },
  {
    type: 'ImagingStudy',
    interactions: ['read', 'search-type'],
    versioning: 'no-version',
    documentation: 'Imaging references; DICOMweb Endpoints are contained in the study.',
    searchParams: [
      {
        name: 'identifier',
        type: 'token',
        documentation: 'Study Instance UID: `urn:dicom:uid|urn:oid:<uid>` (comma: any of them).',
      },
      {
        ...patientRef('patient'),
        documentation: `${patientRef('patient').documentation} The system may be left out.`,
      },
      {
        ...patientRef('subject'),
        documentation: `${patientRef('subject').documentation} The system may be left out.`,
      },
      {
        name: 'modality',
        type: 'token',
        documentation: 'DICOM modality code (`http://dicom.nema.org/resources/ontology/DCM|CT` or `CT`).',
      },
      {
        name: 'started',
        type: 'date',
        documentation:
          'Study date, day precision: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with eq, ge, gt, le, lt.',
      },
      facility('studies'),
      sort('started'),
      count,
      cursor,
      offset,
      elements,
    ],
  },
  {
    type: 'Endpoint',
    interactions: ['read', 'search-type'],
    versioning: 'no-version',
    documentation: `The DICOMweb Endpoints of imaging studies, one per study and kind, as contained in their ImagingStudy. The id of a WADO-RS Endpoint is its study UID; a QIDO-RS Endpoint's is the study UID with hyphens for dots. Reading one is a read of its study, audited against the study's patient.`,
    searchParams: [
      {
        name: '_id',
        type: 'token',
        documentation: `Endpoint ids (comma: any of them, up to ${MAX_COUNT}). Required: Endpoints are found through their studies.`,
      },
      {
        name: 'connection-type',
        type: 'token',
        documentation:
          '`dicom-wado-rs` or `dicom-qido-rs`, system `http://terminology.hl7.org/CodeSystem/endpoint-connection-type` or none (comma: any of them).',
      },
      elements,
    ],
  },
  visitResource(
    'Encounter',
    "Visits (XML 130 `MA_LK`): one Encounter per visit, every version kept (`meta.versionId` and the `urn:lienthong:fhir:ext:visit-version` extension are the visit version; searches answer the current one, `_history` every one). The id is `<facility>.<MA_LK>` (a digest when they are not id characters); the visit key `<facility>:<MA_LK>` is an identifier (`urn:lienthong:sid:visit-key`). What the other resources do not give back of the visit (its Patient, which the facade does not serve) rides in the `urn:lienthong:fhir:ext:visit-model` extension, so the SDK's `fhir` visit history reads each version back whole.",
    [
      {
        name: 'identifier',
        type: 'token',
        documentation: `The visit key: \`urn:lienthong:sid:visit-key|<facility>:<MA_LK>\` (comma: any of them, up to ${MAX_VISIT_REFS}, all of one patient); other identifier systems are refused.`,
      },
      visitDate('date', 'Visit time'),
      sort('date'),
    ],
  ),
  visitResource(
    'Condition',
    "A visit's diagnoses (ICD-10): id `<visit id>.v<version>.<part>`. A diagnosis the disclosure policy withholds from the reader is in no Condition and no `Encounter.diagnosis`.",
    [visitRef('encounter'), visitCode('ICD-10 code')],
  ),
  visitResource(
    'MedicationStatement',
    "A visit's medications (XML2 rows): id `<visit id>.v<version>.<part>`.",
    [visitRef('context'), visitCode('Drug code'), visitDate('effective', 'Medication time')],
  ),
  visitResource(
    'Procedure',
    "A visit's procedures (ICD-9-CM) and services (XML3 rows with a service code): id `<visit id>.v<version>.<part>`.",
    [visitRef('encounter'), visitCode('Procedure or service code'), visitDate('date', 'Procedure time')],
  ),
  visitResource(
    'ClinicalImpression',
    "A visit's clinical notes (XML5 rows): id `<visit id>.v<version>.<part>`.",
    [visitRef('encounter')],
  ),
  visitResource(
    'ChargeItem',
    "A visit's supplies (XML3 rows without a service code): id `<visit id>.v<version>.<part>`.",
    [visitRef('context')],
  ),
];

/** The spec of a resource type the facade serves. */
export function resourceSpec(type: ResourceSpec['type']): ResourceSpec {
  return FACADE_RESOURCES.find((r) => r.type === type)!;
}

/** The Bulk Data IG's server CapabilityStatement, which the facade instantiates when it serves exports. */
export const BULK_DATA_SERVER = 'http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data';
const BULK_OPERATION = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition';
const BULK_DOC =
  'FHIR Bulk Data (v2) export, asynchronous (`Prefer: respond-async`): `_type`, `_since`, `_until`, `_typeFilter` (per type: DiagnosticReport code, status, date; Observation code, date; ImagingStudy modality, started; Encounter date; Condition code; MedicationStatement code, effective; Procedure code, date — on visit resources a date matches the visit period, as in their searches), `_outputFormat` (NDJSON), `_deidentify`, `_elements` (root element names, alone or `Type.element`; mandatory elements are kept and subsetted resources are tagged SUBSETTED), and — POSTed at Patient and Group level only — `patient` (valueReference `Patient/<id>`, repeatable: those patients only). `includeAssociatedData` is not supported (refused as an unknown parameter). Writes Patient, DiagnosticReport, Observation, Specimen, ImagingStudy and the visits (Encounter, Condition, MedicationStatement, Procedure, ClinicalImpression, ChargeItem, after the disclosure policy). Needs the `export` scope; a facility exports its own records and patients.';

/**
 * The facade's CapabilityStatement: exactly the types, interactions and parameters it serves —
 * and, with `bulkExport`, the Bulk Data export operations (system, Patient, Group).
 */
export function capabilityStatement(
  base: string,
  options: { bulkExport?: boolean } = {},
): CapabilityStatement {
  const bulk = options.bulkExport === true;
  const exportOf = (name: string) => ({
    name: 'export',
    definition: `${BULK_OPERATION}/${name}`,
    documentation: BULK_DOC,
  });
  return {
    resourceType: 'CapabilityStatement',
    ...(bulk ? { instantiates: [BULK_DATA_SERVER] } : {}),
    status: 'active',
    date: '2026-11-26',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    software: { name: 'Liên Thông hub FHIR facade' },
    implementation: { description: 'Liên Thông exchange hub (read and search only)', url: base },
    rest: [
      {
        mode: 'server',
        documentation:
          (bulk ? 'Read-only but for bulk export and saved cohorts (Group create and delete)' : 'Read-only') +
          ': records are written through the hub API (/v1). Unknown or unsupported search parameters and `_include` values are refused with 400 unless the request says `Prefer: handling=lenient`, in which case they are left out of the search and of its `self` link. One patient per search: a search of patient data names one patient (or records by id, all of one patient), or lists the records the calling facility published itself (`facility=<its own code>`); otherwise 400 `HUB_SEARCH_PATIENT_REQUIRED` (`HUB_SEARCH_SEVERAL_PATIENTS` for several patients).',
        security: {
          description:
            'Every request but /metadata needs a facility API key (`Authorization: Bearer …`) with the `read` scope; every read of patient data is audited.',
        },
        ...(bulk ? { operation: [exportOf('export')] } : {}),
        resource: [
          ...FACADE_RESOURCES.map((r) => ({
            type: r.type,
            documentation: r.documentation,
            versioning: r.versioning,
            readHistory: r.interactions.includes('vread'),
            interaction: r.interactions.map((code) => ({ code })),
            ...(r.searchInclude ? { searchInclude: [...r.searchInclude] } : {}),
            ...(r.operations || (bulk && r.type === 'Patient')
              ? {
                  operation: [
                    ...(r.operations ?? []).map((o) => ({ ...o })),
                    ...(bulk && r.type === 'Patient' ? [exportOf('patient-export')] : []),
                  ],
                }
              : {}),
            ...(r.searchParams.length
              ? {
                  searchParam: r.searchParams.flatMap((p) => [
                    { name: p.name, type: p.type, documentation: p.documentation },
                    ...(p.suffixes ?? []).map((suffix) => ({
                      name: `${p.name}${suffix}`,
                      type: 'token' as const,
                      documentation: `\`${p.name}\` by the patient's identifier (\`${p.name}${suffix}=system|value\`), whether or not a Patient resource exists: see \`${p.name}\`.`,
                    })),
                  ]),
                }
              : {}),
          })),
          ...(bulk
            ? [
                {
                  type: 'Group' as const,
                  documentation:
                    "A Group is a facility registered on the hub (id: its code) — the patients it registered or whose records it published, exported by `Group/<code>/$export` (a facility its own group only) — or a saved cohort (id: a UUID): a Group of `type` person, `actual` true, whose members are `Patient/<id>` references or identifiers, created by POST (expanded to every identifier of each patient the directory knows), read and deleted by id, and exported by `Group/<id>/$export` (the records of its members; a facility's own records only, unless administrator). Cohorts need the `export` scope; a facility sees its own cohorts only.",
                  interaction: [
                    { code: 'create' as const },
                    { code: 'read' as const },
                    { code: 'delete' as const },
                  ],
                  operation: [exportOf('group-export')],
                },
              ]
            : []),
        ],
      },
    ],
  };
}
