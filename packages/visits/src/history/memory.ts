import {
  createIdempotencyCache,
  throwIfAborted,
  type WriteReceipt,
  writeReceipt,
} from '@lienthong/core/contract';
import type { Visit } from '../model.js';
import {
  checkPublishableVisit,
  decideVisitPublish,
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
import type { VisitHistory, VisitQuery } from './contract.js';
import { summarizeHistory, type VisitSummaryOptions } from './summary-options.js';

/** Options of {@link createMemoryVisitHistory}. */
export interface MemoryVisitHistoryOptions extends VisitSummaryOptions {
  /** Visits present from the start (each published once, in order). */
  seed?: readonly Visit[];
}

const copy = <T>(v: T): T => structuredClone(v);

/**
 * An in-memory VisitHistory: the reference behaviour of the contract, for tests, demos and
 * single-process tools. Versions are kept forever; nothing is shared between instances.
 * @example
 * const history = createMemoryVisitHistory({ icd10: await loadIcd10() });
 * for (const visit of decodeXml130(xml).value.visits) await history.publish(visit);
 * const summary = await history.summary({ system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '001085012345' });
 */
export function createMemoryVisitHistory(options: MemoryVisitHistoryOptions = {}): VisitHistory {
  const versions = new Map<string, Visit[]>();
  const keys = createIdempotencyCache(visitIdempotencyConflict);
  const current = () => [...versions.values()].map((list) => list.at(-1)!);

  function publishNow(input: Visit, idempotencyKey?: string): WriteReceipt {
    const visit = checkPublishableVisit(input);
    const key = visitKey(visit);
    const content = visitContentKey(visit);
    const replayed = keys.replay(idempotencyKey, content);
    if (replayed) return replayed;
    const list = versions.get(key);
    const receipt = writeReceipt(key, list?.length, decideVisitPublish(list?.at(-1), visit) !== 'unchanged');
    if (receipt.outcome !== 'unchanged') versions.set(key, [...(list ?? []), copy(visit)]);
    keys.remember(idempotencyKey, content, receipt);
    return receipt;
  }

  for (const v of options.seed ?? []) publishNow(v);

  return {
    contract: 'visit-history/v1',
    capabilities: { write: true, history: true },
    async publish(visit, opts = {}) {
      throwIfAborted(opts.signal);
      return publishNow(visit, opts.idempotencyKey);
    },
    async get(key, opts = {}) {
      throwIfAborted(opts.signal);
      const v = versions.get(key)?.at(-1);
      return v && copy(v);
    },
    query(query: VisitQuery, opts = {}) {
      return visitQueryAnswer(query, opts, async function* (pageSize) {
        const matches = current()
          .filter((v) => matchesVisitQuery(v, query))
          .sort(byVisitStartDesc);
        for (let i = 0; i < matches.length; i += pageSize) {
          throwIfAborted(opts.signal);
          for (const v of matches.slice(i, i + pageSize)) yield copy(v);
        }
      });
    },
    async history(key, opts = {}) {
      throwIfAborted(opts.signal);
      return (versions.get(key) ?? []).map(copy);
    },
    async summary(patient, opts = {}) {
      throwIfAborted(opts.signal);
      checkVisitQuery({ patient });
      const visits = current().filter((v) => matchesVisitQuery(v, { patient }));
      return copy(await summarizeHistory(visits, patient, options, opts));
    },
  };
}
