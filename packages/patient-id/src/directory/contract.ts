import type { CallOptions, Contract, WriteReceipt } from '@lienthong/core/contract';
import type { MatchGrade, MatchInput, MatchResult } from '../matching/match.js';
import type { PatientIdentifier, PatientRecord } from '../model/patient-record.js';

/**
 * `PatientDirectory` v1 — find, search, match and cross-reference patients in whatever directory a
 * hospital uses (its FHIR server, the insurance gateway, a hub, memory). Modelled on IHE PDQm
 * (search, `$match`) and PIXm (`$ihe-pix`). Every method takes an `AbortSignal`
 * (`OPERATION_ABORTED`); `upsert` answers a `WriteReceipt` (id = the patient record's id) with the
 * record as stored; a read-only provider (`capabilities.write: false`) refuses `upsert` with
 * `PROVIDER_READ_ONLY`.
 */
export interface PatientDirectory extends Contract<'patient-directory/v1', PatientDirectoryCapabilities> {
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
  /**
   * Creates or updates the patient holding any of the record's identifiers: `created`, `updated`
   * (one version up) or `unchanged` (the same record again — a retry). Refused with
   * `PROVIDER_READ_ONLY` unless `capabilities.write`.
   */
  upsert(record: PatientRecord, options?: CallOptions): Promise<UpsertReceipt>;
}

/** What a directory supports; the conformance suite marks cases needing an undeclared one "not applicable". */
export interface PatientDirectoryCapabilities {
  /** `upsert` stores records (else it rejects with `PROVIDER_READ_ONLY`). */
  readonly write: boolean;
  /** `search` and `match` work on demographics alone (without an identifier). */
  readonly demographicSearch: boolean;
  [name: string]: boolean;
}

export interface IdentifierRef {
  system: string;
  value: string;
}

/**
 * Demographics some directories require to answer an identifier lookup (the insurance gateway
 * checks the card against the holder's name and birth date). Others ignore them.
 */
export interface LookupOptions extends CallOptions {
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

export interface SearchOptions extends CallOptions {
  /** Records fetched per page (default 50). */
  pageSize?: number;
}

export interface MatchOptions extends CallOptions {
  /** At most this many candidates (default 10). */
  limit?: number;
  /** Drop candidates below this grade (default `possible`). */
  minGrade?: MatchGrade;
}

export interface MatchCandidate extends MatchResult {
  record: PatientRecord;
}

/** What `upsert` answers: the one write receipt (id = the record's id), with the record as stored. */
export interface UpsertReceipt extends WriteReceipt {
  record: PatientRecord;
}
