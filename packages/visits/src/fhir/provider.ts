import {
  ConflictError,
  type Encounter,
  formatTokenParam,
  identifierSearchToken,
  LienThongError,
  patientSearchParams,
  redactText,
  type Transport,
  type TransportOptions,
} from '@lienthong/core';
import {
  createIdempotencyCache,
  throwIfAborted,
  type WriteReceipt,
  writeReceipt,
} from '@lienthong/core/contract';
import { createFhirClient } from '@lienthong/core/fhir';
import { FHIR_IDEMPOTENCY_TAG_SYSTEM } from '@lienthong/result-exchange/fhir';
import type { VisitHistory, VisitQuery } from '../history/contract.js';
import { summarizeHistory, type VisitSummaryOptions } from '../history/summary-options.js';
import type { Visit } from '../model.js';
import {
  checkPublishableVisit,
  decideVisitPublish,
  parseVisitKey,
  visitContentKey,
  visitIdempotencyConflict,
  visitKey,
} from '../provider-kit/publish.js';
import {
  byVisitStartDesc,
  checkVisitQuery,
  matchesVisitQuery,
  visitQueryAnswer,
} from '../provider-kit/query.js';
import { decodeFhirVisitBundle } from './decode.js';
import { encodeFhirVisitBundle } from './encode.js';
import { visitOverlay } from './model-overlay.js';
import { type VisitFhirOptions, visitFhirConfig } from './options.js';
import {
  FHIR_PATIENT_RECORD_SYSTEM,
  FHIR_VISIT_KEY_SYSTEM,
  FHIR_VISIT_MODEL_EXTENSION,
  FHIR_VISIT_VERSION_EXTENSION,
} from './server-conventions.js';
import {
  type EncounterRef,
  readStoredVisits,
  type StoredVisitReader,
  searchEvery,
  visitHeader,
} from './stored-visits.js';
import { type VisitWrite, writeVisitVersion } from './visit-writer.js';

/** Options of {@link createFhirVisitHistory}. */
export interface FhirVisitHistoryOptions extends VisitFhirOptions, VisitSummaryOptions {
  /** FHIR base URL (e.g. `https://fhir.benhvien.example.vn/fhir`), when no `transport` is given. */
  baseUrl?: string;
  /** A transport made with `createTransport` (auth, retries, events). */
  transport?: Transport;
  /** Options for the transport created from `baseUrl`. */
  transportOptions?: Omit<TransportOptions, 'baseUrl'>;
  /** Identifier system of the visit key `<facility>:<MA_LK>` on each version's Encounter. */
  visitKeySystem?: string;
  /** Extension carrying the version number on each version's Encounter. */
  versionExtension?: string;
  /** Tag system marking the version an idempotency key created. */
  idempotencyTagSystem?: string;
  /** Identifier system of a Patient as one visit recorded it (a digest of its facts). */
  patientRecordSystem?: string;
  /** Extension carrying what the FHIR mapping does not give back of a visit. */
  modelExtension?: string;
}

/** Writes of one publish that may lose a race before it gives up (each loss means another writer won). */
const MAX_WRITE_ATTEMPTS = 5;

function baseUrlMissing(): never {
  throw new LienThongError({
    code: 'FHIR_BASE_URL_MISSING',
    message: 'createFhirVisitHistory needs a baseUrl or a transport',
    messageVi: 'createFhirVisitHistory cần baseUrl hoặc transport',
    path: 'baseUrl',
  });
}

const contended = (key: string) =>
  new ConflictError({
    code: 'VISIT_WRITE_CONTENDED',
    message: `Visit ${redactText(key)} kept changing while it was being published; try again`,
    messageVi: `Lượt khám ${redactText(key)} liên tục thay đổi trong lúc gửi; hãy thử lại`,
    path: 'id',
  });

