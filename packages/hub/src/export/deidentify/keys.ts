import { createHmac } from 'node:crypto';
import {
  canonicalIdentifierSystem,
  DEFAULT_IDENTIFIER_SYSTEMS,
  type IdentifierSystemName,
  type IdentifierSystems,
  identifierSystemName,
} from '@lienthong/core';
import { safeParseInsuranceCard } from '@lienthong/patient-id';
import { secretTooShort } from './errors.js';

/** An identifier as FHIR and the SDK's models carry it. */
export interface IdentifierLike {
  readonly system?: string | undefined;
  readonly value?: string | undefined;
}

/** Minimum secret length: the block of HMAC-SHA256's output, as RFC 2104 recommends. */
export const MIN_SECRET_BYTES = 32;

/** The secret as bytes, checked (a string counts in UTF-8 bytes). */
export function secretBytes(secret: unknown): Uint8Array {
  const bytes =
    typeof secret === 'string'
      ? new TextEncoder().encode(secret)
      : secret instanceof Uint8Array
        ? secret
        : undefined;
  if (!bytes || bytes.length < MIN_SECRET_BYTES) throw secretTooShort(bytes?.length);
  // A copy: a caller that wipes or reuses its buffer does not change the pseudonyms.
  return Uint8Array.from(bytes);
}

/**
 * What a keyed digest is for. Each purpose is its own domain (a prefix inside the HMAC input), so
 * a pseudonym of a patient can never equal the pseudonym of a record identifier or an id.
 */
export type DigestPurpose = 'patient' | 'identifier' | 'id' | 'uid';

const DOMAIN = 'lienthong:deidentify:v1';

/** HMAC-SHA256 of `data` under `secret` in the purpose's domain. */
export function keyedDigest(secret: Uint8Array, purpose: DigestPurpose, data: string): Buffer {
  return createHmac('sha256', secret).update(`${DOMAIN}:${purpose}\u0000${data}`, 'utf8').digest();
}

/**
 * Which identifier names a patient best, lowest first: the personal identification number is the
 * national key of the EMR (Circular 13/2025), the social-insurance number outlives the 15-character
 * card (whose group and benefit level change), then passport, the old ID card, anything else.
 */
const RANK: Partial<Record<IdentifierSystemName, number>> = {
  cccd: 0,
  socialInsurance: 1,
  bhyt: 1,
  passport: 2,
  cmnd: 3,
};

/** One patient identifier in the form the pseudonym is computed from. */
interface PatientKey {
  rank: number;
  key: string;
}

/**
 * The key of one identifier: the canonical system (aliases of the VN Core systems become the
 * deployment's URI) and the trimmed value; a BHYT card (either form) becomes its 10-digit
 * social-insurance number, so every card a person holds, and the bare BHXH number, give one key.
 */
function keysOf(identifier: IdentifierLike, systems: IdentifierSystems): PatientKey[] {
  const raw = identifier.value?.trim();
  if (!raw) return [];
  const system = identifier.system?.trim();
  if (!system) return [{ rank: 5, key: `|${raw}` }];
  const name = identifierSystemName(system, systems);
  if (name === 'bhyt' || name === 'socialInsurance') {
    // Claims XML joins several cards with ";".
    return raw
      .split(';')
      .map((card) => card.trim())
      .filter(Boolean)
      .map((card) => {
        const parsed = safeParseInsuranceCard(card);
        return parsed.ok
          ? { rank: 1, key: `${systems.socialInsurance}|${parsed.value.socialInsuranceNumber}` }
          : { rank: 1, key: `${canonicalIdentifierSystem(system, systems)}|${card.toUpperCase()}` };
      });
  }
  const rank = name === undefined ? 4 : (RANK[name] ?? 4);
  return [{ rank, key: `${canonicalIdentifierSystem(system, systems)}|${raw}` }];
}

/**
 * The canonical key of a patient named by `identifiers` (all of them the same person's): the best
 * ranked identifier's key, ties broken by the key's text — so the order the identifiers come in
 * never matters. Undefined when none has a value.
 */
export function canonicalPatientKey(
  identifiers: readonly IdentifierLike[],
  systems: IdentifierSystems = DEFAULT_IDENTIFIER_SYSTEMS,
): string | undefined {
  let best: PatientKey | undefined;
  for (const identifier of identifiers)
    for (const k of keysOf(identifier, systems))
      if (!best || k.rank < best.rank || (k.rank === best.rank && k.key < best.key)) best = k;
  return best?.key;
}

/** A DICOM UID made from a digest: `2.25.<integer>` (PS3.5 §B.2, a UUID-derived UID), ≤ 64 characters. */
export function uidFromDigest(digest: Buffer): string {
  return `2.25.${BigInt(`0x${digest.subarray(0, 16).toString('hex')}`).toString(10)}`;
}
