import { throwIfAborted, type WriteReceipt, writeReceipt } from '@lienthong/core/contract';
import type { LabReportQuery, ResultExchange } from './contract.js';
import type { LabReport } from './model.js';
import { createIdempotencyCache } from './provider-kit/idempotency.js';
import { checkPublishable, contentKey, decidePublish } from './provider-kit/publish.js';
import { byClinicalTimeDesc, matchesQuery, queryAnswer } from './provider-kit/query.js';

/** Options of {@link createMemoryResultExchange}. */
export interface MemoryResultExchangeOptions {
  /** Reports present from the start (each published once, in order). */
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

  function publishNow(input: LabReport, idempotencyKey?: string): WriteReceipt {
    const report = checkPublishable(input);
    const content = contentKey(report);
    const replayed = keys.replay(idempotencyKey, content);
    if (replayed) return replayed;
    const current = latest(report.id);
    const receipt = writeReceipt(report.id, current?.version, decidePublish(current, report) !== 'unchanged');
    if (receipt.outcome !== 'unchanged') {
      const list = versions.get(report.id) ?? [];
      list.push(copy({ ...report, version: receipt.version }));
      versions.set(report.id, list);
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
      return queryAnswer(query, opts, async function* (pageSize) {
        const matches = [...versions.values()]
          .map((list) => list.at(-1)!)
          .filter((r) => matchesQuery(r, query))
          .sort(byClinicalTimeDesc);
        for (let i = 0; i < matches.length; i += pageSize) {
          throwIfAborted(opts.signal);
          for (const r of matches.slice(i, i + pageSize)) yield copy(r);
        }
      });
    },
    async history(id, opts = {}) {
      throwIfAborted(opts.signal);
      return (versions.get(id) ?? []).map(copy);
    },
  };
}
