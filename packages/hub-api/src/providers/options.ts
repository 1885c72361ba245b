import { createHubClient, type HubClient, type HubClientOptions } from '../client.js';

/** Options shared by every hub provider: a client, or what it takes to make one. */
export type HubProviderOptions =
  | { client: HubClient; pageSize?: number }
  | (HubClientOptions & { pageSize?: number });

export function clientOf(options: HubProviderOptions): HubClient {
  return 'client' in options ? options.client : createHubClient(options);
}

/** `system|value` as the hub's token parameters spell it. */
export const token = (system: string | undefined, value: string) => (system ? `${system}|${value}` : value);

/** Walks a cursor-paged list lazily: the next page is fetched only when the consumer asks. */
export async function* pages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
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
    if (typeof error === 'object' && error !== null && (error as { kind?: string }).kind === 'not-found')
      return undefined;
    throw error;
  }
}
