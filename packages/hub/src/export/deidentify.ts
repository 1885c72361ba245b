import { DEFAULT_POLICY } from './deidentify/engine.js';
import { buildDeidentifier, type Deidentifier, type DeidentifierOptions } from './deidentify/factory.js';

export { DEIDENTIFIABLE_TYPES, DEIDENTIFIED_SECURITY } from './deidentify/engine.js';
export { type Deidentifier, type DeidentifierOptions, PSEUDONYM_SYSTEM } from './deidentify/factory.js';
export { type IdentifierLike, MIN_SECRET_BYTES } from './deidentify/keys.js';

/**
 * Creates the de-identification a research export applies to every resource before it leaves the
 * hub. **Allow-list, per resource type**: an element leaves only when the type's rules name it
 * (docs/en/guide/deidentification.md lists every element, kept, transformed or dropped) — a new
 * element, extension or resource type stays home until someone decides it is safe.
 *
 * - Patient: names, telecom, addresses, contacts, photo, links, practitioners, narrative and every
 *   extension dropped; every identifier replaced by ONE pseudonym, `base64url(HMAC-SHA256(secret,
 *   canonical patient key))`: the canonical key is the patient's best identifier (CCCD, then
 *   social-insurance number — a BHYT card of either form gives its 10-digit BHXH number —, passport,
 *   CMND, others) under the deployment's canonical system, so old and new VN Core URIs, the order
 *   of identifiers and a reissued card change nothing; birth date → year; deceased → a yes/no.
 * - Every other type: references to the patient → the pseudonym; other references keyed
 *   (`Type/<HMAC id>`), never a `display`; business identifiers (report ids, visit keys MA_LK,
 *   MA_HSBA, accession numbers, DICOM UIDs) → keyed stand-ins in the same system, so records still
 *   link across resources and exports; narrative, notes, conclusions, clinicians' free text,
 *   practitioners and the XML 130 source extensions dropped. Dates other than the birth date are
 *   kept unchanged.
 * - Every resource is labelled `PSEUDED` and `REDACTED` in `meta.security`.
 *
 * @example
 * const { deidentify, pseudonymOf } = createDeidentifier({ secret: process.env.HUB_EXPORT_SECRET! });
 * const safe = deidentify(observation); // subject.identifier = { system: PSEUDONYM_SYSTEM, value: '…' }
 * pseudonymOf({ system: 'http://fhir.hl7.org.vn/core/sid/cccd', value: '001085012345' }) ===
 *   pseudonymOf({ system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: '001085012345' }); // true
 */
export function createDeidentifier(options: DeidentifierOptions): Deidentifier {
  return buildDeidentifier(options, DEFAULT_POLICY);
}
