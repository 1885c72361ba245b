import type { Bundle, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { type PageRequest, walkPages } from './pages.js';

const patients: Patient[] = Array.from({ length: 7 }, (_, i) => ({ resourceType: 'Patient', id: `p${i}` }));

/** A server of 7 patients, `count` a page, answering `get` requests with or without links and total. */
function server(options: { count: number; links?: boolean; total?: boolean; ignoresOffset?: boolean }) {
  const asked: PageRequest[] = [];
  const get = async (request: PageRequest): Promise<Bundle> => {
    asked.push(request);
    const from =
      'link' in request ? Number(request.link.split('=')[1]) : options.ignoresOffset ? 0 : request.offset;
    const shown = patients.slice(from, from + options.count);
    const more = from + shown.length < patients.length;
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      ...(options.total ? { total: patients.length } : {}),
      ...(options.links && more
        ? { link: [{ relation: 'next', url: `page?from=${from + options.count}` }] }
        : {}),
      entry: [
        ...shown.map((resource) => ({ resource, search: { mode: 'match' as const } })),
        { resource: { resourceType: 'Patient', id: 'included' }, search: { mode: 'include' as const } },
      ],
    };
  };
  return { get, asked };
}

async function ids(pages: AsyncIterable<Bundle>): Promise<string[]> {
  const out: string[] = [];
  for await (const page of pages)
    for (const e of page.entry ?? []) if (e.search?.mode === 'match') out.push(e.resource!.id!);
  return out;
}

const all = patients.map((p) => p.id);

describe('walkPages', () => {
  it('follows next links, lazily', async () => {
    const s = server({ count: 3, links: true });
    const pages = walkPages(s.get, { type: 'Patient', count: 3 }, 100);
    await pages.next();
    expect(s.asked).toEqual([{ offset: 0 }]); // the next page only when asked for
    expect([...(await ids(pages))]).toEqual(['p3', 'p4', 'p5', 'p6']);
    expect(s.asked).toEqual([{ offset: 0 }, { link: 'page?from=3' }, { link: 'page?from=6' }]);
  });

  it('pages by _offset up to the total when the server gives no links (matches counted, not includes)', async () => {
    const s = server({ count: 3, total: true });
    expect(await ids(walkPages(s.get, { type: 'Patient', count: 3 }, 100))).toEqual(all);
    expect(s.asked).toEqual([{ offset: 0 }, { offset: 3 }, { offset: 6 }]);
  });

  it('pages by _offset while pages come back full when there is no total either', async () => {
    const s = server({ count: 7 });
    expect(await ids(walkPages(s.get, { type: 'Patient', count: 7 }, 100))).toEqual(all);
    expect(s.asked).toEqual([{ offset: 0 }, { offset: 7 }]); // a full last page costs one empty request
    const short = server({ count: 3 });
    expect(await ids(walkPages(short.get, { type: 'Patient', count: 4 }, 100))).toEqual(['p0', 'p1', 'p2']);
    expect(short.asked).toHaveLength(1); // fewer than `_count`: the last page
    const uncounted = server({ count: 3 });
    await ids(walkPages(uncounted.get, { type: 'Patient', count: undefined }, 100));
    expect(uncounted.asked).toHaveLength(1); // without `_count` nor total, a page says nothing of more
  });

  it('stops, without repeating it, when a server ignores _offset', async () => {
    const s = server({ count: 3, total: true, ignoresOffset: true });
    expect(await ids(walkPages(s.get, { type: 'Patient', count: 3 }, 100))).toEqual(['p0', 'p1', 'p2']);
    expect(s.asked).toEqual([{ offset: 0 }, { offset: 3 }]);
  });

  it('never uses _offset after links, nor for walks without offset paging (history)', async () => {
    // Links up to the second page only: the page reached by a link and without `next` is the last.
    const s = server({ count: 3, links: true, total: true });
    const get = async (r: PageRequest) => {
      const page = await s.get(r);
      return 'link' in r ? { ...page, link: [] } : page;
    };
    expect(await ids(walkPages(get, { type: 'Patient', count: 3 }, 100))).toEqual([
      'p0',
      'p1',
      'p2',
      'p3',
      'p4',
      'p5',
    ]);
    const history = server({ count: 3, total: true });
    expect(await ids(walkPages(history.get, undefined, 100))).toEqual(['p0', 'p1', 'p2']);
  });

  it('stops on a next link already followed and at maxPages', async () => {
    let asked = 0;
    const looping = async (): Promise<Bundle> => {
      asked++;
      return { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: 'same' }] };
    };
    const pages: Bundle[] = [];
    for await (const page of walkPages(looping, undefined, 100)) pages.push(page);
    expect(pages).toHaveLength(2); // the first page, then the looping link once
    expect(asked).toBe(2);
    const s = server({ count: 1, total: true });
    expect(await ids(walkPages(s.get, { type: 'Patient', count: 1 }, 2))).toEqual(['p0', 'p1']);
  });
});
