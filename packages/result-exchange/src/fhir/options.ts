import { DEFAULT_LAB_SYSTEMS, type LabSystems } from '../systems.js';
import { normaliseUnit, type UnitNormaliser } from '../units.js';

/** Extension URLs for facts FHIR R4 has no element for (this SDK's own, configurable). */
export interface LabExtensionUrls {
  labQualityLevel: string;
  labAccreditation: string;
  lab: string;
  orderingFacility: string;
  reportNote: string;
  supersedes: string;
}

export const DEFAULT_EXTENSION_URLS: Readonly<LabExtensionUrls> = Object.freeze({
  labQualityLevel: 'urn:lienthong:fhir:ext:lab-quality-level',
  labAccreditation: 'urn:lienthong:fhir:ext:lab-accreditation',
  lab: 'urn:lienthong:fhir:ext:laboratory',
  orderingFacility: 'urn:lienthong:fhir:ext:ordering-facility',
  reportNote: 'urn:lienthong:fhir:ext:report-note',
  supersedes: 'urn:lienthong:fhir:ext:supersedes',
});

/** Options of the FHIR codec. */
export interface FhirCodecOptions {
  systems?: Partial<LabSystems>;
  extensions?: Partial<LabExtensionUrls>;
  /** System of order (ServiceRequest) identifiers. */
  orderIdSystem?: string;
  /** System of encounter identifiers (MA_LK). */
  encounterIdSystem?: string;
  normaliseUnit?: UnitNormaliser;
}

const DEFAULT_ORDER_SYSTEM = 'urn:lienthong:sid:lab-order';
const DEFAULT_ENCOUNTER_SYSTEM = 'urn:lienthong:sid:ma-lk';

/** The options with every default filled in. */
export interface Cfg {
  systems: LabSystems;
  ext: LabExtensionUrls;
  orderSystem: string;
  encounterSystem: string;
  unit: UnitNormaliser;
}

let defaultCfg: Cfg | undefined;

/** Resolves options (the all-defaults case is built once). */
export function cfg(o: FhirCodecOptions): Cfg {
  const isDefault =
    !o.systems && !o.extensions && !o.orderIdSystem && !o.encounterIdSystem && !o.normaliseUnit;
  if (isDefault && defaultCfg) return defaultCfg;
  const c: Cfg = {
    systems: { ...DEFAULT_LAB_SYSTEMS, ...o.systems },
    ext: { ...DEFAULT_EXTENSION_URLS, ...o.extensions },
    orderSystem: o.orderIdSystem ?? DEFAULT_ORDER_SYSTEM,
    encounterSystem: o.encounterIdSystem ?? DEFAULT_ENCOUNTER_SYSTEM,
    unit: o.normaliseUnit ?? normaliseUnit,
  };
  if (isDefault) defaultCfg = c;
  return c;
}
