import { throwIfAborted } from './abort.js';
import type { CallOptions } from './contract.js';

/**
 * The answer of a paged query, as every provider gives it: nothing runs until it is iterated; then
 * the abort and `check` (the query's own validation) run, and `items(pageSize)` yields the answer,
 * `pageSize` being the caller's (at least 1, default 50).
 * @example
 * return pagedAnswer(options, () => checkDateRange(query), async function* (pageSize) { … });
 */
export function pagedAnswer<T>(
  options: CallOptions & { pageSize?: number },
  check: () => void,
  items: (pageSize: number) => AsyncIterable<T>,
): AsyncIterable<T> {
  const pageSize = Math.max(1, options.pageSize ?? 50);
  return {
    async *[Symbol.asyncIterator]() {
      throwIfAborted(options.signal);
      check();
      yield* items(pageSize);
    },
  };
}
