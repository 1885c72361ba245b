/**
 * The URIs that name identifier systems in FHIR `Identifier.system`. Defaults follow the VN Core
 * FHIR IG as the MoH's IT department (Cục Công nghệ thông tin – Bộ Y tế) publishes it now
 * (canonical `http://fhir.ehealth.gov.vn/core`, status draft) where it defines a system. The older
 * community canonical (`http://fhir.hl7.org.vn/core`) and the SDK's previous defaults are still
 * read as the same systems ({@link LEGACY_IDENTIFIER_SYSTEMS}); every URI stays overridable per
 * deployment.
 */

/** VN Core canonical base: the IG published by the MoH's IT department. */
export const VN_CORE_BASE = 'http://fhir.ehealth.gov.vn/core';

/**
 * The older community VN Core canonical base (not endorsed by the MoH). Still seen in exchanged
 * data, so its identifier systems are read as aliases; the SDK no longer writes it.
 */
export const VN_CORE_COMMUNITY_BASE = 'http://fhir.hl7.org.vn/core';

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
 * Defaults. `cccd`, `bhyt`, `cmnd` and `passport` are the VN Core NamingSystems (the IG names the
 * 12-digit personal ID `national_id` and the old 9-digit card `citizen_id`). The others are not
 * defined there, so they use the project's own `urn:lienthong:sid:` namespace until a national URI
 * exists (DICOM UIDs use the `urn:dicom:uid` system of FHIR ImagingStudy) — override them to match
 * your exchange partners. The IG's `…/sid/provider-code` is not used for `facility`: what it
 * identifies is not confirmed.
 */
export const DEFAULT_IDENTIFIER_SYSTEMS: IdentifierSystems = Object.freeze({
  cccd: `${VN_CORE_BASE}/sid/national_id`,
  bhyt: `${VN_CORE_BASE}/sid/insurance_number`,
  cmnd: `${VN_CORE_BASE}/sid/citizen_id`,
  passport: `${VN_CORE_BASE}/sid/passport_number`,
  facility: 'urn:lienthong:sid:facility',
  socialInsurance: 'urn:lienthong:sid:bhxh',
  dicomUid: 'urn:dicom:uid',
});

/**
 * URIs that name the same systems as the defaults but are no longer written: the community VN Core
 * systems and the SDK's own URIs from before it followed the MoH's IG. Read as aliases by
 * {@link identifierSystemName} and {@link canonicalIdentifierSystem}.
 */
export const LEGACY_IDENTIFIER_SYSTEMS: Readonly<Partial<Record<IdentifierSystemName, readonly string[]>>> =
  Object.freeze({
    cccd: Object.freeze([`${VN_CORE_COMMUNITY_BASE}/sid/cccd`]),
    bhyt: Object.freeze([`${VN_CORE_COMMUNITY_BASE}/sid/bhyt`]),
    cmnd: Object.freeze(['urn:lienthong:sid:cmnd']),
    passport: Object.freeze(['urn:lienthong:sid:passport']),
  });

/**
 * The profiles of the VN Core IG the SDK declares in `meta.profile` of the resources it writes.
 * Only the profiles the IG publishes; they are drafts, like the IG.
 */
export const VN_CORE_PROFILES = Object.freeze({
  patient: `${VN_CORE_BASE}/StructureDefinition/vn-core-patient`,
  encounter: `${VN_CORE_BASE}/StructureDefinition/vn-core-encounter`,
  conditionEncounterDiagnosis: `${VN_CORE_BASE}/StructureDefinition/vn-core-condition-encounter-diagnosis`,
  medicationStatement: `${VN_CORE_BASE}/StructureDefinition/vn-core-medication-statement`,
  diagnosticReport: `${VN_CORE_BASE}/StructureDefinition/vn-core-diagnosticreport`,
} as const);

/**
 * The systems of a deployment: defaults with some URIs replaced.
 * @example const systems = createIdentifierSystems({ bhyt: 'https://so-y-te.example.vn/sid/bhyt' });
 */
export function createIdentifierSystems(overrides: Partial<IdentifierSystems> = {}): IdentifierSystems {
  return Object.freeze({ ...DEFAULT_IDENTIFIER_SYSTEMS, ...overrides });
}