/**
 * A VisitHistory over any FHIR R4 server. Each version of a visit is stored whole and never
 * changed: an Encounter identified by MA_LK, by the visit key `<facility>:<MA_LK>` and by
 * `<facility>:<MA_LK>:v<N>`, with the version number in an extension, and the resources of its rows
 * (Conditions, Procedures, ChargeItems, MedicationStatements, ClinicalImpressions, lab reports with
 * their Observations) identified `<facility>:<MA_LK>:v<N>:<table>:<index>`, written in one
 * transaction by `encodeFhirVisitBundle`. The Patient is the patient as the visit recorded it,
 * shared by the visits that recorded the same facts. What the mapping does not give back of a visit
 * built by hand (it is exact for visits read from XML 130) rides along as JSON in an Encounter
 * extension, so every version reads back exactly as published. A correction is version N+1 beside version N:
 * `get` and `query` read the highest version of each key, `history` every version.
 *
 * Creating a version is conditional on its identifier, so two publishers at once cannot both write
 * version N: the one that finds it written removes what its Bundle created (servers that run it as
 * a batch create the rest anyway) and decides again — same content → `unchanged`, other content →
 * version N+1. `query` finds the patient's Encounters by `subject:identifier` where the server
 * declares it, else its Patients by identifier (every alias of its system) and their Encounters by
 * `subject`, orders the current versions newest first, then reads and filters them page by page;
 * every search is portable (no `_include`, `_revinclude` or chains needed). A server that keeps a
 * visit as one Encounter with its versions in `_history` (the hub's FHIR facade) is read too.
 * @example
 * const history = createFhirVisitHistory({ baseUrl: 'https://fhir.benhvien.example.vn/fhir' });
 * await history.publish(visit);
 * for await (const v of history.query({ patient: cccd, diagnosis: 'J18' })) console.log(v.id);
 */
