import {
  type CallOptions,
  type Contract,
  checkDateRange,
  type DateRange,
  instantOf,
  readOnly,
  throwIfAborted,
  type WriteReceipt,
  writeReceipt,
} from '@lienthong/core/contract';

// A new contract is the kit's base, its own capabilities, and methods that all take CallOptions.
interface Visit {
  id: string;
  facility: string;
  admittedAt: string;
}
interface VisitHistory extends Contract<'visit-history/v1', { write: boolean }> {
  record(visit: Visit, options?: CallOptions): Promise<WriteReceipt>;
  get(id: string, options?: CallOptions): Promise<Visit | undefined>;
  query(query: DateRange, options?: CallOptions): AsyncIterable<Visit>;
}

export function createMemoryVisitHistory(options: { seed?: readonly Visit[] } = {}): VisitHistory {
  const visits = new Map<string, { visit: Visit; version: number }>();
  const store = (visit: Visit) => {
    const stored = visits.get(visit.id);
    const receipt = writeReceipt(
      visit.id,
      stored?.version,
      JSON.stringify(stored?.visit) !== JSON.stringify(visit),
    );
    if (receipt.outcome !== 'unchanged') visits.set(visit.id, { visit, version: receipt.version });
    return receipt; // { id, version: 1, outcome: 'created' }, then 'unchanged' or 'updated' (version 2)
  };
  for (const visit of options.seed ?? []) store(visit);
  return {
    contract: 'visit-history/v1',
    capabilities: { write: true },
    async record(visit, o = {}) {
      throwIfAborted(o.signal); // OPERATION_ABORTED
      return store(visit);
    },
    async get(id, o = {}) {
      throwIfAborted(o.signal);
      return visits.get(id)?.visit;
    },
    async *query(window, o = {}) {
      throwIfAborted(o.signal);
      checkDateRange(window); // since after until: DATE_RANGE_INVALID
      for (const { visit } of visits.values()) {
        const at = instantOf(visit.admittedAt); // a date counts from 00:00 Vietnam time
        if (window.since && at < instantOf(window.since)) continue;
        if (window.until && at > instantOf(window.until)) continue;
        yield visit;
      }
    },
  };
}

// The same provider, read-only: `record` rejects with PROVIDER_READ_ONLY, reads answer as before.
export const archive = readOnly(createMemoryVisitHistory(), ['record'], { name: 'archive' });
