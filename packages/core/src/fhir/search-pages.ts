import type { Bundle, Resource } from '@medplum/fhirtypes';
import { TransportError } from '../errors/lienthong-error.js';
import { redactUrl } from '../privacy/mask.js';
import type { Transport } from '../transport/create-transport.js';
import type { SearchParamsInit } from '../transport/url.js';

/** Options of {@link searchPages} and {@link searchResources}. */
export interface SearchPagesOptions {
  signal?: AbortSignal;
  /** Stop after this many pages (guards against servers whose `next` links loop). Default 10 000. */
  maxPages?: number;
}

const FHIR_JSON = { accept: 'application/fhir+json' };

/**
 * Walks a FHIR search page by page, following each Bundle's `next` link, fetching lazily: the
 * next page is requested only when the consumer asks for it.
 * @example
 * for await (const page of searchPages(fhir, 'Patient', { family: 'Nguyễn', _count: 50 })) { … }
 */
export async function* searchPages(
  transport: Transport,
  resourceType: string,
  params: SearchParamsInit = {},
  options: SearchPagesOptions = {},
): AsyncGenerator<Bundle, void, undefined> {
  const maxPages = options.maxPages ?? 10_000;
  const seen = new Set<string>();
  let next: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const bundle = (await transport.get(next ?? resourceType, {
      ...(next === undefined ? { searchParams: params } : {}),
      headers: FHIR_JSON,
      ...(options.signal ? { signal: options.signal } : {}),
    })) as Bundle | undefined;
    if (bundle?.resourceType !== 'Bundle') {
      const url = redactUrl(next ?? resourceType);
      throw new TransportError({
        code: 'FHIR_SEARCH_NOT_A_BUNDLE',
        message: `The FHIR search ${url} did not return a Bundle.`,
        messageVi: `Tìm kiếm FHIR ${url} không trả về Bundle.`,
        method: 'GET',
        url,
        retryable: false,
      });
    }
    yield bundle;
    next = bundle.link?.find((l) => l.relation === 'next')?.url;
    if (next === undefined || seen.has(next)) return;
    seen.add(next);
  }
}

/** Every resource (entries with `search.mode` `match`, or without a mode) across all pages of a search. */
export async function* searchResources<T extends Resource = Resource>(
  transport: Transport,
  resourceType: string,
  params: SearchParamsInit = {},
  options: SearchPagesOptions = {},
): AsyncGenerator<T, void, undefined> {
  for await (const page of searchPages(transport, resourceType, params, options)) {
    for (const entry of page.entry ?? []) {
      if (entry.resource && (entry.search?.mode === undefined || entry.search.mode === 'match'))
        yield entry.resource as T;
    }
  }
}
