import type { Bundle, Patient } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import { sendJson, startLoopbackServer } from '../../test/loopback-server.js';
import { createTransport } from '../transport/create-transport.js';
import { searchPages, searchResources } from './search-pages.js';

type Server = Awaited<ReturnType<typeof startLoopbackServer>>;
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A FHIR-like server paging 7 patients 3 per page, with absolute `next` links (as real servers send). */
async function pagingServer(options: { loop?: boolean } = {}) {
  const patients: Patient[] = Array.from({ length: 7 }, (_, i) => ({ resourceType: 'Patient', id: `p${i}` }));
  const s = await startLoopbackServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const offset = Number(url.searchParams.get('_offset') ?? 0);
    const count = Number(url.searchParams.get('_count') ?? 3);
    const page = patients.slice(offset, offset + count);
    const nextOffset = options.loop ? 0 : offset + count;
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: patients.length,
      link: [
        { relation: 'self', url: `${s.url}/fhir${req.url}` },
        ...(nextOffset < patients.length
          ? [{ relation: 'next', url: `${s.url}/fhir/Patient?_count=${count}&_offset=${nextOffset}` }]
          : []),
      ],
      entry: [
        ...page.map((resource) => ({ resource, search: { mode: 'match' as const } })),
        { resource: { resourceType: 'OperationOutcome', issue: [] }, search: { mode: 'outcome' as const } },
      ],
    };
    sendJson(res, 200, bundle, { 'content-type': 'application/fhir+json' });
  });
  servers.push(s);
  return s;
}

describe('searchPages', () => {
  it('follows next links over 3 pages, lazily', async () => {
    const s = await pagingServer();
    const fhir = createTransport({ baseUrl: `${s.url}/fhir` });
    const pages = searchPages(fhir, 'Patient', { _count: 3, family: 'Nguyễn' });
    const first = await pages.next();
    expect(first.value?.entry).toHaveLength(4);
    expect(s.requests).toHaveLength(1); // the next page is fetched only when asked for
    const rest: Bundle[] = [];
    for await (const page of pages) rest.push(page);
    expect(rest).toHaveLength(2);
    expect(s.requests).toHaveLength(3);
    expect(s.requests[0]!.url).toBe('/fhir/Patient?_count=3&family=Nguy%E1%BB%85n');
    expect(s.requests[0]!.headers.accept).toBe('application/fhir+json');
  });

  it('yields matching resources across pages, skipping outcome entries', async () => {
    const s = await pagingServer();
    const fhir = createTransport({ baseUrl: `${s.url}/fhir` });
    const ids: string[] = [];
    for await (const p of searchResources<Patient>(fhir, 'Patient', { _count: 3 })) ids.push(p.id!);
    expect(ids).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  it('stops on a next link already visited and at maxPages', async () => {
    const s = await pagingServer({ loop: true });
    const fhir = createTransport({ baseUrl: `${s.url}/fhir` });
    const seen: Bundle[] = [];
    for await (const page of searchPages(fhir, 'Patient', {})) seen.push(page);
    expect(seen).toHaveLength(2); // first page, then the looping next link once
    const limited: Bundle[] = [];
    const s2 = await pagingServer();
    for await (const page of searchPages(
      createTransport({ baseUrl: `${s2.url}/fhir` }),
      'Patient',
      {},
      { maxPages: 1 },
    ))
      limited.push(page);
    expect(limited).toHaveLength(1);
  });

  it('fails clearly when the server does not answer with a Bundle', async () => {
    const s = await startLoopbackServer((_req, res) => sendJson(res, 200, { resourceType: 'Patient' }));
    servers.push(s);
    const pages = searchPages(createTransport({ baseUrl: s.url }), 'Patient', {
      identifier: 'sys|001203012345',
    });
    await expect(pages.next()).rejects.toMatchObject({ code: 'FHIR_SEARCH_NOT_A_BUNDLE' });
  });
});
