import type { Bundle, ResourceType } from '@medplum/fhirtypes';
import { bundleMatches } from '../resources.js';

/** A page to fetch: a `next` link as the server gave it, or the search itself from an `_offset`. */
export type PageRequest = { link: string } | { offset: number };

/** How to page a search whose server gives no `next` link. */
export interface OffsetPaging {
  /** The searched type: its `match` entries are what `_offset` counts. */
  type: ResourceType;
  /** The `_count` asked, if any: a full page without a `total` means more may follow. */
  count: number | undefined;
}

/**
 * Walks pages lazily: the next page is requested only when the consumer asks for it. A `next` link
 * is followed as the server gave it (once: a link seen before ends the walk). A server that pages
 * but sends no links — Medplum's `MemoryRepository` behind a bare router, some façades — is asked
 * for the same search at the following `_offset` (not in FHIR R4, but what such servers accept),
 * while the page is not the last: fewer matches so far than its `total`, or with no total a full
 * page of `_count`. An `_offset` page holding only what the page before held means the server
 * ignores `_offset`: the walk ends there rather than repeat that page up to `maxPages` times.
 */
export async function* walkPages(
  get: (request: PageRequest) => Promise<Bundle>,
  offsetPaging: OffsetPaging | undefined,
  maxPages: number,
): AsyncGenerator<Bundle, void, undefined> {
  const visited = new Set<string>();
  let previous = new Set<string>();
  let request: PageRequest | undefined = { offset: 0 };
  for (let n = 0; request && n < maxPages; n++) {
    const page = await get(request);
    const next = page.link?.find((l) => l.relation === 'next')?.url;
    if (next !== undefined || 'link' in request || !offsetPaging) {
      yield page;
      request = next === undefined || visited.has(next) ? undefined : { link: next };
      if (next !== undefined) visited.add(next);
      continue;
    }
    const from: number = request.offset;
    const ids = bundleMatches(page, offsetPaging.type).map((r) => r.id);
    if (from > 0 && ids.length > 0 && ids.every((id) => id !== undefined && previous.has(id))) return;
    yield page;
    previous = new Set(ids.filter((id) => id !== undefined));
    const offset = from + ids.length;
    const more =
      page.total === undefined
        ? offsetPaging.count !== undefined && ids.length >= offsetPaging.count
        : offset < page.total;
    request = ids.length > 0 && more ? { offset } : undefined;
  }
}
