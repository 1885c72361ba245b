import { isNotFoundError } from '@lienthong/core';
import { throwIfAborted } from '@lienthong/core/contract';
import { createHubClient, type HubClient, type HubClientOptions } from '../client.js';

/** Options shared by every hub provider: a client, or what it takes to make one. */
export type HubProviderOptions =
  | { client: HubClient; pageSize?: number }
  | (HubClientOptions & { pageSize?: number });

export function clientOf(options: HubProviderOptions): HubClient {
  return 'client' in options ? options.client : createHubClient(options);
}

/** The `signal` option of a hub call: the caller's, when it gave one. */
export function signalOf(o: { signal?: AbortSignal } | undefined): { signal?: AbortSignal } {
  return o?.signal ? { signal: o.signal } : {};
}

/**
 * The query of one page of a list: the filters that are set, in their order (an unset or empty one
 * is left out), then the page size and the cursor of the page before (none for the first).
 */
export function pageQuery<F extends Record<string, unknown>>(
  filters: F,
  limit: number,
  cursor: string | undefined,
): { [K in keyof F]?: NonNullable<F[K]> } & { limit: number; cursor?: string } {
  const query: Record<string, unknown> = {};
  for (const key in filters) if (filters[key]) query[key] = filters[key];
  query.limit = limit;
  if (cursor) query.cursor = cursor;
  return query as { [K in keyof F]?: NonNullable<F[K]> } & { limit: number; cursor?: string };
}

/**
 * Walks a cursor-paged list lazily: the next page is fetched only when the consumer asks, never
 * once `signal` is aborted (`OPERATION_ABORTED`).
 */
export async function* pages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    throwIfAborted(signal);
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** Undefined for a 404, the value otherwise (other errors propagate). */
export async function orUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw error;
  }
}
