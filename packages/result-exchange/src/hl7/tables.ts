import type { ObservationStatus, ReportStatus } from '../model.js';
import { DEFAULT_LAB_SYSTEMS, type LabSystems } from '../systems.js';

/** The HL7 v2 tables the ORU^R01 codec reads and writes, both ways. */

/**
 * HL7 v2 coding-system names (CWE-3) ↔ URIs. `LN`, `UCUM`, `SCT` and the `HL7nnnn` tables are
 * HL7's own; names starting `99` are local by HL7 rule — `99QD1227`, `99MADV`, `99TT23` and `L`
 * are this SDK's defaults for national, insurance-service, technique and local codes, not a
 * national convention (none exists): configure them to match your partners.
 */
export function defaultHl7CodingSystems(systems: LabSystems = DEFAULT_LAB_SYSTEMS): Record<string, string> {
  return {
    LN: systems.loinc,
    '99QD1227': systems.national,
    '99MADV': systems.serviceCode,
    '99TT23': systems.technique,
    L: systems.local,
    UCUM: systems.ucum,
    SCT: 'http://snomed.info/sct',
    HL70078: 'http://terminology.hl7.org/CodeSystem/v2-0078',
    HL70487: 'http://terminology.hl7.org/CodeSystem/v2-0487',
  };
}

/** HL7 table 0123 (OBR-25) → report status. Null prototype: `toString` is not a status. */
export const REPORT_STATUS: Record<string, ReportStatus> = Object.assign(Object.create(null), {
  O: 'registered',
  I: 'registered',
  S: 'registered',
  A: 'preliminary',
  P: 'preliminary',
  R: 'preliminary',
  F: 'final',
  C: 'corrected',
  X: 'cancelled',
});
/** HL7 table 0085 (OBX-11) → observation status. */
export const OBS_STATUS: Record<string, ObservationStatus> = Object.assign(Object.create(null), {
  I: 'registered',
  P: 'preliminary',
  R: 'preliminary',
  S: 'preliminary',
  F: 'final',
  U: 'final',
  C: 'corrected',
  X: 'cancelled',
  N: 'cancelled',
  D: 'entered-in-error',
  W: 'entered-in-error',
});
/** Report status → table 0123, written in OBR-25. */
export const REPORT_STATUS_OUT: Record<ReportStatus, string> = {
  registered: 'I',
  preliminary: 'P',
  final: 'F',
  amended: 'C',
  corrected: 'C',
  cancelled: 'X',
};
/** Observation status → table 0085, written in OBX-11. */
export const OBS_STATUS_OUT: Record<ObservationStatus, string> = {
  ...REPORT_STATUS_OUT,
  'entered-in-error': 'W',
};

/** NTE-4 comment type that marks a note of an order as the report's conclusion. */
export const CONCLUSION_TYPE = 'CONCL';
