import {
  canonicalIdentifierSystem,
  DEFAULT_IDENTIFIER_SYSTEMS,
  type IdentifierSystems,
  type Resource,
} from '@lienthong/core';
import { type BaseContext, DEIDENTIFIABLE_TYPES, deidentifyWith, type Policy } from './engine.js';
import { canonicalPatientKey, type IdentifierLike, keyedDigest, secretBytes, uidFromDigest } from './keys.js';

/**
 * The system of the patient pseudonym. The SDK's `urn:lienthong:sid:` namespace, like its other
 * identifier systems; a pseudonym means something only under the secret that made it, so a
 * deployment that runs several hubs (or rotates its secret) may give each its own system.
 */
export const PSEUDONYM_SYSTEM = 'urn:lienthong:sid:pseudonym';

/** Options of `createDeidentifier`. */
export interface DeidentifierOptions {
  /**
   * The hub's export secret: a string (counted in UTF-8 bytes) or bytes, at least 32 bytes
   * (`DEIDENTIFY_SECRET_TOO_SHORT`). The same secret gives the same pseudonyms in every export;
   * a new secret breaks every link with earlier exports.
   */
  secret: string | Uint8Array;
  /** The deployment's identifier-system URIs (default the SDK's); aliases are read as the same system. */
  identifierSystems?: IdentifierSystems;
  /** The system the pseudonym is written under (default {@link PSEUDONYM_SYSTEM}). */
  pseudonymSystem?: string;
  /**
   * The identifiers the hub knows belong to the same patient as `identifiers` (its patient
   * directory's record), or undefined. Synchronous: an export resolves its patients before it
   * streams. With it, a report naming a patient by BHYT card and a Patient holding the CCCD get
   * the same pseudonym; without it, only identifiers present in the resource count.
   */
  linkedIdentifiers?: (identifiers: readonly IdentifierLike[]) => readonly IdentifierLike[] | undefined;
}

/** A de-identifier bound to one secret. */
export interface Deidentifier {
  /**
   * A new, de-identified copy of `resource` (a Bundle gives a `collection` Bundle of de-identified
   * entries); the input is never modified. Throws `DEIDENTIFY_NOT_A_RESOURCE`,
   * `DEIDENTIFY_RESOURCE_TYPE_UNSUPPORTED` (a type with no allow-list, see
   * {@link DEIDENTIFIABLE_TYPES}) or `DEIDENTIFY_MODIFIER_EXTENSION`.
   */
  deidentify<T extends Resource>(resource: T): T;
  /**
   * The pseudonym of the patient these identifiers name (one identifier or several of one
   * person), as written in {@link PSEUDONYM_SYSTEM}; undefined when none has a value.
   */
  pseudonymOf(identifiers: IdentifierLike | readonly IdentifierLike[]): string | undefined;
  /** Whether {@link Deidentifier.deidentify} has rules for a resource type. */
  supports(resourceType: string): boolean;
}

const base64url = (b: Buffer) => b.toString('base64url');

/** A de-identifier applying `policy` (the hub's is DEFAULT_POLICY; tests weaken one to prove their checks fail). */
export function buildDeidentifier(options: DeidentifierOptions, policy: Policy): Deidentifier {
  const secret = secretBytes((options as Partial<DeidentifierOptions> | undefined)?.secret);
  const systems = options.identifierSystems ?? DEFAULT_IDENTIFIER_SYSTEMS;
  const pseudonymSystem = options.pseudonymSystem ?? PSEUDONYM_SYSTEM;
  // Exports repeat the same patients and records: digests are remembered, within a bound.
  const memo = new Map<string, string>();
  const remember = (key: string, make: () => string): string => {
    let value = memo.get(key);
    if (value === undefined) {
      if (memo.size >= 100_000) memo.clear();
      value = make();
      memo.set(key, value);
    }
    return value;
  };
  const pseudonymOf = (input: IdentifierLike | readonly IdentifierLike[]): string | undefined => {
    const named = (Array.isArray(input) ? input : [input]).filter(
      (i): i is IdentifierLike => typeof i === 'object' && i !== null,
    );
    const linked = named.length > 0 ? options.linkedIdentifiers?.(named) : undefined;
    const key = canonicalPatientKey(linked ? [...named, ...linked] : named, systems);
    return key === undefined
      ? undefined
      : remember(`p\u0000${key}`, () => base64url(keyedDigest(secret, 'patient', key)));
  };
  const context: BaseContext = {
    policy,
    patientPseudonym: pseudonymOf,
    pseudonymSystem,
    identifierValue: (system, value) => {
      const key = `${system === undefined ? '' : canonicalIdentifierSystem(system, systems)}|${value}`;
      return remember(`i\u0000${key}`, () => base64url(keyedDigest(secret, 'identifier', key)));
    },
    // 40 hex characters: a valid FHIR id (base64url's "_" is not one).
    resourceId: (type, id) =>
      remember(`r\u0000${type}/${id}`, () =>
        keyedDigest(secret, 'id', `${type}/${id}`).subarray(0, 20).toString('hex'),
      ),
    uid: (uid) => remember(`u\u0000${uid}`, () => uidFromDigest(keyedDigest(secret, 'uid', uid))),
  };
  return {
    deidentify: <T extends Resource>(resource: T) => deidentifyWith(resource, context) as T,
    pseudonymOf,
    supports: (resourceType) => DEIDENTIFIABLE_TYPES.includes(resourceType),
  };
}