/**
 * The published URIs of one system besides a deployment's own: the legacy aliases and, for the
 * VN Core systems, the current VN Core URI — so a deployment that keeps an old URI still reads the
 * current one as the same system ("read both").
 */
function knownUris(name: IdentifierSystemName): readonly string[] {
  const legacy = LEGACY_IDENTIFIER_SYSTEMS[name] ?? [];
  const current = DEFAULT_IDENTIFIER_SYSTEMS[name];
  return current.startsWith(`${VN_CORE_BASE}/`) ? [current, ...legacy] : legacy;
}

/**
 * The name of the system a URI belongs to, or undefined. The deployment's own URIs win; a legacy
 * alias ({@link LEGACY_IDENTIFIER_SYSTEMS}) or a current VN Core URI the deployment replaced names
 * the same system.
 * @example identifierSystemName('http://fhir.hl7.org.vn/core/sid/cccd') // 'cccd'
 */
export function identifierSystemName(
  uri: string,
  systems: IdentifierSystems = DEFAULT_IDENTIFIER_SYSTEMS,
): IdentifierSystemName | undefined {
  // Asked for every identifier a request names: a frozen deployment's answers are looked up.
  if (Object.isFrozen(systems)) return namesByUri(systems).get(uri);
  const names = Object.keys(systems) as IdentifierSystemName[];
  return names.find((name) => systems[name] === uri) ?? names.find((name) => knownUris(name).includes(uri));
}

const namesOfSystems = new WeakMap<IdentifierSystems, Map<string, IdentifierSystemName>>();

/** Each URI `systems` knows and the system it names: the deployment's own URIs first, then the aliases. */
function namesByUri(systems: IdentifierSystems): Map<string, IdentifierSystemName> {
  let byUri = namesOfSystems.get(systems);
  if (!byUri) {
    byUri = new Map();
    const names = Object.keys(systems) as IdentifierSystemName[];
    for (const name of names) if (!byUri.has(systems[name])) byUri.set(systems[name], name);
    for (const name of names) for (const uri of knownUris(name)) if (!byUri.has(uri)) byUri.set(uri, name);
    namesOfSystems.set(systems, byUri);
  }
  return byUri;
}

/**
 * The deployment's URI of the system `uri` names: an alias becomes the configured URI; any other
 * URI (a record-number system, an unknown one) comes back unchanged. Applied where identifiers
 * enter a store or a query, so data written with an older URI is found with the current one.
 * @example canonicalIdentifierSystem('http://fhir.hl7.org.vn/core/sid/bhyt') // 'http://fhir.ehealth.gov.vn/core/sid/insurance_number'
 */
export function canonicalIdentifierSystem(
  uri: string,
  systems: IdentifierSystems = DEFAULT_IDENTIFIER_SYSTEMS,
): string {
  const name = identifierSystemName(uri, systems);
  return name === undefined ? uri : systems[name];
}

/**
 * The identifier with its system made canonical ({@link canonicalIdentifierSystem}); the same
 * object when nothing changes, an identifier without a system unchanged.
 */
export function canonicalIdentifier<T extends { readonly system?: string | undefined }>(
  identifier: T,
  systems: IdentifierSystems = DEFAULT_IDENTIFIER_SYSTEMS,
): T {
  if (identifier.system === undefined) return identifier;
  const system = canonicalIdentifierSystem(identifier.system, systems);
  return system === identifier.system ? identifier : { ...identifier, system };
}

/**
 * Every URI that names the same system as `uri` under `systems`: the deployment's URI first, then
 * the aliases. For searches on servers that may hold data written with an older URI
 * (`identifier=<uri>|v,<alias>|v`). A URI of no known system answers itself alone.
 */
export function identifierSystemAliases(
  uri: string,
  systems: IdentifierSystems = DEFAULT_IDENTIFIER_SYSTEMS,
): string[] {
  const name = identifierSystemName(uri, systems);
  return name === undefined ? [uri] : [...new Set([systems[name], ...knownUris(name)])];
}

/** The URI of the per-facility record-number system (hospital record numbers are opaque, per facility). */
export function facilityRecordSystem(facilityCode: string): string {
  return `urn:lienthong:sid:mrn:${facilityCode}`;
}
