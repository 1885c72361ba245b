import {
  byClinicalTimeDesc,
  checkPublishable,
  contentKey,
  decidePublish,
  type LabReportQuery,
  matchesQuery,
  type PublishReceipt,
  type ResultExchange,
  throwIfAborted,
} from './contract.js';
import { createIdempotencyCache } from './idempotency.js';
import type { LabReport } from './model.js';

/** Options of {@link createMemoryResultExchange}. */
export interface MemoryResultExchangeOptions {
  /** Reports present from the start (each published once). */
  seed?: readonly LabReport[];
}

const copy = <T>(v: T): T => structuredClone(v);

/**
 * An in-memory ResultExchange: the reference behaviour of the contract, for tests, demos and
 * single-process tools. Versions are kept forever; nothing is shared between instances.
 */
export function createMemoryResultExchange(options: MemoryResultExchangeOptions = {}): ResultExchange {
  const versions = new Map<string, LabReport[]>();
  const keys = createIdempotencyCache();

  const latest = (id: string) => versions.get(id)?.at(-1);

  function publishNow(input: LabReport, idempotencyKey?: string): PublishReceipt {
    const report = checkPublishable(input);
    const content = contentKey(report);
    const replayed = keys.replay(idempotencyKey, content);
    if (replayed) return replayed;
    const current = latest(report.id);
    const decision = decidePublish(current, report);
    let receipt: PublishReceipt;
    if (decision === 'unchanged') {
      receipt = { id: report.id, version: current!.version!, outcome: 'unchanged' };
    } else {
      const list = versions.get(report.id) ?? [];
      const version = list.length + 1;
      list.push(copy({ ...report, version }));
      versions.set(report.id, list);
      receipt = { id: report.id, version, outcome: decision === 'create' ? 'created' : 'superseded' };
    }
    keys.remember(idempotencyKey, content, receipt);
    return receipt;
  }

  for (const r of options.seed ?? []) publishNow(r);

  return {
    contract: 'result-exchange/v1',
    capabilities: { write: true, history: true },
    async publish(report, opts = {}) {
      throwIfAborted(opts.signal);
      return publishNow(report, opts.idempotencyKey);
    },
    async get(id, opts = {}) {
      throwIfAborted(opts.signal);
      const r = latest(id);
      return r && copy(r);
    },
    query(query: LabReportQuery, opts = {}) {
      const pageSize = Math.max(1, opts.pageSize ?? 50);
      return {
        async *[Symbol.asyncIterator]() {
          const matches = [...versions.values()]
            .map((list) => list.at(-1)!)
            .filter((r) => matchesQuery(r, query))
            .sort(byClinicalTimeDesc);
          for (let i = 0; i < matches.length; i += pageSize) {
            throwIfAborted(opts.signal);
            for (const r of matches.slice(i, i + pageSize)) yield copy(r);
          }
        },
      };
    },
    async history(id) {
      return (versions.get(id) ?? []).map(copy);
    },
  };
}
