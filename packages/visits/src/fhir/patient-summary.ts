import {
  type Bundle,
  type BundleEntry,
  type CodeableConcept,
  type Composition,
  type Condition,
  type Encounter,
  type MedicationStatement,
  newUrnUuid,
  type Patient,
  type Procedure,
  type Reference,
  type Resource,
} from '@lienthong/core';
import { toFhirResources } from '@lienthong/result-exchange/fhir';
import type { PatientSummary } from '../history/summary-model.js';
import { parseVisitKey } from '../provider-kit/publish.js';
import { escapeXml } from '../xml130/xml.js';
import { type VisitFhirOptions, visitFhirConfig } from './options.js';
import { AMBULATORY, CONDITION_CATEGORY, INPATIENT } from './vocabulary.js';

const LOINC = 'http://loinc.org';
/** The sections of the document: the IPS ones (HL7 International Patient Summary, CC0) and the encounters. */
export const SUMMARY_SECTIONS = Object.freeze({
  problems: { code: '11450-4', title: 'Problem list', titleVi: 'Danh sách bệnh' },
  medications: { code: '10160-0', title: 'History of medication use', titleVi: 'Thuốc đã dùng' },
  procedures: { code: '47519-4', title: 'History of procedures', titleVi: 'Thủ thuật, phẫu thuật' },
  results: {
    code: '30954-2',
    title: 'Relevant diagnostic tests/laboratory data',
    titleVi: 'Kết quả xét nghiệm',
  },
  // IPS has no encounters section: the C-CDA encounters section code carries the visits.
  encounters: {
    code: '46240-8',
    title: 'History of hospitalizations and outpatient visits',
    titleVi: 'Các lượt khám, điều trị',
  },
});
/** IPS document type: LOINC 60591-5 Patient summary Document. */
const IPS_TYPE = { system: LOINC, code: '60591-5', display: 'Patient summary Document' };
const EMPTY_REASON = 'http://terminology.hl7.org/CodeSystem/list-empty-reason';
/** Diagnoses a disclosure policy withheld from this reader (never silently: counted in the document). */
export const WITHHELD_EXTENSION = 'urn:lienthong:fhir:ext:withheld-diagnoses';

/** Options of {@link encodePatientSummaryDocument}. */
export interface PatientSummaryDocumentOptions extends VisitFhirOptions {
  /** Who made the document (the hub): a reference put in `Composition.author`. */
  author?: Composition['author'][number];
  /** The document identifier's system and value (default: the SDK's own system and a fresh UUID). */
  identifier?: { system: string; value: string };
}

const div = (lines: string[]): { status: 'generated'; div: string } => ({
  status: 'generated',
  div: `<div xmlns="http://www.w3.org/1999/xhtml"><ul>${lines.map((l) => `<li>${escapeXml(l)}</li>`).join('')}</ul></div>`,
});

interface Section {
  key: keyof typeof SUMMARY_SECTIONS;
  resources: Resource[];
  lines: string[];
}

/**
 * The patient summary as a FHIR `document` Bundle in the International Patient Summary style: a
 * Composition (LOINC 60591-5) with the problems (11450-4), medications (10160-0), procedures
 * (47519-4) and results (30954-2) sections and the encounters (46240-8), each with its resources and
 * a narrative; an empty section says why (`emptyReason`). What a disclosure policy withheld is
 * counted (`urn:lienthong:fhir:ext:withheld-diagnoses`) and said in the problems narrative.
 * Imaging references are not in the document (IPS results hold observations and reports).
 * @example const { value: document } = encodePatientSummaryDocument(await history.summary(patient));
 */
