/**
 * The cases every contract shares, asserted once for all of them: the contract kit of
 * `@lienthong/core/contract` (declared capabilities, `OPERATION_ABORTED`, the read-only wrapper and
 * `PROVIDER_READ_ONLY`, the one `WriteReceipt`, `DATE_RANGE_INVALID`). Each suite describes how its
 * contract is exercised ({@link ContractShape}) and adds its own cases after these.
 */
import {
  type Contract,
  type DateRange,
  type MethodName,
  OPERATION_ABORTED,
  PROVIDER_READ_ONLY,
  readOnly,
  type WriteReceipt,
} from '@lienthong/core/contract';
import { expect } from 'vitest';
import type { CaseContext, ConformanceCase } from './contract-suite.js';

/** How the shared cases exercise one contract, on records of type `Item`. */
export interface ContractShape<P extends Contract, Item> {
  /** The write methods, which a read-only provider refuses. */
  writes: readonly MethodName<P>[];
  /** A record unique to this case, not stored yet (synthetic data only). */
  fresh(context: CaseContext): Item;
  /** The same record with a change the contract accepts as a new version (a correction). */
  change(item: Item): Item;
  /** Stores the record; answers the receipt. */
  write(provider: P, item: Item): Promise<WriteReceipt>;
  /** Reads the record back; undefined when the provider does not hold it. */
  read(provider: P, item: Item): Promise<unknown>;
  /** The receipt id the record must get, when it is known before the write (its business key). */
  idOf?(item: Item): string;
  /** One call of every method with `signal` (paged answers read to the end), on `item`. */
  calls: { [M in MethodName<P>]: (provider: P, item: Item, signal: AbortSignal) => Promise<unknown> };
  /** A query with a `since`/`until` window, read to the end (contracts whose queries take one). */
  queryWindow?(provider: P, window: DateRange): Promise<unknown>;
}

/** A key unique to one case of one run (for its synthetic records): providers may share storage across cases. */
export const caseKey = (context: CaseContext) => `${context.runId}-${Math.random().toString(36).slice(2, 8)}`;

/** Every item of a paged answer. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The error a promise rejects with (fails the case when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

const receiptOf = (r: WriteReceipt) => ({ id: r.id, version: r.version, outcome: r.outcome });

/** The shared cases of a contract, to put first in its suite. */
export function sharedCases<P extends Contract, Item>(shape: ContractShape<P, Item>): ConformanceCase<P>[] {
  const methods = Object.keys(shape.calls) as MethodName<P>[];
  const cases: ConformanceCase<P>[] = [
    {
      name: 'declares its capabilities, write among them, as booleans',
      run(provider) {
        expect(typeof provider.contract).toBe('string');
        expect(typeof provider.capabilities?.write).toBe('boolean');
        for (const [name, value] of Object.entries(provider.capabilities))
          expect(typeof value, `capabilities.${name}`).toBe('boolean');
      },
    },
    {
      name: `every method rejects with ${OPERATION_ABORTED} given an aborted signal, and stores nothing`,
      async run(provider, context) {
        const controller = new AbortController();
        controller.abort();
        const item = shape.fresh(context);
        for (const method of methods) {
          const error = await rejection(shape.calls[method](provider, item, controller.signal));
          expect(error, method).toMatchObject({ code: OPERATION_ABORTED });
        }
        expect(await shape.read(provider, item)).toBeUndefined();
      },
    },
    {
      name: `a read-only provider refuses every write with ${PROVIDER_READ_ONLY} and stores nothing`,
      requires: ['!write'],
      async run(provider, context) {
        const item = shape.fresh(context);
        for (const method of shape.writes) {
          const write = provider[method] as (...args: unknown[]) => Promise<unknown>;
          const error = await rejection(write.call(provider, item));
          expect(error, method).toMatchObject({
            code: PROVIDER_READ_ONLY,
            details: { contract: provider.contract, method },
          });
        }
        expect(await shape.read(provider, item)).toBeUndefined();
      },
    },
    {
      name: `readOnly(provider) refuses the writes with ${PROVIDER_READ_ONLY} and keeps the reads`,
      requires: ['write'],
      async run(provider, context) {
        const item = shape.fresh(context);
        await shape.write(provider, item);
        const view = readOnly(provider, shape.writes, { name: 'conformance' });
        expect(view.contract).toBe(provider.contract);
        expect(view.capabilities).toEqual({ ...provider.capabilities, write: false });
        expect(await rejection(shape.write(view, shape.change(item)))).toMatchObject({
          code: PROVIDER_READ_ONLY,
        });
        const stored = await shape.read(provider, item);
        expect(stored).toBeDefined();
        expect(await shape.read(view, item)).toEqual(stored);
      },
    },
    {
      name: 'writes answer one receipt: created as version 1, unchanged on retry, updated one version up',
      requires: ['write'],
      async run(provider, context) {
        const item = shape.fresh(context);
        const created = await shape.write(provider, item);
        const id = shape.idOf?.(item) ?? created.id;
        expect(typeof id).toBe('string');
        expect(id.length).toBeGreaterThan(0);
        expect(receiptOf(created)).toEqual({ id, version: 1, outcome: 'created' });
        expect(receiptOf(await shape.write(provider, item))).toEqual({
          id,
          version: 1,
          outcome: 'unchanged',
        });
        const changed = shape.change(item);
        expect(receiptOf(await shape.write(provider, changed))).toEqual({
          id,
          version: 2,
          outcome: 'updated',
        });
        expect(receiptOf(await shape.write(provider, changed))).toEqual({
          id,
          version: 2,
          outcome: 'unchanged',
        });
      },
    },
  ];
  const { queryWindow } = shape;
  if (queryWindow)
    cases.push({
      name: 'a query whose since is after its until is refused with DATE_RANGE_INVALID',
      async run(provider) {
        const error = await rejection(queryWindow(provider, { since: '2025-02-01', until: '2025-01-01' }));
        expect(error).toMatchObject({ code: 'DATE_RANGE_INVALID' });
      },
    });
  return cases;
}
