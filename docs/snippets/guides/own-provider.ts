import { describeResultExchangeConformance } from '@lienthong/conformance';
import { checkDateRange, throwIfAborted, type WriteReceipt, writeReceipt } from '@lienthong/core/contract';
import type { LabReport, LabReportQuery, ResultExchange } from '@lienthong/result-exchange';
import {
  byClinicalTimeDesc,
  checkPublishable,
  contentKey,
  createIdempotencyCache,
  decidePublish,
  matchesQuery,
} from '@lienthong/result-exchange/provider-kit';

/**
 * A vendor's own ResultExchange over its existing LIS database (here a Map stands in for it).
 * It reuses the contract kit (abort, receipt, date window) and the provider kit's shared rules
 * (checkPublishable, decidePublish, the idempotency cache, matchesQuery, the ordering), so it
 * behaves like every other provider.
 */
export function createMyLisResultExchange(): ResultExchange {
  const versions = new Map<string, LabReport[]>();
  const keys = createIdempotencyCache();
  return {
    contract: 'result-exchange/v1',
    capabilities: { write: true, history: true },
    async publish(input, options): Promise<WriteReceipt> {
      throwIfAborted(options?.signal);
      const report = checkPublishable(input);
      const replayed = keys.replay(options?.idempotencyKey, contentKey(report));
      if (replayed) return replayed;
      const history = versions.get(report.id) ?? [];
      const current = history.at(-1);
      const receipt = writeReceipt(
        report.id,
        current?.version,
        decidePublish(current, report) !== 'unchanged',
      );
      if (receipt.outcome !== 'unchanged')
        versions.set(report.id, [...history, { ...report, version: receipt.version }]);
      keys.remember(options?.idempotencyKey, contentKey(report), receipt);
      return receipt;
    },
    async get(id, options) {
      throwIfAborted(options?.signal);
      return versions.get(id)?.at(-1);
    },
    async *query(query: LabReportQuery, options) {
      throwIfAborted(options?.signal);
      checkDateRange(query);
      const current = [...versions.values()].map((h) => h.at(-1)!);
      yield* current.filter((r) => matchesQuery(r, query)).sort(byClinicalTimeDesc);
    },
    async history(id, options) {
      throwIfAborted(options?.signal);
      return versions.get(id) ?? [];
    },
  };
}

// In your test file: the same suite every shipped provider passes.
describeResultExchangeConformance('my LIS', () => createMyLisResultExchange());