export function encodePatientSummaryDocument(
  summary: PatientSummary,
  options: PatientSummaryDocumentOptions = {},
): { value: Bundle; warnings: [] } {
  const cfg = visitFhirConfig(options);
  const patientUrl = newUrnUuid();
  const subject: Reference<Patient> = { reference: patientUrl };
  const patient: Patient = {
    resourceType: 'Patient',
    identifier: summary.patient.identifiers.map((i) => ({ system: i.system, value: i.value })),
    ...(summary.patient.name ? { name: [{ text: summary.patient.name }] } : {}),
    ...(summary.patient.sex ? { gender: summary.patient.sex } : {}),
    ...(summary.patient.birth ? { birthDate: summary.patient.birth.slice(0, 10) } : {}),
  };
  const where = (facility?: string) => (facility ? ` (${facility})` : '');
  const sections: Section[] = [
    {
      key: 'problems',
      resources: summary.problems.map(
        (p): Condition => ({
          resourceType: 'Condition',
          category: [{ coding: [{ system: CONDITION_CATEGORY, code: 'encounter-diagnosis' }] }],
          code: { coding: [{ ...p.code }], ...(p.code.display ? { text: p.code.display } : {}) },
          subject,
          ...(p.firstSeen ? { onsetDateTime: p.firstSeen } : {}),
          ...(p.lastSeen ? { recordedDate: p.lastSeen } : {}),
        }),
      ),
      lines: [
        ...summary.problems.map(
          (p) =>
            `${p.code.code} ${p.code.display ?? ''} — ${p.firstSeen?.slice(0, 10) ?? '?'} … ${p.lastSeen?.slice(0, 10) ?? '?'}${where(p.facilities.join(', '))}`,
        ),
        ...(summary.withheld > 0 ? [`Withheld / Không hiển thị: ${summary.withheld}`] : []),
      ],
    },
    {
      key: 'medications',
      resources: summary.medications.map(
        (m): MedicationStatement => ({
          resourceType: 'MedicationStatement',
          status: m.status === 'current' ? 'active' : 'completed',
          medicationCodeableConcept: concept(
            m.code ? [{ system: cfg.codes.MA_THUOC, code: m.code }] : [],
            m.name,
          ),
          subject,
          ...(m.at ? { effectiveDateTime: m.at } : {}),
          ...(m.dose || m.directions
            ? {
                dosage: [
                  {
                    ...(m.dose ? { text: m.dose } : {}),
                    ...(m.directions ? { patientInstruction: m.directions } : {}),
                  },
                ],
              }
            : {}),
        }),
      ),
      lines: summary.medications.map(
        (m) =>
          `${m.name ?? m.code ?? '?'} ${m.dose ?? ''} — ${m.at?.slice(0, 10) ?? '?'} [${m.status}]${where(m.facility)}`,
      ),
    },
    {
      key: 'procedures',
      resources: summary.procedures.map(
        (p): Procedure => ({
          resourceType: 'Procedure',
          status: 'completed',
          code: concept([{ ...p.code }], p.name),
          subject,
          ...(p.at ? { performedDateTime: p.at } : {}),
        }),
      ),
      lines: summary.procedures.map(
        (p) => `${p.code.code} ${p.name ?? ''} — ${p.at?.slice(0, 10) ?? '?'}${where(p.facility)}`,
      ),
    },
    { key: 'results', resources: [], lines: [] },
    {
      key: 'encounters',
      resources: summary.encounters.map(
        (e): Encounter => ({
          resourceType: 'Encounter',
          identifier: [{ system: cfg.ids.visit, value: parseVisitKey(e.visit)?.id ?? e.visit }],
          status: e.dischargedAt ? 'finished' : 'in-progress',
          class: e.inpatientAt ? INPATIENT : AMBULATORY,
          subject,
          ...(e.admittedAt || e.dischargedAt
            ? {
                period: {
                  ...(e.admittedAt ? { start: e.admittedAt } : {}),
                  ...(e.dischargedAt ? { end: e.dischargedAt } : {}),
                },
              }
            : {}),
          ...(e.facility
            ? {
                serviceProvider: {
                  type: 'Organization',
                  identifier: { system: cfg.ids.facility, value: e.facility },
                },
              }
            : {}),
        }),
      ),
      lines: summary.encounters.map(
        (e) =>
          `${e.admittedAt?.slice(0, 10) ?? '?'} … ${e.dischargedAt?.slice(0, 10) ?? ''} ${e.mainDiagnosis?.code ?? ''} ${e.mainDiagnosis?.display ?? ''}${where(e.facility)}`,
      ),
    },
  ];
  const entries: BundleEntry[] = [];
  const entryOf = (r: Resource): Reference => {
    const fullUrl = newUrnUuid();
    entries.push({ fullUrl, resource: r });
    return { reference: fullUrl };
  };
  // Results: the reports with their observations, through result-exchange; the section lists the reports.
  const results = sections.find((s) => s.key === 'results')!;
  const resultRefs: Reference[] = [];
  for (const report of summary.labResults) {
    const { entries: lab } = toFhirResources(report, {
      ...cfg.lab,
      type: 'collection',
      includePatient: false,
    });
    for (const e of lab) {
      const r = e.resource as Resource & { subject?: Reference };
      if (r.subject) r.subject = subject;
      entries.push({ fullUrl: e.fullUrl!, resource: r });
    }
    resultRefs.push({ reference: lab.at(-1)!.fullUrl! });
    results.lines.push(
      `${report.codes[0]?.display ?? report.codes[0]?.code ?? report.id} — ${report.issuedAt?.slice(0, 10) ?? ''}`,
    );
  }
  const composition: Composition = {
    resourceType: 'Composition',
    ...(summary.withheld > 0
      ? { extension: [{ url: WITHHELD_EXTENSION, valueInteger: summary.withheld }] }
      : {}),
    status: 'final',
    type: { coding: [IPS_TYPE] },
    subject,
    date: summary.asOf,
    author: [options.author ?? { display: 'Liên Thông' }],
    title: 'Tóm tắt bệnh án / Patient summary',
    section: sections.map((s) => {
      const refs = s.key === 'results' ? resultRefs : s.resources.map(entryOf);
      const def = SUMMARY_SECTIONS[s.key];
      return {
        title: `${def.titleVi} / ${def.title}`,
        code: { coding: [{ system: LOINC, code: def.code }] },
        text: div(s.lines.length > 0 ? s.lines : ['Không có thông tin / No information']),
        ...(refs.length > 0
          ? { entry: refs }
          : { emptyReason: { coding: [{ system: EMPTY_REASON, code: 'unavailable' }] } as CodeableConcept }),
      };
    }),
  };
  const identifier = options.identifier ?? { system: 'urn:ietf:rfc:3986', value: newUrnUuid() };
  return {
    value: {
      resourceType: 'Bundle',
      type: 'document',
      identifier,
      timestamp: summary.asOf,
      entry: [
        { fullUrl: newUrnUuid(), resource: composition },
        { fullUrl: patientUrl, resource: patient },
        ...entries,
      ],
    },
    warnings: [],
  };
}

function concept(coding: { system: string; code: string }[], text: string | undefined): CodeableConcept {
  return { ...(coding.length > 0 ? { coding } : {}), ...(text ? { text } : {}) };
}
