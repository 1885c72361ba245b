import {
  ConflictError,
  canonicalIdentifier,
  canonicalIdentifierSystem,
  DEFAULT_IDENTIFIER_SYSTEMS,
  type IdentifierSystems,
  parseWith,
  stableJson,
} from '@lienthong/core';
import { throwIfAborted, writeReceipt } from '@lienthong/core/contract';
import { rankCandidates } from '../matching/match.js';
import { type PatientRecord, PatientRecordSchema } from '../model/patient-record.js';
import { matchesQuery } from '../provider-kit/match.js';
import type { IdentifierRef, PatientDirectory, UpsertReceipt } from './contract.js';

/** Options of {@link createMemoryPatientDirectory}. */
export interface MemoryPatientDirectoryOptions {
  /** Records present from the start (each upserted once, in order). */
  seed?: readonly PatientRecord[];
  /**
   * The deployment's identifier systems (default `DEFAULT_IDENTIFIER_SYSTEMS`): identifiers written
   * or asked for with an older alias (`http://fhir.hl7.org.vn/core/sid/cccd`, …) are stored and
   * looked up under these URIs.
   */
  systems?: IdentifierSystems;
}

/**
 * An in-memory `PatientDirectory`: for tests, demos and small offline tools. Writable; `upsert`
 * is idempotent on identifiers (a record whose identifiers hit two different patients is a conflict).
 */
export function createMemoryPatientDirectory(options: MemoryPatientDirectoryOptions = {}): PatientDirectory {
  const byId = new Map<string, PatientRecord>();
  const versions = new Map<string, number>();
  const byIdentifier = new Map<string, string>();
  let next = 1;
  const systems = options.systems ?? DEFAULT_IDENTIFIER_SYSTEMS;
  const canonical = (system: string) => canonicalIdentifierSystem(system, systems);
  const key = (i: IdentifierRef) => `${canonical(i.system)}|${i.value}`;

  function store(record: PatientRecord): UpsertReceipt {
    const valid = parseWith(PatientRecordSchema, record);
    // Stored with the deployment's URIs: what the directory answers is what it would write.
    const parsed = { ...valid, identifiers: valid.identifiers.map((i) => canonicalIdentifier(i, systems)) };
    const hits = new Set(
      parsed.identifiers.map((i) => byIdentifier.get(key(i))).filter((x): x is string => !!x),
    );
    if (hits.size > 1) {
      throw new ConflictError({
        code: 'PATIENT_IDENTIFIERS_CONFLICT',
        message: 'The record’s identifiers belong to different patients.',
        messageVi: 'Các mã định danh của hồ sơ thuộc về những bệnh nhân khác nhau.',
      });
    }
    const existing = [...hits][0] ?? parsed.id;
    if (parsed.id && existing && parsed.id !== existing) {
      throw new ConflictError({
        code: 'PATIENT_IDENTIFIERS_CONFLICT',
        message: 'The record’s identifiers belong to another patient.',
        messageVi: 'Mã định danh của hồ sơ thuộc về bệnh nhân khác.',
      });
    }
    const id = existing ?? `mem-${next++}`;
    const previous = byId.get(id);
    const saved = structuredClone({ ...parsed, id });
    const receipt = writeReceipt(id, versions.get(id), stableJson(previous) !== stableJson(saved));
    if (receipt.outcome !== 'unchanged') {
      if (previous) for (const i of previous.identifiers) byIdentifier.delete(key(i));
      byId.set(id, saved);
      versions.set(id, receipt.version);
      for (const i of saved.identifiers) byIdentifier.set(key(i), id);
    }
    return { ...receipt, record: structuredClone(byId.get(id)!) };
  }
  for (const r of options.seed ?? []) store(r);

  const find = (identifier: IdentifierRef) => {
    const id = byIdentifier.get(key(identifier));
    return id === undefined ? undefined : byId.get(id);
  };

  return {
    contract: 'patient-directory/v1',
    capabilities: { write: true, demographicSearch: true, anyIdentifier: true },
    async findByIdentifier(identifier, opts) {
      throwIfAborted(opts?.signal);
      const r = find(identifier);
      return r && structuredClone(r);
    },
    async *search(query, opts) {
      throwIfAborted(opts?.signal);
      const pageSize = opts?.pageSize ?? 50;
      const system = query.identifier?.system;
      const canonicalQuery =
        system === undefined
          ? query
          : { ...query, identifier: { ...query.identifier!, system: canonical(system) } };
      const all = [...byId.values()].filter((r) => matchesQuery(r, canonicalQuery));
      for (let i = 0; i < all.length; i += pageSize) {
        throwIfAborted(opts?.signal);
        await Promise.resolve();
        for (const r of all.slice(i, i + pageSize)) yield structuredClone(r);
      }
      throwIfAborted(opts?.signal);
    },
    async match(input, opts) {
      throwIfAborted(opts?.signal);
      const identifiers = input.identifiers?.map((i) => canonicalIdentifier(i, systems));
      return rankCandidates(identifiers ? { ...input, identifiers } : input, [...byId.values()], {
        limit: opts?.limit ?? 10,
        ...(opts?.minGrade ? { minGrade: opts.minGrade } : {}),
      }).map((c) => ({ ...c, record: structuredClone(c.record) }));
    },
    async crossReference(identifier, opts) {
      throwIfAborted(opts?.signal);
      const r = find(identifier);
      if (!r) return undefined;
      const targets = opts?.targetSystems?.map(canonical);
      return r.identifiers
        .filter((i) => key(i) !== key(identifier))
        .filter((i) => !targets || targets.includes(i.system))
        .map((i) => ({ ...i }));
    },
    async upsert(record, opts) {
      throwIfAborted(opts?.signal);
      return store(record);
    },
  };
}
