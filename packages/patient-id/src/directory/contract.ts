import type { MatchGrade, MatchInput, MatchResult } from '../matching/match.js';
import type { PatientIdentifier, PatientRecord } from '../model/patient-record.js';

/**
 * `PatientDirectory` v1 — find, search, match and cross-reference patients in whatever directory a
 * hospital uses (its FHIR server, the insurance gateway, a hub, memory). Modelled on IHE PDQm
 * (search, `$match`) and PIXm (`$ihe-pix`). Every method takes an `AbortSignal`; an aborted call
 * rejects with a Liên Thông error whose code ends in `ABORTED`.
 */
export interface PatientDirectory {
  readonly contract: 'patient-directory/v1';
  readonly capabilities: PatientDirectoryCapabilities;
  /** The patient holding this identifier, or undefined. */
  findByIdentifier(identifier: IdentifierRef, options?: LookupOptions): Promise<PatientRecord | undefined>;
  /** Patients matching every given parameter (PDQm), paged lazily. */
  search(query: PatientQuery, options?: SearchOptions): AsyncIterable<PatientRecord>;
  /** Scored candidates, best first (PDQm `$match`). */
  match(input: MatchInput, options?: MatchOptions): Promise<MatchCandidate[]>;
  /** The patient's identifiers in other systems (PIXm `$ihe-pix`); undefined when the identifier is unknown. */
  crossReference(
    identifier: IdentifierRef,
    options?: CrossReferenceOptions,
  ): Promise<PatientIdentifier[] | undefined>;
  /** Creates or updates the patient holding any of the record's identifiers (idempotent). Only when `capabilities.write`. */
  upsert?(record: PatientRecord, options?: DirectoryCallOptions): Promise<UpsertResult>;
}

/** Optional capabilities; the conformance suite marks cases needing an undeclared one "not applicable". */
export interface PatientDirectoryCapabilities {
  /** `upsert` is available. */
  readonly write: boolean;
  /** `search` and `match` work on demographics alone (without an identifier). */
  readonly demographicSearch: boolean;
  [name: string]: boolean;
}

export interface IdentifierRef {
  system: string;
  value: string;
}

export interface DirectoryCallOptions {
  signal?: AbortSignal;
}

/**
 * Demographics some directories require to answer an identifier lookup (the insurance gateway
 * checks the card against the holder's name and birth date). Others ignore them.
 */
export interface LookupOptions extends DirectoryCallOptions {
  verify?: { name?: string; birthDate?: string };
}

export interface CrossReferenceOptions extends LookupOptions {
  /** Only identifiers of these systems (PIXm `targetSystem`). */
  targetSystems?: readonly string[];
}

/** PDQm search parameters. String parameters match the start of the value, ignoring case and diacritics. */
export interface PatientQuery {
  /** Full name (FHIR `name`): matches the whole name or any of its words, from the start. */
  name?: string;
  family?: string;
  given?: string;
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: patients whose birth date falls within it. */
  birthDate?: string;
  sex?: 'male' | 'female' | 'other' | 'unknown';
  identifier?: { system?: string; value: string };
}

export interface SearchOptions extends DirectoryCallOptions {
  /** Records fetched per page (default 50). */
  pageSize?: number;
}

export interface MatchOptions extends DirectoryCallOptions {
  /** At most this many candidates (default 10). */
  limit?: number;
  /** Drop candidates below this grade (default `possible`). */
  minGrade?: MatchGrade;
}

export interface MatchCandidate extends MatchResult {
  record: PatientRecord;
}

export interface UpsertResult {
  record: PatientRecord;
  created: boolean;
}
