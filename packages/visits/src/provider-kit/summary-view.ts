import type { Visit } from '../model.js';
import { MEDICATION_FIELDS, pick } from './summary-parts.js';

// What summaryParts and discloseVisits read of a visit besides its lists (codings, lab reports,
// identifiers): summaryView keeps these and nothing else. A field they read must be listed here
// (test/summary-parts.prop.test.ts compares the summaries of visits and of their views).
const VIEW_VISIT_FIELDS = [
  'facility',
  'visitType',
  'admittedAt',
  'inpatientAt',
  'dischargedAt',
  'mainDiagnosis',
] as const;
const VIEW_MEDICATION_FIELDS = [...MEDICATION_FIELDS, 'administeredAt', 'orderedAt'] as const;
const VIEW_SERVICE_FIELDS = ['name', 'performedAt', 'orderedAt'] as const;

/**
 * The part of a visit its summary is made from — dates, diagnoses, procedures, medications, lab
 * reports, the patient's identifiers, name, birth and sex — as a `Visit` whose other fields are
 * empty (notes, source rows, verbatim tables, quantities…). `summarizeVisits` (after
 * `discloseVisits`) gives the same summary from views as from the visits, so a store can keep each
 * visit's view beside it and make summaries from less JSON. (The hub kept views before it kept
 * `SummaryParts`, which cost less again; it still reads the views it stored.)
 * @example const same = summarizeVisits(visits.map(summaryView), { patient });
 */
export function summaryView(visit: Visit): Visit {
  const { patient } = visit;
  return {
    id: visit.id,
    ...pick(visit, VIEW_VISIT_FIELDS),
    patient: { ...pick(patient, ['name', 'birth', 'sex']), identifiers: patient.identifiers },
    secondaryDiagnoses: visit.secondaryDiagnoses,
    traditionalDiagnoses: [],
    procedures: visit.procedures,
    followUpDates: [],
    medications: visit.medications.map((m) => ({ ...pick(m, VIEW_MEDICATION_FIELDS), source: {} })),
    services: visit.services.map((s) => ({
      ...pick(s, VIEW_SERVICE_FIELDS),
      procedures: s.procedures,
      diagnoses: s.diagnoses,
      source: {},
    })),
    notes: [],
    labReports: visit.labReports,
    labRows: [],
    otherTables: [],
    source: {},
  };
}
