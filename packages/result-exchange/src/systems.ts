import { KNOWN_SYSTEMS } from '@lienthong/catalogue/systems';
import { DEFAULT_IDENTIFIER_SYSTEMS, VN_CORE_BASE } from '@lienthong/core';

/**
 * The system URIs the codecs write and recognise. Defaults come from `@lienthong/catalogue`
 * (QĐ 1227, TT 23, insurance service codes, LOINC) and VN Core (patient identifiers); every URI
 * is configurable because no national rule fixes them yet.
 */
export interface LabSystems {
  /** QĐ 1227 national paraclinical indicator codes (7 digits). */
  national: string;
  loinc: string;
  /** Insurance service codes (MA_DICH_VU). */
  serviceCode: string;
  /** TT 23/2024 technique codes. */
  technique: string;
  /** The deployment's own local codes (default `urn:lienthong:cs:local`). */
  local: string;
  /** UCUM units. */
  ucum: string;
  /** System of report business identifiers when a report carries none. */
  reportId: string;
  /** Facility codes (mã cơ sở KCB). */
  facility: string;
}

export const DEFAULT_LAB_SYSTEMS: Readonly<LabSystems> = Object.freeze({
  national: KNOWN_SYSTEMS.qd1227.uri,
  loinc: KNOWN_SYSTEMS.loinc.uri,
  serviceCode: KNOWN_SYSTEMS['service-code'].uri,
  technique: KNOWN_SYSTEMS['tt23-pl01'].uri,
  local: 'urn:lienthong:cs:local',
  ucum: 'http://unitsofmeasure.org',
  reportId: 'urn:lienthong:sid:lab-report',
  facility: DEFAULT_IDENTIFIER_SYSTEMS.facility,
});

/** VN Core base, re-exported for documentation of the alignment. */
export const VN_CORE = VN_CORE_BASE;

/** The systems of a deployment: defaults with some URIs replaced. */
export function createLabSystems(overrides: Partial<LabSystems> = {}): Readonly<LabSystems> {
  return Object.freeze({ ...DEFAULT_LAB_SYSTEMS, ...overrides });
}

/** The kind of a code system URI under `systems`. */
export type CodeKind = 'national' | 'loinc' | 'serviceCode' | 'technique' | 'local' | 'other';

export function codeKind(system: string, systems: LabSystems = DEFAULT_LAB_SYSTEMS): CodeKind {
  if (system === systems.national) return 'national';
  if (system === systems.loinc) return 'loinc';
  if (system === systems.serviceCode) return 'serviceCode';
  if (system === systems.technique) return 'technique';
  if (system === systems.local) return 'local';
  return 'other';
}

const SHAPES: Partial<Record<CodeKind, (code: string) => boolean>> = {
  national: (c) => KNOWN_SYSTEMS.qd1227.pattern.test(c),
  loinc: (c) => /^\d{1,7}-\d$/.test(c),
  serviceCode: (c) => KNOWN_SYSTEMS['service-code'].pattern.test(c),
  technique: (c) => KNOWN_SYSTEMS['tt23-pl01'].pattern.test(c),
};

/**
 * Whether a code is recognised: its system is one of `systems` and it has that system's shape.
 * Unrecognised codes are kept and flagged (`unrecognised: true`), never dropped.
 */
export function isRecognisedCode(
  system: string,
  code: string,
  systems: LabSystems = DEFAULT_LAB_SYSTEMS,
): boolean {
  const kind = codeKind(system, systems);
  if (kind === 'other') return false;
  const shape = SHAPES[kind];
  return shape ? shape(code) : true;
}
