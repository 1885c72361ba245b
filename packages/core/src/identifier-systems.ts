/**
 * The URIs that name identifier systems in FHIR `Identifier.system`. Defaults follow the community
 * "VN Core" guide (`http://fhir.hl7.org.vn/core/`, not endorsed by the MoH) where it defines a
 * system; every URI is overridable per deployment because no national rule fixes them yet.
 */

/** VN Core canonical base. */
export const VN_CORE_BASE = 'http://fhir.hl7.org.vn/core';

/** Names of the identifier systems the SDK knows. */
export type IdentifierSystemName =
  | 'cccd' // 12-digit personal identification number (citizen ID)
  | 'bhyt' // health-insurance card number
  | 'cmnd' // old 9-digit identity card
  | 'passport'
  | 'facility' // 5-digit facility code (mã cơ sở KCB)
  | 'socialInsurance' // 10-digit social-insurance number (mã số BHXH)
  | 'dicomUid';

/** A complete set of identifier-system URIs. */
export type IdentifierSystems = Readonly<Record<IdentifierSystemName, string>>;

/**
 * Defaults. `cccd` and `bhyt` are the VN Core URIs; the others are not defined there, so they use
 * the project's own `urn:lienthong:sid:` namespace until a national URI exists (DICOM UIDs use
 * the `urn:dicom:uid` system of FHIR ImagingStudy) — override them to match your exchange partners.
 */
export const DEFAULT_IDENTIFIER_SYSTEMS: IdentifierSystems = Object.freeze({
  cccd: `${VN_CORE_BASE}/sid/cccd`,
  bhyt: `${VN_CORE_BASE}/sid/bhyt`,
  cmnd: 'urn:lienthong:sid:cmnd',
  passport: 'urn:lienthong:sid:passport',
  facility: 'urn:lienthong:sid:facility',
  socialInsurance: 'urn:lienthong:sid:bhxh',
  dicomUid: 'urn:dicom:uid',
});

/**
 * The systems of a deployment: defaults with some URIs replaced.
 * @example const systems = createIdentifierSystems({ bhyt: 'https://so-y-te.example.vn/sid/bhyt' });
 */
export function createIdentifierSystems(overrides: Partial<IdentifierSystems> = {}): IdentifierSystems {
  return Object.freeze({ ...DEFAULT_IDENTIFIER_SYSTEMS, ...overrides });
}

/** The name of the system a URI belongs to, or undefined. */
export function identifierSystemName(
  uri: string,
  systems: IdentifierSystems = DEFAULT_IDENTIFIER_SYSTEMS,
): IdentifierSystemName | undefined {
  for (const [name, value] of Object.entries(systems)) if (value === uri) return name as IdentifierSystemName;
  return undefined;
}

/** The URI of the per-facility record-number system (hospital record numbers are opaque, per facility). */
export function facilityRecordSystem(facilityCode: string): string {
  return `urn:lienthong:sid:mrn:${facilityCode}`;
}