export function createFhirVisitHistory(options: FhirVisitHistoryOptions): VisitHistory {
  const fhir = createFhirClient(
    options.transport
      ? { transport: options.transport }
      : { baseUrl: options.baseUrl ?? baseUrlMissing(), ...options.transportOptions },
  );
  const codec: VisitFhirOptions = {
    ...(options.identifierSystems ? { identifierSystems: options.identifierSystems } : {}),
    ...(options.codeSystems ? { codeSystems: options.codeSystems } : {}),
    ...(options.lab ? { lab: options.lab } : {}),
    ...(options.icd10 ? { icd10: options.icd10 } : {}),
  };
  const entrySystem = visitFhirConfig(codec).ids.entry;
  const keySystem = options.visitKeySystem ?? FHIR_VISIT_KEY_SYSTEM;
  const versionUrl = options.versionExtension ?? FHIR_VISIT_VERSION_EXTENSION;
  const tagSystem = options.idempotencyTagSystem ?? FHIR_IDEMPOTENCY_TAG_SYSTEM;
  const modelUrl = options.modelExtension ?? FHIR_VISIT_MODEL_EXTENSION;
  const writer: VisitWrite = {
    fhir,
    codec,
    versionUrl,
    modelUrl,
    systems: {
      entry: entrySystem,
      key: keySystem,
      patientRecord: options.patientRecordSystem ?? FHIR_PATIENT_RECORD_SYSTEM,
      idempotencyTag: tagSystem,
    },
  };
  const keys = createIdempotencyCache(visitIdempotencyConflict);
  const reader = (signal?: AbortSignal): StoredVisitReader => ({
    fhir,
    codec,
    entrySystem,
    modelUrl,
    signal,
  });

  const versionOf = (e: Encounter) => e.extension?.find((x) => x.url === versionUrl)?.valueInteger ?? 1;
  const keyOf = (e: Encounter) => e.identifier?.find((i) => i.system === keySystem)?.value;
  /** The visit after a trip through the FHIR mapping (what the resources alone give back). */
  const throughMapping = (visit: Visit): Visit =>
    decodeFhirVisitBundle(encodeFhirVisitBundle([visit], { ...codec, type: 'collection' }).value, codec).value
      .visits[0]!;

  /**
   * One Encounter per version of each key, oldest version first. Two Encounters of one version
   * (a server that lets two conditional creates through) count once: the first the server lists.
   */
  function versionsByKey(encounters: readonly Encounter[]): Map<string, Encounter[]> {
    const byKey = new Map<string, Map<number, Encounter>>();
    for (const e of encounters) {
      const key = keyOf(e);
      if (key === undefined) continue;
      const versions = byKey.get(key) ?? new Map<number, Encounter>();
      if (!versions.has(versionOf(e))) versions.set(versionOf(e), e);
      byKey.set(key, versions);
    }
    return new Map(
      [...byKey].map(([k, v]) => [k, [...v.values()].sort((a, b) => versionOf(a) - versionOf(b))]),
    );
  }

  /**
   * Versions read from a server's `_history` (a server that keeps one Encounter per visit, such
   * as the hub's facade): their resources point at that version of the Encounter.
   */
  const fromHistory = new WeakSet<Encounter>();
  const refOf: EncounterRef = (e) =>
    fromHistory.has(e) ? `Encounter/${e.id}/_history/${e.meta?.versionId}` : `Encounter/${e.id}`;

  /** Every stored version's Encounter of a visit key, oldest first. */
  async function versionsOf(key: string, signal?: AbortSignal): Promise<Encounter[]> {
    if (!parseVisitKey(key)) return [];
    const found = (await searchEvery(reader(signal), 'Encounter', {
      identifier: formatTokenParam(keySystem, key),
    })) as Encounter[];
    const versions = versionsByKey(found).get(key) ?? [];
    const head = versions.at(-1);
    if (!head || versions.length >= versionOf(head)) return versions;
    // Fewer Encounters than versions: the server keeps the older ones in the Encounter's history.
    const older = new Map<number, Encounter>();
    for await (const page of fhir.history('Encounter', head.id!, { signal }))
      for (const e of page.entry ?? []) {
        const encounter = e.resource as Encounter | undefined;
        if (encounter?.resourceType !== 'Encounter' || keyOf(encounter) !== key) continue;
        const n = versionOf(encounter);
        if (n < versionOf(head) && !older.has(n) && encounter.meta?.versionId !== undefined) {
          fromHistory.add(encounter);
          older.set(n, encounter);
        }
      }
    return [...older.values(), ...versions].sort((a, b) => versionOf(a) - versionOf(b));
  }

  /** The current version of a visit: its Encounter, number and visit. */
  async function current(key: string, signal?: AbortSignal) {
    const encounter = (await versionsOf(key, signal)).at(-1);
    if (!encounter) return undefined;
    const [visit] = await readStoredVisits(reader(signal), [encounter], refOf);
    return { version: versionOf(encounter), visit: visit! };
  }

  /** The receipt of the version an idempotency key created, or `undefined` when it created none. */
  async function replayFromServer(key: string, content: string, signal?: AbortSignal) {
    const [tagged] = (await searchEvery(reader(signal), 'Encounter', {
      _tag: formatTokenParam(tagSystem, key),
    })) as Encounter[];
    if (!tagged) return undefined;
    const [visit] = await readStoredVisits(reader(signal), [tagged]);
    if (visitContentKey(visit!) !== content) throw visitIdempotencyConflict();
    return {
      id: keyOf(tagged) ?? visitKey(visit!),
      version: versionOf(tagged),
      outcome: 'unchanged' as const,
    };
  }

  /**
   * The Encounters of the patient's visits: by the subject's identifier where the server declares
   * the search (it also finds visits whose patient has no Patient resource), else portably —
   * the patient's Patient resources first, then their Encounters by `subject`.
   */
  async function encountersOf(query: VisitQuery, signal?: AbortSignal): Promise<Encounter[]> {
    const r = reader(signal);
    const direct = patientSearchParams(await fhir.capabilities(), 'Encounter', query.patient);
    if (direct) return (await searchEvery(r, 'Encounter', direct)) as Encounter[];
    const patients = await searchEvery(r, 'Patient', {
      identifier: identifierSearchToken(query.patient),
      _elements: 'id',
    });
    const subjects = [...new Set(patients.map((p) => `Patient/${p.id}`))];
    const encounters: Encounter[] = [];
    for (let i = 0; i < subjects.length; i += 50)
      encounters.push(
        ...((await searchEvery(r, 'Encounter', {
          subject: subjects.slice(i, i + 50).join(','),
        })) as Encounter[]),
      );
    return encounters;
  }

  /** The current versions of the patient's visits, newest admission first (not yet read whole). */
  async function patientEncounters(query: VisitQuery, signal?: AbortSignal): Promise<Encounter[]> {
    const r = reader(signal);
    const encounters = await encountersOf(query, signal);
    const heads = [...versionsByKey(encounters).values()].map((versions) => {
      const encounter = versions.at(-1)!;
      return { encounter, head: visitHeader(r, encounter) };
    });
    return heads.sort((a, b) => byVisitStartDesc(a.head, b.head)).map((h) => h.encounter);
  }

  /** The patient's current visits matching the query, newest first, read `pageSize` at a time. */
  async function* matching(query: VisitQuery, pageSize: number, signal?: AbortSignal): AsyncGenerator<Visit> {
    const encounters = await patientEncounters(query, signal);
    for (let i = 0; i < encounters.length; i += pageSize) {
      throwIfAborted(signal);
      const visits = await readStoredVisits(reader(signal), encounters.slice(i, i + pageSize));
      for (const v of visits) if (matchesVisitQuery(v, query)) yield v;
    }
  }

  return {
    contract: 'visit-history/v1',
    capabilities: { write: true, history: true },

    async publish(input, opts = {}) {
      throwIfAborted(opts.signal);
      const visit = checkPublishableVisit(input);
      // Stored with what the mapping does not carry, the visit reads back exactly as published.
      const overlay = visitOverlay(visit, throughMapping(visit));
      const key = visitKey(visit);
      const content = visitContentKey(visit);
      const idempotencyKey = opts.idempotencyKey;
      const replayed =
        keys.replay(idempotencyKey, content) ??
        (idempotencyKey !== undefined
          ? await replayFromServer(idempotencyKey, content, opts.signal)
          : undefined);
      if (replayed) return replayed;
      let receipt: WriteReceipt | undefined;
      // A write that loses a race to another publisher left nothing behind: decide again on what
      // the server holds now (the same content is then unchanged, other content the next version).
      for (let attempt = 1; !receipt; attempt++) {
        const now = await current(key, opts.signal);
        const next = writeReceipt(key, now?.version, decideVisitPublish(now?.visit, visit) !== 'unchanged');
        if (next.outcome === 'unchanged') receipt = next;
        else if (
          (await writeVisitVersion(writer, visit, key, next.version, {
            ...opts,
            idempotencyKey,
            overlay,
          })) === 'written'
        )
          receipt = next;
        else if (attempt >= MAX_WRITE_ATTEMPTS) throw contended(key);
      }
      keys.remember(idempotencyKey, content, receipt);
      return receipt;
    },

    async get(key, opts = {}) {
      throwIfAborted(opts.signal);
      return (await current(key, opts.signal))?.visit;
    },

    query(query, opts = {}) {
      return visitQueryAnswer(query, opts, (pageSize) => matching(query, pageSize, opts.signal));
    },

    async history(key, opts = {}) {
      throwIfAborted(opts.signal);
      return readStoredVisits(reader(opts.signal), await versionsOf(key, opts.signal), refOf);
    },

    async summary(patient, opts = {}) {
      throwIfAborted(opts.signal);
      checkVisitQuery({ patient });
      const visits: Visit[] = [];
      for await (const v of matching({ patient }, 50, opts.signal)) visits.push(v);
      return summarizeHistory(visits, patient, options, opts);
    },
  };
}
