import { stableJson } from '@lienthong/core';
import { throwIfAborted, writeReceipt } from '@lienthong/core/contract';
import type { ImagingReference, ImagingReferenceInput } from '../model.js';
import { matchesImagingQuery } from '../provider-kit/match.js';
import { parseImagingReference } from '../reference.js';
import { IMAGING_REGISTRY_CONTRACT, type ImagingRegistry, parseImagingQuery } from './contract.js';

/** Options of {@link createMemoryImagingRegistry}. */
export interface MemoryImagingRegistryOptions {
  /** References present from the start (each published once, in order). */
  seed?: readonly ImagingReferenceInput[];
}

/** An in-memory `ImagingRegistry` (tests, demos, caches). Stored references are copies. */
export function createMemoryImagingRegistry(options: MemoryImagingRegistryOptions = {}): ImagingRegistry {
  const store = new Map<string, { reference: ImagingReference; version: number }>();

  function publishNow(input: ImagingReferenceInput) {
    const reference = parseImagingReference(input);
    const uid = reference.studyInstanceUid;
    const stored = store.get(uid);
    const receipt = writeReceipt(
      uid,
      stored?.version,
      stableJson(stored?.reference) !== stableJson(reference),
    );
    if (receipt.outcome !== 'unchanged')
      store.set(uid, { reference: structuredClone(reference), version: receipt.version });
    return receipt;
  }

  for (const ref of options.seed ?? []) publishNow(ref);

  return {
    contract: IMAGING_REGISTRY_CONTRACT,
    capabilities: { write: true },
    async publish(reference, o = {}) {
      throwIfAborted(o.signal);
      return publishNow(reference);
    },
    async get(uid, o = {}) {
      throwIfAborted(o.signal);
      const found = store.get(uid);
      return found ? structuredClone(found.reference) : undefined;
    },
    async *query(query, o = {}) {
      throwIfAborted(o.signal);
      const q = parseImagingQuery(query);
      const pageSize = Math.max(1, o.pageSize ?? 50);
      const matches = [...store.values()].map((s) => s.reference).filter((r) => matchesImagingQuery(r, q));
      for (let i = 0; i < matches.length; i += pageSize) {
        throwIfAborted(o.signal);
        for (const ref of matches.slice(i, i + pageSize)) yield structuredClone(ref);
      }
    },
  };
}
