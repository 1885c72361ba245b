/**
 * What the `fhir` visit history writes on a FHIR server beside the codec's resources (its
 * defaults): servers and tools that read its visits use the same URLs.
 */

/** Identifier system of the visit key `<facility>:<MA_LK>` on each version's Encounter (MA_LK alone is unique per facility only). */
export const FHIR_VISIT_KEY_SYSTEM = 'urn:lienthong:sid:visit-key';

/** Extension on each version's Encounter carrying the visit's version number (`valueInteger`). */
export const FHIR_VISIT_VERSION_EXTENSION = 'urn:lienthong:fhir:ext:visit-version';

/**
 * Identifier system of a Patient as one visit recorded it (a digest of its facts): visits that
 * recorded the same facts share the Patient; another record number or name is another Patient, so
 * every version reads back the patient it was published with.
 */
export const FHIR_PATIENT_RECORD_SYSTEM = 'urn:lienthong:sid:patient-record';

/**
 * Extension on a version's Encounter carrying, as JSON, the fields of the visit the FHIR mapping
 * does not give back exactly (`{ set, unset }`, top-level fields) — absent for visits read from
 * XML 130, which the mapping carries whole.
 */
export const FHIR_VISIT_MODEL_EXTENSION = 'urn:lienthong:fhir:ext:visit-model';
