import { stableJson } from '@lienthong/core';
import type { ImagingReference, ImagingReferenceInput } from '../model.js';
import { assertImagingReference } from '../reference.js';
import {
  assertImagingQuery,
  checkAborted,
  IMAGING_REGISTRY_CONTRACT,
  type ImagingRegistry,
  matchesImagingQuery,
} from './contract.js';

/** Options of {@link createMemoryImagingRegistry}. */
export interface MemoryImagingRegistryOptions {
  /** References present from the start. */
  seed?: readonly ImagingReferenceInput[];
}

/** An in-memory `ImagingRegistry` (tests, demos, caches). Stored references are copies. */
export function createMemoryImagingRegistry(options: MemoryImagingRegistryOptions = {}): ImagingRegistry {
  const store = new Map<string, ImagingReference>();
  for (const ref of options.seed ?? []) {
    const parsed = assertImagingReference(ref);
    store.set(parsed.studyInstanceUid, parsed);
  }
  return {
    contract: IMAGING_REGISTRY_CONTRACT,
    capabilities: { write: true },
    async publish(reference, o = {}) {
      checkAborted(o.signal);
      const parsed = assertImagingReference(reference);
      const existing = store.get(parsed.studyInstanceUid);
      const status = !existing
        ? 'created'
        : stableJson(existing) === stableJson(parsed)
          ? 'unchanged'
          : 'updated';
      store.set(parsed.studyInstanceUid, structuredClone(parsed));
      return { studyInstanceUid: parsed.studyInstanceUid, status };
    },
    async get(uid, o = {}) {
      checkAborted(o.signal);
      const found = store.get(uid);
      return found ? structuredClone(found) : undefined;
    },
    async *query(query, o = {}) {
      checkAborted(o.signal);
      const q = assertImagingQuery(query);
      const pageSize = Math.max(1, o.pageSize ?? 50);
      const matches = [...store.values()].filter((r) => matchesImagingQuery(r, q));
      for (let i = 0; i < matches.length; i += pageSize) {
        checkAborted(o.signal);
        for (const ref of matches.slice(i, i + pageSize)) yield structuredClone(ref);
      }
    },
  };
}
