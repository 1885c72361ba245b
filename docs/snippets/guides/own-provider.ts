import { describeResultExchangeConformance } from '@lienthong/conformance';
import type { LabReport, LabReportQuery, PublishReceipt, ResultExchange } from '@lienthong/result-exchange';
import {
  byClinicalTimeDesc,
  checkPublishable,
  contentKey,
  decidePublish,
  idempotencyConflict,
  matchesQuery,
  throwIfAborted,
} from '@lienthong/result-exchange';

/**
 * A vendor's own ResultExchange over its existing LIS database (here a Map stands in for it).
 * It reuses the contract's shared rules (checkPublishable, decidePublish, matchesQuery, the
 * ordering) so it behaves like every other provider.
 */
export function createMyLisResultExchange(): ResultExchange {
  const versions = new Map<string, LabReport[]>();
  const keys = new Map<string, string>();
  return {
    contract: 'result-exchange/v1',
    capabilities: { write: true, history: true },
    async publish(input, options): Promise<PublishReceipt> {
      throwIfAborted(options?.signal);
      const report = checkPublishable(input);
      const history = versions.get(report.id) ?? [];
      const current = history[history.length - 1];
      const key = options?.idempotencyKey;
      if (key && keys.has(key)) {
        if (keys.get(key) !== contentKey(report)) throw idempotencyConflict();
        return { id: report.id, version: current!.version ?? 1, outcome: 'unchanged' };
      }
      const decision = decidePublish(current, report);
      if (decision === 'unchanged')
        return { id: report.id, version: current!.version ?? 1, outcome: 'unchanged' };
      const version = history.length + 1;
      versions.set(report.id, [...history, { ...report, version }]);
      if (key) keys.set(key, contentKey(report));
      return { id: report.id, version, outcome: decision === 'create' ? 'created' : 'superseded' };
    },
    async get(id, options) {
      throwIfAborted(options?.signal);
      return versions.get(id)?.at(-1);
    },
    async *query(query: LabReportQuery, options) {
      throwIfAborted(options?.signal);
      const current = [...versions.values()].map((h) => h[h.length - 1]!);
      yield* current.filter((r) => matchesQuery(r, query)).sort(byClinicalTimeDesc);
    },
    async history(id) {
      return versions.get(id) ?? [];
    },
  };
}

// In your test file: the same suite every shipped provider passes.
describeResultExchangeConformance('my LIS', () => createMyLisResultExchange());
